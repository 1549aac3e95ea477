//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testfile"

	"golang.org/x/sys/unix"
)

// withUmask runs the test with the process umask set to m.
func withUmask(t *testing.T, m int) {
	t.Helper()
	old := syscall.Umask(m)
	t.Cleanup(func() { syscall.Umask(old) })
}

// TestLockFileOnlyForItsOwner: the lock file is 0600 whatever the umask, so that no
// other user can open it and hold the lock.
func TestLockFileOnlyForItsOwner(t *testing.T) {
	withUmask(t, 0)
	path := testfile.Config(t, updPools(1, ""))
	unlock := updLock(t, t.Context(), path)
	defer unlock()
	fi, err := os.Stat(lockPath(path))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("lock file mode %04o, want 0600", got)
	}
}

// TestLockFileOthersCouldOpenIsReplaced: a lock file others may open (as an older
// poolctl made it, 0644) may be held by another user, here with a shared flock that
// would make every writer wait forever. Lock replaces it by a fresh 0600 file instead.
func TestLockFileOthersCouldOpenIsReplaced(t *testing.T) {
	for _, tt := range []struct {
		name string
		make func(t *testing.T, name string)
	}{
		{"0644 file held by another", func(t *testing.T, name string) {
			if err := os.WriteFile(name, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			os.Chmod(name, 0o644)
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
				t.Fatal(err)
			}
		}},
		{"symlink to another file", func(t *testing.T, name string) {
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, name); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if b, _ := os.ReadFile(victim); string(b) != "keep" {
					t.Errorf("the link's target was changed: %q", b)
				}
			})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := testfile.Config(t, updPools(1, ""))
			tt.make(t, lockPath(path))
			unlock, err := Lock(t.Context(), path, LockWait{Timeout: 20 * time.Second})
			if err != nil {
				t.Fatalf("Lock: %v", err)
			}
			defer unlock()
			fi, err := os.Lstat(lockPath(path))
			if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Errorf("lock file after Lock: %v, %v; want a regular 0600 file", fi.Mode(), err)
			}
		})
	}
}

// TestLockWaitNoticeAndTimeout: a writer that waits for the lock says so once, and
// gives up after the timeout with an error naming the lock file.
func TestLockWaitNoticeAndTimeout(t *testing.T) {
	path := testfile.Config(t, updPools(1, ""))
	unlock := updLock(t, t.Context(), path)
	defer unlock()
	var notices []string
	w := LockWait{NoticeAfter: time.Millisecond, Timeout: 50 * time.Millisecond, Notice: func(f string) { notices = append(notices, f) }}
	_, err := Lock(t.Context(), path, w)
	if !errors.Is(err, ErrLockTimeout) || !strings.Contains(err.Error(), lockPath(path)) {
		t.Errorf("Lock of a held lock = %v, want ErrLockTimeout naming %s", err, lockPath(path))
	}
	if len(notices) != 1 || notices[0] != lockPath(path) {
		t.Errorf("notices %q, want one naming %s", notices, lockPath(path))
	}
}

// TestLockThroughLinks: the lock of a file named through a link is the real file's.
func TestLockThroughLinks(t *testing.T) {
	path := testfile.Config(t, updPools(1, ""))
	link := filepath.Join(t.TempDir(), "link.config")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	unlock := updLock(t, t.Context(), path)
	defer unlock()
	_, err := Lock(t.Context(), link, LockWait{NoticeAfter: time.Hour, Timeout: 10 * time.Millisecond})
	if !errors.Is(err, ErrLockTimeout) {
		t.Errorf("Lock through a link while the file is locked = %v, want ErrLockTimeout", err)
	}
}

// TestStaleTempsRemoved: under the lock, temporary files that killed writers left
// beside the file and in its history are removed; other files stay. A folder whose
// name holds the characters a glob pattern treats specially is no exception.
func TestStaleTempsRemoved(t *testing.T) {
	for _, folder := range []string{"config", "a[1]*?"} {
		t.Run(folder, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), folder)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "applicationHost.config")
			if err := os.WriteFile(path, []byte(updPools(2, "")), 0o640); err != nil {
				t.Fatal(err)
			}
			hist := DefaultHistoryDir(path)
			if err := os.Mkdir(hist, 0o700); err != nil {
				t.Fatal(err)
			}
			stale := []string{filepath.Join(dir, ".applicationHost.config.tmp-abc123"), filepath.Join(hist, ".applicationHost.config.tmp-xyz")}
			keep := []string{filepath.Join(dir, ".other.config.tmp-abc"), filepath.Join(dir, "notes.txt")}
			for _, name := range append(stale, keep...) {
				if err := os.WriteFile(name, []byte("secret"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := updChange(t.Context(), path, Options{}, updSetQueueLength("Pool0", "2000")); err != nil {
				t.Fatal(err)
			}
			for _, name := range stale {
				if _, err := os.Lstat(name); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("stale temporary file %s is still there: %v", name, err)
				}
			}
			for _, name := range keep {
				if _, err := os.Lstat(name); err != nil {
					t.Errorf("%s was removed: %v", name, err)
				}
			}
		})
	}
}

// TestHistoryFolderTightened: a history folder an older poolctl or a umask left open
// to others is made 0700 at the next write; copies are 0600 whatever the umask.
func TestHistoryFolderTightened(t *testing.T) {
	withUmask(t, 0)
	path := testfile.Config(t, updPools(2, ""))
	hist := DefaultHistoryDir(path)
	if err := os.Mkdir(hist, 0o755); err != nil {
		t.Fatal(err)
	}
	snap, err := updChange(t.Context(), path, Options{}, updSetQueueLength("Pool0", "2000"))
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(hist); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("history folder: %v, %v; want 0700", fi.Mode(), err)
	}
	if fi, err := os.Stat(snap.Path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("history copy: %v, %v; want 0600", fi.Mode(), err)
	}
}
