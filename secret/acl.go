package secret

import (
	"fmt"
	"slices"
	"strings"
)

// The values of winnt.h that checkKeyACL reads, written here so that the decision
// builds and is tested on every OS; owner_windows.go gathers them.
// https://learn.microsoft.com/en-us/windows/win32/api/winnt/ns-winnt-ace_header
// https://learn.microsoft.com/en-us/windows/win32/fileio/file-security-and-access-rights
// https://learn.microsoft.com/en-us/windows/win32/secauthz/generic-access-rights
const (
	aceAllowed         = 0x0 // ACCESS_ALLOWED_ACE_TYPE: Header, Mask, SID
	aceDenied          = 0x1 // ACCESS_DENIED_ACE_TYPE
	aceDeniedObject    = 0x6 // ACCESS_DENIED_OBJECT_ACE_TYPE
	aceAllowedCallback = 0x9 // ACCESS_ALLOWED_CALLBACK_ACE_TYPE: Header, Mask, SID, data
	aceDeniedCallback  = 0xA // ACCESS_DENIED_CALLBACK_ACE_TYPE
	aceDeniedCbObject  = 0xC // ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE

	aceInheritOnly = 0x08 // INHERIT_ONLY_ACE: applies to children only, not to the file
	aceInherited   = 0x10 // INHERITED_ACE: comes from the folder

	fileReadData   = 0x00000001 // FILE_READ_DATA
	fileWriteData  = 0x00000002 // FILE_WRITE_DATA
	fileAppendData = 0x00000004 // FILE_APPEND_DATA
	writeDAC       = 0x00040000 // WRITE_DAC: may grant itself read
	writeOwner     = 0x00080000 // WRITE_OWNER: may take the file, then read it
	genericAll     = 0x10000000 // GENERIC_ALL: maps to FILE_ALL_ACCESS
	genericWrite   = 0x40000000 // GENERIC_WRITE: maps to FILE_GENERIC_WRITE
	genericRead    = 0x80000000 // GENERIC_READ: maps to FILE_GENERIC_READ, which holds FILE_READ_DATA

	// keyAccessMask is the access that only the owner, Administrators and SYSTEM may
	// have to a key file: read its data, or change it, or its DACL or its owner (which
	// leads to reading it), directly or through the generic rights that map to them. It
	// is the Windows side of the Unix rule: no read or write by group or others.
	keyAccessMask = fileReadData | fileWriteData | fileAppendData | writeDAC | writeOwner | genericAll | genericWrite | genericRead
)

// The SIDs that may always read a key file, with its owner.
const (
	sidAdministrators = "S-1-5-32-544" // BUILTIN\Administrators
	sidSystem         = "S-1-5-18"     // NT AUTHORITY\SYSTEM
	sidOwnerRights    = "S-1-3-4"      // OWNER RIGHTS: whoever owns the file
)

// A keyAccount is a SID in string form and, when it could be looked up, its name
// (DOMAIN\name).
type keyAccount struct{ SID, Name string }

// String names the account: "DOMAIN\name (SID)", or the SID alone.
func (a keyAccount) String() string {
	if a.Name == "" {
		return a.SID
	}
	return a.Name + " (" + a.SID + ")"
}

// A keyACE is one entry of a key file's DACL: its ACE_HEADER type and flags, its
// access mask and, for the types whose SID follows the mask, the trustee.
type keyACE struct {
	Type, Flags uint8
	Mask        uint32
	Who         keyAccount // zero for a type that names its trustee otherwise
}

// A keyACL is what checkKeyACL needs of a key file on Windows.
type keyACL struct {
	Self  keyAccount // the user poolctl runs as
	Owner keyAccount // the file's owner
	Null  bool       // no DACL, or a NULL one: everyone has every access
	ACEs  []keyACE
}

// checkKeyACL refuses the key file path unless it belongs to the user poolctl runs as,
// Administrators or SYSTEM, and its DACL lets no one but its owner, that user,
// Administrators and SYSTEM read or change it (see keyAccessMask). Deny entries are
// not weighed against allow entries: an allow entry for anyone else is refused
// whatever precedes it. The error names the file and who may read it, and gives the
// icacls command that fixes it.
func checkKeyACL(path string, a keyACL) error {
	q := `"` + path + `"`
	if o := a.Owner.SID; o != a.Self.SID && o != sidAdministrators && o != sidSystem {
		return fmt.Errorf("key file %s belongs to %s, not to this user (%s), Administrators or SYSTEM; refusing to use it: run icacls %s /setowner *%s",
			path, a.Owner, a.Self, q, a.Self.SID)
	}
	fix := "icacls " + q + " /inheritance:r /grant:r"
	for _, sid := range appendNew(nil, a.Owner.SID, sidAdministrators, sidSystem) {
		fix += " *" + sid + ":F"
	}
	if a.Null {
		return fmt.Errorf("key file %s has no DACL, or a NULL one: everyone may read it; refusing to use it: run %s", path, fix)
	}
	who, explicit := a.others()
	if len(who) == 0 {
		return nil
	}
	if len(explicit) > 0 {
		fix += ", then icacls " + q + " /remove:g " + strings.Join(explicit, " ")
	}
	readers := "its owner " + a.Owner.String()
	if a.Self.SID != a.Owner.SID {
		readers += ", this user " + a.Self.String()
	}
	return fmt.Errorf("key file %s: its DACL lets %s read or change it, and only %s, Administrators and SYSTEM may; refusing to use it: run %s",
		path, strings.Join(who, ", "), readers, fix)
}

// others returns who else the DACL lets read or change the file, and the SIDs of
// those named in entries of the file's own (not inherited), each "*SID" as icacls
// takes it.
func (a keyACL) others() (who, explicit []string) {
	for _, e := range a.ACEs {
		if !grantsKeyAccess(e) || a.isReader(e.Who.SID) {
			continue
		}
		name := e.Who.String()
		if e.Who.SID == "" {
			name = fmt.Sprintf("an entry of type %#x", e.Type)
		} else if e.Flags&aceInherited == 0 {
			explicit = appendNew(explicit, "*"+e.Who.SID)
		}
		who = appendNew(who, name)
	}
	return who, explicit
}

// grantsKeyAccess reports whether e allows, on the file itself, some of keyAccessMask.
func grantsKeyAccess(e keyACE) bool {
	switch e.Type {
	case aceDenied, aceDeniedObject, aceDeniedCallback, aceDeniedCbObject:
		return false
	}
	return e.Flags&aceInheritOnly == 0 && e.Mask&keyAccessMask != 0
}

// isReader reports whether sid may read the key file: its owner, the user poolctl
// runs as, Administrators and SYSTEM.
func (a keyACL) isReader(sid string) bool {
	switch sid {
	case "":
		return false
	case a.Owner.SID, a.Self.SID, sidOwnerRights, sidAdministrators, sidSystem:
		return true
	}
	return false
}

// appendNew appends to list each of ss that it does not hold yet.
func appendNew(list []string, ss ...string) []string {
	for _, s := range ss {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
