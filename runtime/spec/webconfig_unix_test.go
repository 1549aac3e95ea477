//go:build unix

package spec

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/parse"
)

// TestBuildHostileWebConfig: a web.config its owner made a FIFO, a link to a device or
// to a file outside the physical path, or too large, costs that application its
// program, with a warning, and Build returns promptly; the other application runs.
func TestBuildHostileWebConfig(t *testing.T) {
	const good = `<configuration><system.webServer><aspNetCore processPath="./run.sh" /></system.webServer></configuration>`
	tests := []struct {
		name    string
		make    func(t *testing.T, file, outside string)
		wantMsg string
	}{
		{"FIFO", func(t *testing.T, file, _ string) { must(t, syscall.Mkfifo(file, 0o600)) }, "is a FIFO, not a regular file"},
		{"symlink to /dev/zero", func(t *testing.T, file, _ string) { must(t, os.Symlink("/dev/zero", file)) }, "resolves outside"},
		{"symlink to a file outside the physical path", func(t *testing.T, file, outside string) {
			must(t, os.WriteFile(outside, []byte(good), 0o600))
			must(t, os.Symlink(outside, file))
		}, "resolves outside"},
		{"larger than IIS's 250 KB", func(t *testing.T, file, _ string) {
			big := strings.Replace(good, "<system.webServer>", "<!--"+strings.Repeat("x", MaxWebConfigSize)+"--><system.webServer>", 1)
			must(t, os.WriteFile(file, []byte(big), 0o600))
		}, "larger than the limit of 256000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			bad, ok := filepath.Join(root, "bad"), filepath.Join(root, "ok")
			must(t, os.Mkdir(bad, 0o700))
			must(t, os.Mkdir(ok, 0o700))
			must(t, os.WriteFile(filepath.Join(ok, "web.config"), []byte(good), 0o600))
			tt.make(t, filepath.Join(bad, "web.config"), filepath.Join(root, "outside.config"))
			cfg := writeConfig(t, `<configuration><system.applicationHost><sites>
<site name="S" id="1">
<application path="/bad" applicationPool="P"><virtualDirectory path="/" physicalPath="`+bad+`" /></application>
<application path="/ok" applicationPool="P"><virtualDirectory path="/" physicalPath="`+ok+`" /></application>
</site></sites>
<applicationPools><add name="P" /></applicationPools></system.applicationHost></configuration>`)
			checkBadApp(t, cfg, Options{}, tt.wantMsg)
		})
	}
}

// TestBuildHungWebConfig: a read of web.config that does not return (a hung network
// file system) is given up on after Options.ReadTimeout.
func TestBuildHungWebConfig(t *testing.T) {
	cfg := writeConfig(t, `<configuration><system.applicationHost><sites>
<site name="S" id="1">
<application path="/bad" applicationPool="P"><virtualDirectory path="/" physicalPath="/hung" /></application>
<application path="/ok" applicationPool="P"><virtualDirectory path="/" physicalPath="/ok" /></application>
</site></sites>
<applicationPools><add name="P" /></applicationPools></system.applicationHost></configuration>`)
	hang := make(chan struct{})
	defer close(hang)
	read := func(name string) ([]byte, error) {
		if strings.HasPrefix(name, "/hung/") {
			<-hang
		}
		if name == "/ok/web.config" {
			return []byte(`<configuration><system.webServer><aspNetCore processPath="./run.sh" /></system.webServer></configuration>`), nil
		}
		return nil, os.ErrNotExist
	}
	checkBadApp(t, cfg, Options{ReadFile: read, ReadTimeout: 50 * time.Millisecond}, "/hung/web.config: no answer after 50ms, given up")
}

// checkBadApp builds cfg, whose application S/bad has a web.config that cannot be
// used and S/ok a good one, and checks that Build returns, S/bad has no program and a
// warning saying wantMsg, and S/ok has its program.
func checkBadApp(t *testing.T, cfg *parse.Config, opt Options, wantMsg string) {
	t.Helper()
	type result struct {
		s        *Spec
		warnings []Warning
		err      error
	}
	done := make(chan result, 1)
	go func() {
		s, warnings, err := Build(cfg, opt)
		done <- result{s, warnings, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute): // a failure guard only: Build returns at once
		t.Fatal("Build did not return")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	apps := r.s.Sites[0].Apps
	if p := apps[0].Program; p.Found || p.Runnable() {
		t.Errorf("S/bad program = %+v, want none", p)
	}
	if p := apps[1].Program; !p.Runnable() {
		t.Errorf("S/ok program = %+v, want ./run.sh", p)
	}
	if len(r.warnings) != 1 || !strings.Contains(r.warnings[0].Msg, wantMsg) || !strings.HasSuffix(r.warnings[0].Msg, "; it gets no program") || r.warnings[0].Pos.Line != 3 {
		t.Errorf("warnings = %+v, want one at line 3 saying %q", r.warnings, wantMsg)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
