//go:build windows

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// allBytes is the length of the locked range: the whole file and beyond, as the go
// command's lockedfile locks it.
const allBytes = ^uint32(0)

// tryLock takes an exclusive LockFileEx lock of f without waiting; taken is false
// when another handle holds it, which LockFileEx with LOCKFILE_FAIL_IMMEDIATELY
// reports as ERROR_LOCK_VIOLATION.
// https://learn.microsoft.com/windows/win32/api/fileapi/nf-fileapi-lockfileex
func tryLock(f *os.File) (taken bool, err error) {
	ol := new(windows.Overlapped)
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, allBytes, allBytes, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return false, nil
	}
	return err == nil, err
}

// unlockFile releases the lock tryLock took.
// https://learn.microsoft.com/windows/win32/api/fileapi/nf-fileapi-unlockfileex
func unlockFile(f *os.File) error {
	ol := new(windows.Overlapped)
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, allBytes, allBytes, ol)
}

// openLockFile opens the lock file name, creating it when missing. On Windows a lock
// held by LockFileEx is released when its holder's handle closes or the process ends,
// and the folder's ACL (inetsrv\config: Administrators and SYSTEM) says who may open
// the file, so there is no mode or owner to check.
func openLockFile(name string, _ int) (*os.File, error) {
	return os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
}
