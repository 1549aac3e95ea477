//go:build windows

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// fileMeta is the security a written file gets on Windows: the original's owner,
// group and DACL, and whether that DACL is protected from the folder's inheritance.
type fileMeta struct {
	owner, group *windows.SID
	dacl         *windows.ACL // nil when the original has none to copy
	protected    bool
	sd           *windows.SECURITY_DESCRIPTOR // holds the memory owner, group and dacl point into
}

// metaInfo is what readMeta asks for and setMeta sets.
const metaInfo = windows.OWNER_SECURITY_INFORMATION | windows.GROUP_SECURITY_INFORMATION | windows.DACL_SECURITY_INFORMATION

// readMeta returns the owner, group and DACL of the file at path, or nil when there
// is no such file.
func readMeta(path string) (*fileMeta, error) {
	// GetNamedSecurityInfoW: https://learn.microsoft.com/windows/win32/api/aclapi/nf-aclapi-getnamedsecurityinfow
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, metaInfo)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the security descriptor of %s: %w", path, err)
	}
	m := &fileMeta{sd: sd}
	if m.owner, _, err = sd.Owner(); err != nil {
		return nil, fmt.Errorf("read the owner of %s: %w", path, err)
	}
	if m.group, _, err = sd.Group(); err != nil {
		return nil, fmt.Errorf("read the group of %s: %w", path, err)
	}
	// A missing DACL (ERROR_OBJECT_NOT_FOUND) is left alone: the new file keeps the
	// folder's inherited one rather than get a NULL DACL, which would grant everyone
	// everything.
	if dacl, _, err := sd.DACL(); err == nil && dacl != nil {
		m.dacl = dacl
	}
	ctl, _, err := sd.Control()
	if err != nil {
		return nil, fmt.Errorf("read the security descriptor of %s: %w", path, err)
	}
	m.protected = ctl&windows.SE_DACL_PROTECTED != 0
	return m, nil
}

// ownerOf returns -1: Windows files have no uid; the folder's ACL says who may make
// files in it.
func ownerOf(fs.FileInfo) int { return -1 }

// setMeta gives f, a new file, meta's DACL, then its owner and group, before the first
// byte is written. It sets them by name: the handle os.OpenFile gave f has neither
// WRITE_DAC nor WRITE_OWNER access (GENERIC_READ|GENERIC_WRITE), and
// SetNamedSecurityInfo opens its own, which f's sharing mode does not hinder (sharing
// governs data access, not access to the security descriptor). Setting another owner
// than the caller needs SeRestorePrivilege, which Administrators hold disabled: it is
// enabled, and the call tried again, when the first attempt is refused.
func setMeta(f *os.File, meta fileMeta) error {
	name := f.Name()
	// SetNamedSecurityInfoW: https://learn.microsoft.com/windows/win32/api/aclapi/nf-aclapi-setnamedsecurityinfow
	// PROTECTED_ and UNPROTECTED_DACL_SECURITY_INFORMATION keep the original's
	// inheritance: https://learn.microsoft.com/windows/win32/secauthz/security-information
	if meta.dacl != nil {
		info := windows.SECURITY_INFORMATION(windows.DACL_SECURITY_INFORMATION | windows.UNPROTECTED_DACL_SECURITY_INFORMATION)
		if meta.protected {
			info = windows.DACL_SECURITY_INFORMATION | windows.PROTECTED_DACL_SECURITY_INFORMATION
		}
		if err := windows.SetNamedSecurityInfo(name, windows.SE_FILE_OBJECT, info, nil, nil, meta.dacl, nil); err != nil {
			return fmt.Errorf("give the new file the original's DACL: %w", err)
		}
	}
	if sameOwner(name, meta) {
		// As on Unix, no change of owner when it is the caller, which needs
		// WRITE_OWNER access; the primary group, which Windows itself does not use,
		// is then left as the caller's.
		return nil
	}
	owners := windows.SECURITY_INFORMATION(windows.OWNER_SECURITY_INFORMATION | windows.GROUP_SECURITY_INFORMATION)
	err := windows.SetNamedSecurityInfo(name, windows.SE_FILE_OBJECT, owners, meta.owner, meta.group, nil, nil)
	if errors.Is(err, windows.ERROR_INVALID_OWNER) || errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		if perr := enableRestorePrivilege(); perr == nil {
			err = windows.SetNamedSecurityInfo(name, windows.SE_FILE_OBJECT, owners, meta.owner, meta.group, nil, nil)
		}
	}
	if err != nil {
		return fmt.Errorf("give the new file the original's owner %s (run poolctl as an Administrator): %w", meta.owner, err)
	}
	return nil
}

// sameOwner reports whether the file name already has meta's owner, as a file the
// caller creates has when the caller owns the original.
func sameOwner(name string, meta fileMeta) bool {
	sd, err := windows.GetNamedSecurityInfo(name, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return false
	}
	owner, _, err := sd.Owner()
	return err == nil && owner != nil && meta.owner != nil && owner.Equals(meta.owner)
}

// enableRestorePrivilege enables SeRestorePrivilege in the process token, which lets
// SetNamedSecurityInfo set any owner.
// https://learn.microsoft.com/windows/win32/secauthz/privilege-constants (SE_RESTORE_NAME)
// https://learn.microsoft.com/windows/win32/api/securitybaseapi/nf-securitybaseapi-adjusttokenprivileges
func enableRestorePrivilege() error {
	var tok windows.Token
	if err := windows.OpenProcessToken(windows.CurrentProcess(), windows.TOKEN_ADJUST_PRIVILEGES|windows.TOKEN_QUERY, &tok); err != nil {
		return err
	}
	defer tok.Close()
	name, err := windows.UTF16PtrFromString("SeRestorePrivilege")
	if err != nil {
		return err
	}
	var tp windows.Tokenprivileges
	tp.PrivilegeCount = 1
	tp.Privileges[0].Attributes = windows.SE_PRIVILEGE_ENABLED
	if err := windows.LookupPrivilegeValue(nil, name, &tp.Privileges[0].Luid); err != nil {
		return err
	}
	// AdjustTokenPrivileges succeeds with ERROR_NOT_ALL_ASSIGNED when the token does
	// not hold the privilege; x/sys returns that as the error.
	return windows.AdjustTokenPrivileges(tok, false, &tp, 0, nil, nil)
}

// syncDir does nothing on Windows: a folder opened by os.Open cannot be flushed
// (FlushFileBuffers needs a handle opened for writing, which folders are not given),
// and the file itself was flushed before it was put in place.
// https://learn.microsoft.com/windows/win32/api/fileapi/nf-fileapi-flushfilebuffers
func syncDir(string) error { return nil }

// privateMode reports true: on Windows a file's ACL, not its mode, says who may read
// it, and history copies inherit their folder's.
func privateMode(fs.FileInfo) bool { return true }

// tightenDir does nothing on Windows: the history folder inherits the ACL of the
// configuration's folder (inetsrv\config is for Administrators and SYSTEM).
func tightenDir(string) error { return nil }
