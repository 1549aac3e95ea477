//go:build unix

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// tryLock takes the exclusive flock of f without waiting; taken is false when
// another holds it.
func tryLock(f *os.File) (taken bool, err error) {
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) || errors.Is(err, unix.EINTR) {
		return false, nil
	}
	return err == nil, err
}

// unlockFile releases the flock of f.
func unlockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}

// openLockFile opens the lock file name, creating it 0600 for owner (-1: the caller)
// when missing. A lock file that is not a regular file, that belongs to another user
// than the caller, root or owner, or that its group or others may open, is replaced by
// a fresh one: another user could hold it open and block every writer.
func openLockFile(name string, owner int) (*os.File, error) {
	for range 100 {
		f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
		if errors.Is(err, fs.ErrNotExist) {
			f, err = createLockFile(name, owner)
			if errors.Is(err, fs.ErrExist) {
				continue // another writer created it first
			}
			return f, err
		}
		if err != nil && !errors.Is(err, syscall.ELOOP) {
			return nil, err
		}
		if err == nil && trustedLockFile(f, owner) {
			return f, nil
		}
		if f != nil {
			f.Close()
		}
		if err := replaceLockFile(name, owner); err != nil {
			return nil, fmt.Errorf("replace the lock file %s, which other users could open: %w", name, err)
		}
	}
	return nil, fmt.Errorf("open the lock file %s: it keeps changing", name)
}

// trustedLockFile reports whether f is a regular file that only the caller, root or
// owner own and that its group and others cannot open.
func trustedLockFile(f *os.File, owner int) bool {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
		return false
	}
	uid := ownerOf(fi)
	return uid == 0 || uid == os.Geteuid() || uid == owner
}

// createLockFile creates the lock file name exclusively, 0600 whatever the umask,
// owned by owner when that is not -1.
func createLockFile(name string, owner int) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := secureLockFile(f, owner); err != nil {
		f.Close()
		os.Remove(name)
		return nil, err
	}
	return f, nil
}

// secureLockFile gives f mode 0600 and, when owner is not -1 and differs, owner.
func secureLockFile(f *os.File, owner int) error {
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if owner >= 0 && owner != os.Geteuid() {
		if err := f.Chown(owner, -1); err != nil {
			return err
		}
	}
	return nil
}

// replaceLockFile puts a fresh 0600 lock file in place of name by rename, which
// replaces a link or another user's file without following or opening it.
func replaceLockFile(name string, owner int) error {
	f, err := createTemp(name, 0o600)
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = secureLockFile(f, owner)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
