//go:build windows

package store

import (
	"errors"
	"fmt"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// ReplaceFileW, which x/sys/windows does not wrap.
// https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-replacefilew
var procReplaceFileW = windows.NewLazySystemDLL("kernel32.dll").NewProc("ReplaceFileW")

// replaceFile puts tmp in place of target with ReplaceFileW, which keeps target's
// DACL, creation time, attributes and named streams, retrying while another program
// holds target open (retryBusy). A target that does not exist yet is a plain
// MoveFileEx.
func replaceFile(tmp, target string) error {
	return retryBusy(target, func() error { return replaceOnce(tmp, target) }, busy, time.Sleep)
}

// busy reports whether err is a refusal that another program holding the file open
// causes, after which ReplaceFileW left both files under their own names (with a
// backup name given, per the page above: ERROR_UNABLE_TO_REMOVE_REPLACED and
// ERROR_UNABLE_TO_MOVE_REPLACEMENT; ERROR_UNABLE_TO_MOVE_REPLACEMENT_2 once
// replaceOnce has put the backup back).
func busy(err error) bool {
	for _, e := range []windows.Errno{
		windows.ERROR_SHARING_VIOLATION, windows.ERROR_LOCK_VIOLATION, windows.ERROR_ACCESS_DENIED,
		windows.ERROR_UNABLE_TO_REMOVE_REPLACED, windows.ERROR_UNABLE_TO_MOVE_REPLACEMENT, windows.ERROR_UNABLE_TO_MOVE_REPLACEMENT_2,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// replaceOnce makes one attempt. It names a backup (a temporary name, which
// removeStaleTemps knows) so that every failure leaves a known state:
// ERROR_UNABLE_TO_MOVE_REPLACEMENT_2 leaves the previous content under the backup
// name, which is moved back before the next attempt.
func replaceOnce(tmp, target string) error {
	backup := tmp + ".old"
	err := replaceFileW(target, tmp, backup)
	switch {
	case err == nil:
		os.Remove(backup) // the previous content, which history keeps
		return nil
	case errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND):
		if _, serr := os.Lstat(target); errors.Is(serr, os.ErrNotExist) {
			return moveFile(tmp, target)
		}
	case errors.Is(err, windows.ERROR_UNABLE_TO_MOVE_REPLACEMENT_2):
		if merr := moveFile(backup, target); merr != nil {
			return fmt.Errorf("%w; the previous content is in %s and could not be put back: %v", err, backup, merr)
		}
	}
	return err
}

// replaceFileW calls ReplaceFileW(replaced, replacement, backup, 0, NULL, NULL).
func replaceFileW(replaced, replacement, backup string) error {
	r, err := windows.UTF16PtrFromString(replaced)
	if err != nil {
		return err
	}
	n, err := windows.UTF16PtrFromString(replacement)
	if err != nil {
		return err
	}
	b, err := windows.UTF16PtrFromString(backup)
	if err != nil {
		return err
	}
	ok, _, callErr := procReplaceFileW.Call(uintptr(unsafe.Pointer(r)), uintptr(unsafe.Pointer(n)), uintptr(unsafe.Pointer(b)), 0, 0, 0)
	if ok == 0 {
		return callErr
	}
	return nil
}

// moveFile renames from to to, replacing to, through to the disk.
// https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-movefileexw
func moveFile(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	return windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
}
