//go:build linux

package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDemo runs the demo as a user does (issue 13, item 8): poolctl run with no
// configuration, then every poolctl command it prints, exactly as printed, through a
// shell. The commands must work whether or not poolctl is on $PATH. SIGTERM stops the
// demo, and its directory is gone afterwards; the directories of earlier demos that
// were killed are gone too, but not those of a demo still running nor directories
// that are not poolctl's.
func TestDemo(t *testing.T) {
	bin, err := exec.LookPath("poolctl") // the test binary, standing in (see TestMain)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		onPath  bool
		command string
	}{
		{"poolctl not on PATH", false, bin},
		{"poolctl on PATH", true, "poolctl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tmp, work := mkdirs(t, "tmp", "work")
			stale := staleDemoDirs(t, tmp)
			sock := filepath.Join(work, "admin.sock")
			r := startRunProc(t, bin, work, demoEnv(t, tmp, filepath.Dir(bin), tt.onPath), "run", "--admin", sock)
			lines := r.until("Stop with Ctrl-C", 2*time.Minute)
			demos := newDemoDirs(t, tmp, stale)
			if len(demos) != 1 {
				t.Fatalf("demo directories while the demo runs: %v, want one", demos)
			}
			ran := 0
			for _, line := range lines {
				cmdline, ok := strings.CutPrefix(line, "  ")
				if !ok || !strings.HasPrefix(cmdline, tt.command+" ") {
					continue
				}
				sh := exec.Command("sh", "-c", cmdline)
				sh.Env, sh.Dir = demoEnv(t, tmp, filepath.Dir(bin), tt.onPath), t.TempDir()
				out, err := sh.CombinedOutput()
				if err != nil {
					t.Errorf("printed command %q: %v\n%s", cmdline, err, out)
				}
				ran++
			}
			if ran < 3 {
				t.Fatalf("%d commands start with %q, want 3 (pools, workers, pool start); the demo printed:\n%s", ran, tt.command, strings.Join(lines, "\n"))
			}
			r.stop(time.Minute)
			if left := newDemoDirs(t, tmp, stale); len(left) != 0 {
				t.Errorf("demo directories after the demo stopped: %v, want none", left)
			}
			kept := []string{stale["foreign"], stale["running"]}
			if got := demoDirs(t, tmp); !cmp.Equal(got, kept) {
				t.Errorf("directories left in the temporary directory: %v, want the foreign and running ones: %v", got, kept)
			}
		})
	}
}

// TestDemoRemovedOnError: a demo that cannot start (here its admin socket cannot be
// made) removes its directory too.
func TestDemoRemovedOnError(t *testing.T) {
	bin, err := exec.LookPath("poolctl")
	if err != nil {
		t.Fatal(err)
	}
	tmp, work := mkdirs(t, "tmp", "work")
	r := startRunProc(t, bin, work, demoEnv(t, tmp, filepath.Dir(bin), true), "run", "--admin", "/proc/no-such-dir/admin.sock")
	var exit *exec.ExitError
	if err := r.wait(time.Minute); !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("poolctl run: %v, want exit status 2; stderr:\n%s", err, r.errText())
	}
	if left := demoDirs(t, tmp); len(left) != 0 {
		t.Errorf("demo directories after a failed start: %v, want none", left)
	}
}

// TestDemoCommand checks how the demo names poolctl in the commands it prints.
func TestDemoCommand(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	found := func(string) (string, error) { return self, nil }
	notFound := func(string) (string, error) { return "", exec.ErrNotFound }
	for _, tt := range []struct {
		name       string
		exe        string
		lookPath   func(string) (string, error)
		sourceHere bool
		want       string
	}{
		{"on PATH", self, found, true, "poolctl"},
		{"another poolctl on PATH", "/opt/poolctl 2/poolctl", found, false, "'/opt/poolctl 2/poolctl'"},
		{"go run, in the source", "/tmp/go-build123/b001/exe/poolctl", notFound, true, "go run ./cmd/poolctl"},
		{"go run from the build cache", "/root/.cache/go-build/b6/b62-d/poolctl", notFound, true, "go run ./cmd/poolctl"},
		{"go run, elsewhere", "/tmp/go-build123/b001/exe/poolctl", notFound, false, "/tmp/go-build123/b001/exe/poolctl"},
		{"installed, not on PATH", "/opt/bin/poolctl", notFound, true, "/opt/bin/poolctl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := demoCommand(tt.exe, tt.lookPath, tt.sourceHere); got != tt.want {
				t.Errorf("demoCommand = %q, want %q", got, tt.want)
			}
		})
	}
}

// mkdirs makes directories in a new temporary directory and returns their paths.
func mkdirs(t *testing.T, names ...string) (string, string) {
	t.Helper()
	base := t.TempDir()
	var out []string
	for _, n := range names {
		p := filepath.Join(base, n)
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out[0], out[1]
}

// demoEnv returns the environment of a demo run and of the commands it prints: tmp as
// the temporary directory, two free ports for the demo's sites, no configuration
// named, and $PATH with or without the directory of the stand-in poolctl.
func demoEnv(t *testing.T, tmp, bindir string, onPath bool) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		switch name {
		case "TMPDIR", configEnv, demoPortsEnv:
			continue
		case "PATH":
			var dirs []string
			for _, d := range filepath.SplitList(value) {
				if d != bindir {
					dirs = append(dirs, d)
				}
			}
			if onPath {
				dirs = append([]string{bindir}, dirs...)
			}
			kv = "PATH=" + strings.Join(dirs, string(filepath.ListSeparator))
		}
		env = append(env, kv)
	}
	p1, p2 := freePort(t), freePort(t)
	return append(env, "TMPDIR="+tmp, demoPortsEnv+"="+strconv.Itoa(p1)+","+strconv.Itoa(p2))
}

// freePort returns a port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// staleDemoDirs makes, in tmp, the directory of a demo that was killed ("killed": its
// mark names a process that has exited), one of a demo still running ("running": its
// mark names this test's process, with its start time) and one that only looks like
// a demo's ("foreign": no mark). It returns their paths by those names.
func staleDemoDirs(t *testing.T, tmp string) map[string]string {
	t.Helper()
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Fatal(err)
	}
	start, ok := procStartTime(os.Getpid())
	if !ok {
		t.Fatal("no start time for this process")
	}
	marks := map[string]string{
		"killed":  strconv.Itoa(exited.Process.Pid) + " 1\n",
		"running": strconv.Itoa(os.Getpid()) + " " + start + "\n",
		"foreign": "",
	}
	out := map[string]string{}
	for name, mark := range marks {
		dir := filepath.Join(tmp, demoPrefix+name)
		if err := os.MkdirAll(filepath.Join(dir, "www"), 0o755); err != nil {
			t.Fatal(err)
		}
		if mark != "" {
			if err := os.WriteFile(filepath.Join(dir, demoMark), []byte(mark), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out[name] = dir
	}
	return out
}

// demoDirs returns the poolctl-demo-* directories in tmp, sorted.
func demoDirs(t *testing.T, tmp string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(tmp, demoPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(m)
	return m
}

// newDemoDirs returns the demo directories in tmp but those staleDemoDirs made.
func newDemoDirs(t *testing.T, tmp string, made map[string]string) []string {
	t.Helper()
	var out []string
	for _, d := range demoDirs(t, tmp) {
		if d != made["killed"] && d != made["running"] && d != made["foreign"] {
			out = append(out, d)
		}
	}
	return out
}
