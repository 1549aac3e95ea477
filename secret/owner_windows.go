//go:build windows

package secret

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

// checkKeyAccess refuses the open key file f unless its owner and DACL keep others
// out (checkKeyACL, which decides on what keyFileACL gathers).
func checkKeyAccess(path string, f *os.File, _ fs.FileInfo) error {
	a, err := keyFileACL(f)
	if err != nil {
		return fmt.Errorf("key file %s: reading its owner and DACL: %w", path, err)
	}
	return checkKeyACL(path, a)
}

// keyFileACL gathers the owner and the DACL entries of the open file f, and the user
// poolctl runs as.
func keyFileACL(f *os.File) (keyACL, error) {
	var a keyACL
	self, err := tokenUser()
	if err != nil {
		return a, err
	}
	a.Self = account(self)
	// GetSecurityInfo on the handle poolctl reads through (os.Open asks GENERIC_READ,
	// which holds the READ_CONTROL this needs); the descriptor is copied to Go's heap.
	// https://learn.microsoft.com/en-us/windows/win32/api/aclapi/nf-aclapi-getsecurityinfo
	sd, err := windows.GetSecurityInfo(windows.Handle(f.Fd()), windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return a, fmt.Errorf("GetSecurityInfo: %w", err)
	}
	defer runtime.KeepAlive(sd) // the owner, DACL and ACEs point into it
	owner, _, err := sd.Owner()
	if err != nil || owner == nil {
		return a, fmt.Errorf("no owner: %v", err)
	}
	a.Owner = account(owner)
	// A DACL not present, or present and NULL, grants everyone full access.
	// https://learn.microsoft.com/en-us/windows/win32/secauthz/null-dacls-and-empty-dacls
	dacl, _, err := sd.DACL()
	if errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) || (err == nil && dacl == nil) {
		a.Null = true
		return a, nil
	}
	if err != nil {
		return a, fmt.Errorf("GetSecurityDescriptorDacl: %w", err)
	}
	for i := range uint32(dacl.AceCount) {
		// GetAce returns the i-th ACE; every ACE starts with an ACE_HEADER and an
		// ACCESS_MASK, and the types whose SID follows the mask share
		// ACCESS_ALLOWED_ACE's layout (the callback types append data after it).
		// https://learn.microsoft.com/en-us/windows/win32/api/securitybaseapi/nf-securitybaseapi-getace
		// https://learn.microsoft.com/en-us/windows/win32/api/winnt/ns-winnt-access_allowed_ace
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return a, fmt.Errorf("GetAce %d: %w", i, err)
		}
		e := keyACE{Type: ace.Header.AceType, Flags: ace.Header.AceFlags, Mask: uint32(ace.Mask)}
		switch e.Type {
		case aceAllowed, aceDenied, aceAllowedCallback, aceDeniedCallback:
			e.Who = account((*windows.SID)(unsafe.Pointer(&ace.SidStart)))
		}
		a.ACEs = append(a.ACEs, e)
	}
	return a, nil
}

// account returns sid as a keyAccount, named when LookupAccountSid knows it.
// https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-lookupaccountsidw
func account(sid *windows.SID) keyAccount {
	a := keyAccount{SID: sid.String()}
	if name, domain, _, err := sid.LookupAccount(""); err == nil {
		a.Name = name
		if domain != "" {
			a.Name = domain + `\` + name
		}
	}
	return a
}

// tokenUser returns the SID of the user poolctl runs as, from its process token.
// https://learn.microsoft.com/en-us/windows/win32/api/securitybaseapi/nf-securitybaseapi-gettokeninformation
func tokenUser() (*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("GetTokenInformation(TokenUser): %w", err)
	}
	return u.User.Sid, nil
}

// keyFileSDDL is the security descriptor of a new key file: a protected DACL (P: the
// folder's entries are not inherited) that gives full access (FA, FILE_ALL_ACCESS) to
// SYSTEM (SY), Administrators (BA) and the user poolctl runs as (%s), and no one else.
// https://learn.microsoft.com/en-us/windows/win32/secauthz/security-descriptor-string-format
// https://learn.microsoft.com/en-us/windows/win32/secauthz/ace-strings
const keyFileSDDL = "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;%s)"

// createKeyFile creates the new key file path with keyFileSDDL's DACL from the
// start: CreateFile applies the descriptor as it creates the file, so no other user
// can open it in between, and CREATE_NEW fails on a file that exists.
// https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew
func createKeyFile(path string) (*os.File, error) {
	self, err := tokenUser()
	if err != nil {
		return nil, &fs.PathError{Op: "create", Path: path, Err: err}
	}
	// https://learn.microsoft.com/en-us/windows/win32/api/sddl/nf-sddl-convertstringsecuritydescriptortosecuritydescriptorw
	sd, err := windows.SecurityDescriptorFromString(fmt.Sprintf(keyFileSDDL, self.String()))
	if err != nil {
		return nil, &fs.PathError{Op: "create", Path: path, Err: err}
	}
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "create", Path: path, Err: err}
	}
	sa := &windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}
	h, err := windows.CreateFile(name, windows.GENERIC_WRITE, 0, sa, windows.CREATE_NEW, windows.FILE_ATTRIBUTE_NORMAL, 0)
	runtime.KeepAlive(sd)
	if err != nil {
		return nil, &fs.PathError{Op: "create", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
