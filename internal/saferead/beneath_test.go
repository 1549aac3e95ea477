//go:build unix

package saferead

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// beneathTree makes a directory app with files and links of every kind, and a
// secret file outside it. It returns app.
func beneathTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	app := filepath.Join(root, "app")
	outside := filepath.Join(root, "outside")
	for _, d := range []string{app, outside, filepath.Join(app, "sub")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(app, "web.config"), "inside")
	write(filepath.Join(app, "sub", "part.config"), "part")
	write(filepath.Join(outside, "secret"), "secret")
	links := map[string]string{
		"rel-inside.config": "sub/part.config",
		"abs-inside.config": filepath.Join(app, "sub", "part.config"),
		"rel-outside":       "../outside/secret",
		"abs-outside":       filepath.Join(outside, "secret"),
		"passwd":            "/etc/passwd",
		"zero":              "/dev/zero",
		"linkdir":           "../outside",
		"insidedir":         "sub",
		"proc":              "/proc/self/root/etc/passwd",
	}
	for name, to := range links {
		if err := os.Symlink(to, filepath.Join(app, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(app, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	return app
}

func TestOpenBeneath(t *testing.T) {
	app := beneathTree(t)
	tests := []struct {
		name, rel, want, wantErr string
	}{
		{"regular file", "web.config", "inside", ""},
		{"file in a subdirectory", "sub/part.config", "part", ""},
		{"relative symlink staying inside", "rel-inside.config", "part", ""},
		{"absolute symlink staying inside", "abs-inside.config", "part", ""},
		{"through a symlinked directory staying inside", "insidedir/part.config", "part", ""},
		{"relative symlink to a file outside", "rel-outside", "", "resolves outside"},
		{"absolute symlink to a file outside", "abs-outside", "", "resolves outside"},
		{"symlink to /etc/passwd", "passwd", "", "resolves outside"},
		{"symlink through /proc", "proc", "", "resolves outside"},
		{"symlinked directory pointing outside", "linkdir/secret", "", "resolves outside"},
		{"dot-dot", "../outside/secret", "", "resolves outside"},
		{"absolute path", "/etc/passwd", "", "resolves outside"},
		{"symlink to /dev/zero", "zero", "", "resolves outside"},
		{"FIFO does not block", "fifo", "", "is a FIFO, not a regular file"},
		{"directory", "sub", "", "is a directory, not a regular file"},
		{"missing", "none.config", "", "no such file"},
	}
	openers := []struct {
		name string
		open func(dir, rel string) (*os.File, error)
	}{
		{"OpenBeneath", OpenBeneath},
		{"resolved", func(dir, rel string) (*os.File, error) { return openResolved(dir, filepath.Clean(rel)) }},
	}
	for _, o := range openers {
		for _, tt := range tests {
			if o.name == "resolved" && (filepath.IsAbs(tt.rel) || strings.HasPrefix(tt.rel, "..")) {
				continue // OpenBeneath refuses those before resolving
			}
			t.Run(o.name+"/"+tt.name, func(t *testing.T) {
				f, err := o.open(app, tt.rel)
				if tt.wantErr != "" {
					if err == nil {
						f.Close()
						t.Fatalf("open %s succeeded, want %q", tt.rel, tt.wantErr)
					}
					if !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("open %s = %v, want %q", tt.rel, err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatalf("open %s: %v", tt.rel, err)
				}
				defer f.Close()
				b, err := ReadAll(f, tt.rel, 100)
				if err != nil || string(b) != tt.want {
					t.Fatalf("read %s = %q, %v; want %q", tt.rel, b, err, tt.want)
				}
			})
		}
	}
}

func TestReadFileBeneath(t *testing.T) {
	app := beneathTree(t)
	if b, err := ReadFileBeneath(app, "web.config", 6); err != nil || string(b) != "inside" {
		t.Errorf("ReadFileBeneath at the limit = %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadFileBeneath(app, "web.config", 5); !errors.As(err, &tl) || tl.Name != filepath.Join(app, "web.config") {
		t.Errorf("ReadFileBeneath over the limit: %v, want a TooLargeError naming the file", err)
	}
	var esc *EscapeError
	if _, err := ReadFileBeneath(app, "zero", 1<<20); !errors.As(err, &esc) {
		t.Errorf("ReadFileBeneath(zero) = %v, want an EscapeError", err)
	}
}
