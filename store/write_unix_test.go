//go:build unix

package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/poolctl/poolctl/internal/testfile"

	"github.com/google/go-cmp/cmp"
)

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name   string
		old    *string // nil: no file yet
		mode   fs.FileMode
		data   string
		wantMo fs.FileMode
	}{
		{name: "replace keeps 0640", old: updPtr("old content"), mode: 0o640, data: "new", wantMo: 0o640},
		{name: "replace keeps 0600", old: updPtr("old"), mode: 0o600, data: "new content, longer", wantMo: 0o600},
		{name: "replace keeps setgid", old: updPtr("old"), mode: 0o750 | fs.ModeSetgid, data: "x", wantMo: 0o750 | fs.ModeSetgid},
		{name: "replace with nothing", old: updPtr("old"), mode: 0o644, data: "", wantMo: 0o644},
		{name: "new file gets 0666 less umask", data: "fresh", wantMo: 0o666 &^ updUmask(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "applicationHost.config")
			if tt.old != nil {
				if err := os.WriteFile(path, []byte(*tt.old), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.mode); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteFile(path, []byte(tt.data)); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.data {
				t.Errorf("content = %q, want %q", got, tt.data)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if mode := fi.Mode() &^ fs.ModeType; mode != tt.wantMo {
				t.Errorf("mode = %v, want %v", mode, tt.wantMo)
			}
			if diff := cmp.Diff([]string{"applicationHost.config"}, testfile.Names(t, dir)); diff != "" {
				t.Errorf("files in the directory (-want +got):\n%s", diff)
			}
		})
	}
}

func updPtr[T any](v T) *T { return &v }

// updUmask returns the process's umask.
func updUmask(t *testing.T) fs.FileMode {
	t.Helper()
	f := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(f, nil, 0o777); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(f)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ fi.Mode().Perm()
}

func TestWriteFileKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file away takes root")
	}
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 12345, 23456); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 12345 || st.Gid != 23456 || fi.Mode().Perm() != 0o640 {
		t.Errorf("owner %d:%d mode %v, want 12345:23456 -rw-r-----", st.Uid, st.Gid, fi.Mode())
	}
}

func TestWriteFileFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target", "applicationHost.config")
	if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "applicationHost.config")
	if err := os.Symlink("target/applicationHost.config", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v, %v", fi, err)
	}
	if got, err := os.ReadFile(target); err != nil || string(got) != "new" {
		t.Errorf("target holds %q, %v; want %q", got, err, "new")
	}
	if diff := cmp.Diff([]string{"applicationHost.config"}, testfile.Names(t, filepath.Dir(target))); diff != "" {
		t.Errorf("files beside the target (-want +got):\n%s", diff)
	}
}

// TestWriteFileFailure checks that a write that fails leaves the original as it was
// and no temporary file behind.
func TestWriteFileFailure(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the path to write
		root  bool                                  // the failure also happens for root
	}{
		{
			// The rename fails after the temporary file is written.
			name: "path is a non-empty directory",
			root: true,
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, "applicationHost.config")
				updWriteFile(t, filepath.Join(path, "inside"), "original")
				return path
			},
		},
		{
			// The temporary file cannot be created: its name is too long.
			name: "temporary name too long",
			root: true,
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, strings.Repeat("a", 250))
				updWriteFile(t, path, "original")
				return path
			},
		},
		{
			name: "directory not writable",
			setup: func(t *testing.T, dir string) string {
				sub := filepath.Join(dir, "ro")
				path := filepath.Join(sub, "applicationHost.config")
				updWriteFile(t, path, "original")
				if err := os.Chmod(sub, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(sub, 0o755) })
				return path
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.root && os.Geteuid() == 0 {
				t.Skip("root bypasses file permissions")
			}
			dir := t.TempDir()
			path := tt.setup(t, dir)
			before := updTree(t, dir)
			err := WriteFile(path, []byte("new content"))
			if err == nil {
				t.Fatal("WriteFile succeeded")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			if diff := cmp.Diff(before, updTree(t, dir)); diff != "" {
				t.Errorf("the directory changed (-before +after):\n%s", diff)
			}
		})
	}
}

// updIsTemp reports whether name, a file name without directory, is that of a temporary
// file of WriteFile for the file named base.
func updIsTemp(name, base string) bool {
	return strings.HasPrefix(name, "."+base+tempMarker)
}

// updTree returns the files under dir and their contents.
func updTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = string(b)
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrPermission) {
		t.Fatal(err)
	}
	return files
}
