//go:build unix

package admin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir returns a new directory with mode (chmod, so whatever the umask).
func sharedDir(t *testing.T, mode os.FileMode) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestWritableDirectoryRefused checks that a socket directory that group or others may
// write, and that is not sticky, is refused by the server and by the client: another
// user could put their own socket at the path.
func TestWritableDirectoryRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode os.FileMode
		want string
	}{
		{"others write", 0o777, "(mode 0777) can be written by group or others and is not sticky"},
		{"group writes", 0o770, "(mode 0770) can be written by group or others and is not sticky"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(sharedDir(t, tc.mode), "admin.sock")
			_, err := Listen(path, newFake(), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Listen: %v, want an error with %q", err, tc.want)
			}
			staleSocket(t, path) // as another user's runtime would leave it
			_, err = NewClient(path).Pools(t.Context())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("client: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestStickyDirectoryAccepted checks that a sticky directory anyone may write (as
// /tmp) serves: the socket is ours, and only its owner can remove or rename it there.
func TestStickyDirectoryAccepted(t *testing.T) {
	path := filepath.Join(sharedDir(t, os.ModeSticky|0o777), "admin.sock")
	_, c := serveAt(t, path, newFake())
	if _, err := c.Pools(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestForeignSocketRefused checks that the client sends nothing to a socket another
// user owns, and that the server does not remove it, in a sticky shared directory.
func TestForeignSocketRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a socket to another user")
	}
	path := filepath.Join(sharedDir(t, os.ModeSticky|0o777), "admin.sock")
	staleSocket(t, path)
	if err := os.Lchown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	want := "admin socket " + path + " belongs to uid 65534, not to this user (uid 0) or root"
	err := NewClient(path).StopPool(t.Context(), "Shop")
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("client: %v, want an error with %q", err, want)
	}
	_, err = Listen(path, newFake(), nil)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Listen: %v, want an error with %q", err, want)
	}
}

// TestLinkToForeignSocketRefused checks that a symbolic link in a private directory
// does not lead the client to a socket in a directory others can write.
func TestLinkToForeignSocketRefused(t *testing.T) {
	target := filepath.Join(sharedDir(t, 0o777), "admin.sock")
	staleSocket(t, target)
	link := filepath.Join(t.TempDir(), "admin.sock")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := NewClient(link).Pools(t.Context())
	if want := "(mode 0777) can be written by group or others and is not sticky"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("client: %v, want an error with %q", err, want)
	}
}

// TestForeignLockFileRefused checks that the server does not use a lock file beside
// the socket that another user made in a sticky shared directory: that user could
// hold it and keep every runtime from starting, or see one start.
func TestForeignLockFileRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	path := filepath.Join(sharedDir(t, os.ModeSticky|0o777), "admin.sock")
	if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path+".lock", 65534, 65534); err != nil {
		t.Fatal(err)
	}
	want := "admin socket " + path + ".lock belongs to uid 65534"
	if _, err := Listen(path, newFake(), nil); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Listen: %v, want an error with %q", err, want)
	}
}
