package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoadSources: Options.Sources gives a configSource file content instead of what is
// on disk, even when the file does not exist; other files are read from disk.
func TestLoadSources(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "app.config")
	const text = `<configuration><system.applicationHost><applicationPools configSource="pools.config" /></system.applicationHost></configuration>`
	if err := os.WriteFile(main, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	section, err := ConfigSourcePath(main, "pools.config")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(main, LoadOptions{}); err == nil {
		t.Fatal("Load without the section file succeeded")
	}
	opt := LoadOptions{Read: Options{Sources: map[string][]byte{section: []byte(`<applicationPools><add name="Given" /></applicationPools>`)}}}
	cfg, err := Load(main, opt)
	if err != nil {
		t.Fatal(err)
	}
	if pools := cfg.Pools(); len(pools) != 1 || pools[0].Name != "Given" {
		t.Errorf("pools %v, want the one of Sources", pools)
	}
	if got := cfg.Sources[0].Name; got != section {
		t.Errorf("section document named %q, want %q", got, section)
	}
}

// TestConfigSourceBeneath: a configSource file is read only when it resolves inside
// the config's directory and is a regular file; the error is at the attribute's value.
func TestConfigSourceBeneath(t *testing.T) {
	root := t.TempDir()
	dir, outside := filepath.Join(root, "conf"), filepath.Join(root, "outside")
	for _, d := range []string{dir, outside, filepath.Join(dir, "parts")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	const pools = `<applicationPools><add name="Shop" /></applicationPools>`
	for _, f := range []string{filepath.Join(dir, "parts", "pools.config"), filepath.Join(outside, "pools.config")} {
		if err := os.WriteFile(f, []byte(pools), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"passwd.config": "/etc/passwd",
		"out.config":    filepath.Join(outside, "pools.config"),
		"outdir":        "../outside",
		"in.config":     "parts/pools.config",
		"indir":         "parts",
		"zero.config":   "/dev/zero",
	}
	for name, to := range links {
		if err := os.Symlink(to, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := mkfifo(filepath.Join(dir, "fifo.config")); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	tests := []struct {
		name, source, wantErr string
	}{
		{"symlink to /etc/passwd", "passwd.config", `configSource "passwd.config" resolves outside the config's directory`},
		{"symlink to a file in another directory", "out.config", `configSource "out.config" resolves outside`},
		{"symlinked directory pointing outside", `outdir\pools.config`, `configSource "outdir\\pools.config" resolves outside`},
		{"symlink to a device", "zero.config", `configSource "zero.config" resolves outside`},
		{"FIFO", "fifo.config", `configSource "fifo.config": ` + filepath.Join(dir, "fifo.config") + ` is a FIFO, not a regular file`},
		{"symlink staying inside", "in.config", ""},
		{"symlinked directory staying inside", "indir/pools.config", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			main := filepath.Join(dir, "app.config")
			text := "<configuration>\n  <system.applicationHost>\n    <applicationPools configSource=\"" + tt.source + "\" />\n  </system.applicationHost>\n</configuration>\n"
			if err := os.WriteFile(main, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			var cfg *Config
			var err error
			go func() {
				defer close(done)
				cfg, err = Load(main, LoadOptions{})
			}()
			select {
			case <-done:
			case <-time.After(time.Minute):
				t.Fatal("Load did not return: it blocks on the configSource file")
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if pools := cfg.Pools(); len(pools) != 1 || pools[0].Name != "Shop" {
					t.Errorf("pools %v, want Shop", pools)
				}
				return
			}
			want := main + ":3:37: " + tt.wantErr
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("Load = %v, want %q", err, want)
			}
			if _, err := ConfigSourcePath(main, tt.source); err == nil {
				t.Errorf("ConfigSourcePath(%q) succeeded, want it refused", tt.source)
			}
		})
	}
}

// TestSourceRel: configSource is read the same on every OS: IIS writes backslashes,
// and any rooted or drive form is refused, whichever OS reads the file.
func TestSourceRel(t *testing.T) {
	const relative, beneath = "must be a relative path", "must name a file in the config's directory or below"
	tests := []struct {
		name, source, want, wantErr string
	}{
		{"plain name", "pools.config", "pools.config", ""},
		{"backslash, as IIS writes it", `config\pools.config`, "config/pools.config", ""},
		{"slash", "config/pools.config", "config/pools.config", ""},
		{"mixed and doubled separators", `config\\sub/./pools.config`, "config/sub/pools.config", ""},
		{"dot-dot staying inside", `config\..\pools.config`, "pools.config", ""},
		{"drive and backslash", `C:\x.config`, "", relative},
		{"drive and slash", "C:/x.config", "", relative},
		{"drive-relative", "C:x.config", "", relative},
		{"NTFS stream", "pools.config:hidden", "", relative},
		{"UNC share", `\\server\share\x.config`, "", relative},
		{"UNC with slashes", "//server/share/x.config", "", relative},
		{"device path", `\\?\C:\x.config`, "", relative},
		{"rooted backslash", `\x.config`, "", relative},
		{"rooted slash", "/x.config", "", relative},
		{"empty", "", "", relative},
		{"parent", `..\pools.config`, "", beneath},
		{"parent through a subdirectory", `config\..\..\pools.config`, "", beneath},
		{"parent alone", "..", "", beneath},
		{"the directory itself", `config\..`, "", beneath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sourceRel(tt.source)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("sourceRel(%q) = %q, %v; want an error with %q", tt.source, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != filepath.FromSlash(tt.want) {
				t.Fatalf("sourceRel(%q) = %q, %v; want %q", tt.source, got, err, filepath.FromSlash(tt.want))
			}
		})
	}
}

// FuzzSourceRel: whatever configSource holds, a path sourceRel accepts stays in the
// config's directory: relative, without "..", a drive or a stream.
func FuzzSourceRel(f *testing.F) {
	for _, s := range []string{`config\pools.config`, `C:\x`, `C:x`, `\\server\share`, `\x`, "/x", `a\..\..\b`, "a/./b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, source string) {
		rel, err := sourceRel(source)
		if err != nil {
			return
		}
		slashed := filepath.ToSlash(rel)
		if rel == "" || filepath.IsAbs(rel) || strings.HasPrefix(slashed, "/") || strings.Contains(rel, ":") ||
			slashed == ".." || strings.HasPrefix(slashed, "../") || strings.Contains(slashed, "/../") || strings.HasSuffix(slashed, "/..") {
			t.Errorf("sourceRel(%q) = %q, which leaves the directory", source, rel)
		}
	})
}
