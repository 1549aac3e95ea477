//go:build unix

package admin

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// maxSocketPath is the longest path a unix socket can have on Linux: sun_path holds
// 108 bytes, the last of them a NUL.
const maxSocketPath = 107

// DefaultSocketPath returns the admin socket to use when none is named:
// /run/poolctl/admin.sock for root; else $XDG_RUNTIME_DIR/poolctl.sock, or
// /tmp/poolctl-UID/poolctl.sock when XDG_RUNTIME_DIR is unset or not absolute (the
// XDG Base Directory specification says to ignore a relative one).
func DefaultSocketPath(getenv func(string) string) string {
	return defaultSocketPath(os.Geteuid(), getenv)
}

// defaultSocketPath is DefaultSocketPath for the user uid.
func defaultSocketPath(uid int, getenv func(string) string) string {
	if uid == 0 {
		return "/run/poolctl/admin.sock"
	}
	if dir := getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "poolctl.sock")
	}
	return filepath.Join("/tmp", "poolctl-"+strconv.Itoa(uid), "poolctl.sock")
}

// listenSocket creates the unix socket at path with mode 0600 from the start (the
// socket is made 0600 before it is bound, so the umask cannot widen it and no other
// user can connect in between), after making its directory ready, taking the lock
// PATH.lock and removing a stale socket. The lock, held until it is closed, keeps two
// runtimes that start at once from both taking the path.
func listenSocket(path string) (*net.UnixListener, *os.File, error) {
	if len(path) > maxSocketPath {
		return nil, nil, fmt.Errorf("admin socket %s: the path is %d bytes long, a unix socket's at most %d", path, len(path), maxSocketPath)
	}
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return nil, nil, err
	}
	lock, err := lockSocket(path)
	if err != nil {
		return nil, nil, err
	}
	ln, err := bindSocket(path)
	if err != nil {
		_ = lock.Close()
		return nil, nil, err
	}
	return ln, lock, nil
}

// bindSocket removes a stale socket at path and creates a new one, with mode 0600.
func bindSocket(path string) (*net.UnixListener, error) {
	if err := removeStale(path); err != nil {
		return nil, err
	}
	lc := net.ListenConfig{Control: chmodBeforeBind}
	ln, err := lc.Listen(context.Background(), "unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	ul := ln.(*net.UnixListener)
	// Close removes the socket itself, and only if it still is this one.
	ul.SetUnlinkOnClose(false)
	// On Linux the socket already has mode 0600; this is for any other kernel.
	if err := os.Chmod(path, 0o600); err != nil {
		_ = ul.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	return ul, nil
}

// lockSocket takes the lock file PATH.lock (mode 0600) of the socket path, without
// waiting: a lock another process holds means another runtime serves path. The file
// stays when the lock is released; removing it would let two runtimes lock two
// different files.
func lockSocket(path string) (*os.File, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("admin socket lock: %w", err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkOwner(path+".lock", fi)
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("admin socket lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another poolctl run is using %s", path)
		}
		return nil, fmt.Errorf("admin socket lock %s.lock: %w", path, err)
	}
	return f, nil
}

// chmodBeforeBind gives the socket mode 0600 between its creation and its bind: Linux
// gives the socket file the mode of the socket's inode, less the umask.
func chmodBeforeBind(_, _ string, rc syscall.RawConn) error {
	var err error
	if cerr := rc.Control(func(fd uintptr) { err = syscall.Fchmod(int(fd), 0o600) }); cerr != nil {
		return cerr
	}
	return err
}

// ensureDir creates the socket's directory with mode 0700 when it does not exist, and
// otherwise refuses one that others could use to replace the socket (checkDir).
func ensureDir(dir string) error {
	_, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("admin socket directory: %w", err)
		}
		// MkdirAll's mode is narrowed by the umask; chmod sets exactly 0700.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("admin socket directory: %w", err)
		}
		return nil
	}
	return checkDir(dir)
}

// checkDir refuses a socket directory in which another user could put a socket of
// their own at the socket's path: one another user (root excepted) owns, as a
// /tmp/poolctl-UID made by someone else in advance, and one that group or others may
// write unless it is sticky (as /tmp), where only the socket's owner can remove or
// rename it and the socket itself must then be the caller's (checkOwner).
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("admin socket directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("admin socket directory %s is not a directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if uid := os.Geteuid(); st.Uid != 0 && int(st.Uid) != uid {
			return fmt.Errorf("admin socket directory %s belongs to uid %d, not to this user (uid %d) or root", dir, st.Uid, uid)
		}
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return fmt.Errorf("admin socket directory %s (mode %04o) can be written by group or others and is not sticky: another user could replace the socket; use a directory only its owner can write", dir, fi.Mode().Perm())
	}
	return nil
}

// checkOwner refuses the file fi at path unless the caller or root owns it.
func checkOwner(path string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if uid := os.Geteuid(); ok && st.Uid != 0 && int(st.Uid) != uid {
		return fmt.Errorf("admin socket %s belongs to uid %d, not to this user (uid %d) or root", path, st.Uid, uid)
	}
	return nil
}

// checkSocket is the client's check of the socket at path before it connects: its
// directory, and that of the socket a symbolic link leads to, pass checkDir, and the
// socket is the caller's or root's. A missing path or directory, or a file that is not
// a socket, passes: dialing it reports that no runtime is there.
func checkSocket(path string) error {
	if err := checkDir(filepath.Dir(path)); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	target, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("admin socket: %w", err)
	}
	if target != path {
		if err := checkDir(filepath.Dir(target)); err != nil {
			return err
		}
	}
	fi, err := os.Lstat(target)
	if err != nil {
		return fmt.Errorf("admin socket: %w", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return nil
	}
	return checkOwner(target, fi)
}

// removeStale removes the socket at path when nothing accepts connections on it. A
// live socket is another runtime's and an error, and so is a file that is not a
// socket.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("admin socket: %w", err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("admin socket %s: the file exists and is not a socket", path)
	}
	if err := checkOwner(path, fi); err != nil {
		return err
	}
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = conn.Close()
		return fmt.Errorf("another poolctl run is using %s", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("admin socket %s is there and cannot be checked: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the stale admin socket: %w", err)
	}
	return nil
}
