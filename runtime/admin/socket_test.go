//go:build unix

package admin

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/poolctl/poolctl/runtime/event"
)

func TestDefaultSocketPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		uid  int
		xdg  string
		want string
	}{
		{"root", 0, "/run/user/0", "/run/poolctl/admin.sock"},
		{"user", 1000, "/run/user/1000", "/run/user/1000/poolctl.sock"},
		{"no XDG_RUNTIME_DIR", 1000, "", "/tmp/poolctl-1000/poolctl.sock"},
		{"relative XDG_RUNTIME_DIR", 1000, "run", "/tmp/poolctl-1000/poolctl.sock"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"XDG_RUNTIME_DIR": tc.xdg}
			if got := defaultSocketPath(tc.uid, func(k string) string { return env[k] }); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestSocketModes checks the socket's mode 0600 and its new directory's 0700 under
// the widest umask, 0: the socket is never open to others, not even for a moment.
func TestSocketModes(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "run", "poolctl")
	path := filepath.Join(dir, "admin.sock")
	s, err := Listen(path, newFake(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	requireMode(t, path, fs.ModeSocket|0o600)
	requireMode(t, path+".lock", 0o600)
	requireMode(t, dir, fs.ModeDir|0o700)
	requireMode(t, filepath.Dir(dir), fs.ModeDir|0o700)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if uid := st.Sys().(*syscall.Stat_t).Uid; int(uid) != os.Geteuid() {
		t.Errorf("the socket belongs to uid %d, want %d", uid, os.Geteuid())
	}
}

// TestExistingDirectoryKept checks that a directory that exists keeps its mode.
func TestExistingDirectoryKept(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Listen(filepath.Join(dir, "admin.sock"), newFake(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	requireMode(t, dir, fs.ModeDir|0o755)
}

func TestStaleSocketRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin.sock")
	staleSocket(t, path)
	_, c := serveAt(t, path, newFake())
	if _, err := c.Pools(t.Context()); err != nil {
		t.Errorf("the new server does not answer: %v", err)
	}
}

func TestLiveSocketRefused(t *testing.T) {
	fake := newFake()
	first, c := serve(t, fake)
	_, err := Listen(first.Path(), fake, nil)
	if want := "another poolctl run is using " + first.Path(); err == nil || err.Error() != want {
		t.Errorf("second Listen: %v, want %q", err, want)
	}
	if _, err := c.Pools(t.Context()); err != nil {
		t.Errorf("the first server no longer answers: %v", err)
	}
}

// TestUnlockedLiveSocketRefused checks that a socket something accepts connections on
// is refused even when no runtime holds the lock.
func TestUnlockedLiveSocketRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin.sock")
	other, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = Listen(path, newFake(), nil)
	if want := "another poolctl run is using " + path; err == nil || err.Error() != want {
		t.Errorf("Listen: %v, want %q", err, want)
	}
	if _, err := os.Lstat(path); err != nil {
		t.Errorf("the live socket was removed: %v", err)
	}
}

func TestNotASocketRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin.sock")
	if err := os.WriteFile(path, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Listen(path, newFake(), nil)
	if err == nil || !strings.Contains(err.Error(), "is not a socket") {
		t.Errorf("Listen: %v, want an error saying the file is not a socket", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "data" {
		t.Errorf("the file was changed: %q", data)
	}
}

// TestForeignDirectoryRefused checks that a directory another user owns, such as a
// /tmp/poolctl-UID made by someone else in advance, is refused.
func TestForeignDirectoryRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	dir := t.TempDir()
	if err := os.Chown(dir, 4321, 4321); err != nil {
		t.Fatal(err)
	}
	_, err := Listen(filepath.Join(dir, "admin.sock"), newFake(), nil)
	if err == nil || !strings.Contains(err.Error(), "belongs to uid 4321") {
		t.Errorf("Listen: %v, want an error naming the directory's owner", err)
	}
}

func TestPathTooLong(t *testing.T) {
	path := filepath.Join(t.TempDir(), strings.Repeat("s", 120)+".sock")
	_, err := Listen(path, newFake(), nil)
	if err == nil || !strings.Contains(err.Error(), "a unix socket's at most 107") {
		t.Errorf("Listen: %v, want an error about the path's length", err)
	}
}

func TestCloseRemovesSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin.sock")
	for _, serveFirst := range []bool{false, true} {
		s, err := Listen(path, newFake(), nil)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		if serveFirst {
			go func() { done <- s.Serve() }()
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if serveFirst {
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
		}
		if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after Close (serving: %v) the socket is still there: %v", serveFirst, err)
		}
	}
}

// TestCloseKeepsAnotherSocket checks that Close does not remove a socket another
// program has put at the path since.
func TestCloseKeepsAnotherSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin.sock")
	s, err := Listen(path, newFake(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	other, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := os.Lstat(path); err != nil {
		t.Errorf("Close removed the other program's socket: %v", err)
	}
}

// TestNoRuntime checks the client's message when nothing listens: no socket, or a
// stale one.
func TestNoRuntime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin.sock")
	want := "no poolctl run at " + path + " (start one with poolctl run, or give --admin PATH)"
	check := func(what string, err error) {
		t.Helper()
		errorIs(t, err, ErrNoRuntime)
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %q", what, err, want)
		}
	}
	c := NewClient(path)
	ctx := t.Context()
	_, err := c.Pools(ctx)
	check("Pools", err)
	_, err = c.Workers(ctx)
	check("Workers", err)
	check("StartPool", c.StartPool(ctx, "Shop"))
	check("StopPool", c.StopPool(ctx, "Shop"))
	check("RecyclePool", c.RecyclePool(ctx, "Shop"))
	check("Events", c.Events(ctx, func(event.Event) error { return nil }))
	staleSocket(t, path)
	_, err = c.Pools(ctx)
	check("Pools on a stale socket", err)
	missing := filepath.Join(filepath.Dir(path), "no-such-dir", "admin.sock")
	want = "no poolctl run at " + missing + " (start one with poolctl run, or give --admin PATH)"
	_, err = NewClient(missing).Pools(ctx)
	check("Pools in a missing directory", err)
}

// staleSocket leaves a socket at path that nothing accepts connections on, as a
// runtime that was killed does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
}

// requireMode fails t unless the file at path has mode want.
func requireMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != want {
		t.Errorf("%s has mode %v, want %v", path, fi.Mode(), want)
	}
}
