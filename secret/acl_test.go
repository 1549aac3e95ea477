package secret

import (
	"strings"
	"testing"
)

func TestCheckKeyACL(t *testing.T) {
	const path = `C:\ProgramData\poolctl\key`
	var (
		alice  = keyAccount{SID: "S-1-5-21-1-2-3-1001", Name: `HOST\alice`}
		bob    = keyAccount{SID: "S-1-5-21-1-2-3-1002", Name: `HOST\bob`}
		admins = keyAccount{SID: sidAdministrators, Name: `BUILTIN\Administrators`}
		system = keyAccount{SID: sidSystem, Name: `NT AUTHORITY\SYSTEM`}
		users  = keyAccount{SID: "S-1-5-32-545", Name: `BUILTIN\Users`}
		world  = keyAccount{SID: "S-1-1-0"} // not looked up: the SID alone
	)
	const (
		fullAccess    = 0x1F01FF // FILE_ALL_ACCESS
		readExecute   = 0x1200A9 // FILE_GENERIC_READ | FILE_GENERIC_EXECUTE
		readAttrsOnly = 0x100080 // FILE_READ_ATTRIBUTES | SYNCHRONIZE
		fileExecute   = 0x20     // FILE_EXECUTE
		genericExec   = 0x20000000
	)
	allow := func(who keyAccount, mask uint32) keyACE { return keyACE{Type: aceAllowed, Mask: mask, Who: who} }
	inherited := func(e keyACE) keyACE { e.Flags |= aceInherited; return e }
	// what poolctl writes: SYSTEM, Administrators and the user, full control
	written := []keyACE{allow(system, fullAccess), allow(admins, fullAccess), allow(alice, fullAccess)}
	fix := `icacls "` + path + `" /inheritance:r /grant:r *` + alice.SID + `:F *S-1-5-32-544:F *S-1-5-18:F`
	tests := []struct {
		name  string
		acl   keyACL
		want  []string // parts of the error; none: accepted
		never string   // what the error must not say
	}{
		{"as poolctl writes it", keyACL{Self: alice, Owner: alice, ACEs: written}, nil, ""},
		{"owned by Administrators, read by an admin", keyACL{Self: alice, Owner: admins, ACEs: written[:2]}, nil, ""},
		{"owned by SYSTEM, granted to this user", keyACL{Self: alice, Owner: system, ACEs: written}, nil, ""},
		{"owned by Administrators, granted to another user", keyACL{Self: alice, Owner: admins, ACEs: append(written, allow(bob, fileReadData))},
			[]string{`lets HOST\bob (` + bob.SID + `) read or change it, and only its owner BUILTIN\Administrators (S-1-5-32-544), this user HOST\alice (` + alice.SID + `), Administrators and SYSTEM may`}, ""},
		{"OWNER RIGHTS", keyACL{Self: alice, Owner: alice, ACEs: []keyACE{allow(keyAccount{SID: sidOwnerRights}, fullAccess)}}, nil, ""},
		{"empty DACL: no one may", keyACL{Self: alice, Owner: alice}, nil, ""},
		{"Users may only see its attributes", keyACL{Self: alice, Owner: alice, ACEs: append(written, allow(users, readAttrsOnly))}, nil, ""},
		{"Users may execute only", keyACL{Self: alice, Owner: alice, ACEs: append(written, allow(users, fileExecute|genericExec))}, nil, ""},
		{"Users denied", keyACL{Self: alice, Owner: alice, ACEs: append(written, keyACE{Type: aceDenied, Mask: fullAccess, Who: users})}, nil, ""},
		{"an inherit-only entry for Users", keyACL{Self: alice, Owner: alice, ACEs: append(written, keyACE{Type: aceAllowed, Flags: aceInheritOnly, Mask: fullAccess, Who: users})}, nil, ""},
		{"Users read, inherited from ProgramData", keyACL{Self: alice, Owner: alice, ACEs: append(written, inherited(allow(users, readExecute)))},
			[]string{"key file " + path + `: its DACL lets BUILTIN\Users (S-1-5-32-545) read or change it, and only its owner HOST\alice (` + alice.SID + "), Administrators and SYSTEM may; refusing to use it: run " + fix}, "/remove"},
		{"Everyone, explicit, GENERIC_READ", keyACL{Self: alice, Owner: alice, ACEs: append(written, allow(world, genericRead))},
			[]string{"its DACL lets S-1-1-0 read or change it", fix + `, then icacls "` + path + `" /remove:g *S-1-1-0`}, ""},
		{"another user, GENERIC_ALL", keyACL{Self: alice, Owner: alice, ACEs: append(written, allow(bob, genericAll))}, []string{`HOST\bob (` + bob.SID + ")", "/remove:g *" + bob.SID}, ""},
		{"another user may write only", keyACL{Self: alice, Owner: alice, ACEs: append(written, allow(bob, fileWriteData))}, []string{`HOST\bob`}, ""},
		{"another user may change the DACL", keyACL{Self: alice, Owner: alice, ACEs: append(written, allow(bob, writeDAC))}, []string{`HOST\bob`}, ""},
		{"another user may take ownership", keyACL{Self: alice, Owner: alice, ACEs: append(written, allow(bob, writeOwner))}, []string{`HOST\bob`}, ""},
		{"a callback entry", keyACL{Self: alice, Owner: alice, ACEs: append(written, keyACE{Type: aceAllowedCallback, Mask: fileReadData, Who: users})}, []string{`BUILTIN\Users`}, ""},
		{"an object entry, trustee unknown", keyACL{Self: alice, Owner: alice, ACEs: append(written, keyACE{Type: 0x5, Mask: fileReadData})}, []string{"an entry of type 0x5"}, "/remove"},
		{"one account named once", keyACL{Self: alice, Owner: alice, ACEs: append(written, allow(users, fileReadData), inherited(allow(users, genericRead)))}, []string{"lets BUILTIN\\Users (S-1-5-32-545) read"}, "Users (S-1-5-32-545), BUILTIN"},
		{"NULL DACL", keyACL{Self: alice, Owner: alice, Null: true}, []string{"key file " + path + " has no DACL, or a NULL one: everyone may read it; refusing to use it: run " + fix}, ""},
		{"owned by another user", keyACL{Self: alice, Owner: bob, ACEs: written},
			[]string{"key file " + path + ` belongs to HOST\bob (` + bob.SID + `), not to this user (HOST\alice (` + alice.SID + `)), Administrators or SYSTEM; refusing to use it: run icacls "` + path + `" /setowner *` + alice.SID}, ""},
		{"owned by Administrators: granted once", keyACL{Self: alice, Owner: admins, ACEs: append(written, allow(users, fileReadData))}, []string{`/grant:r *S-1-5-32-544:F *S-1-5-18:F,`}, "544:F *S-1-5-32-544"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkKeyACL(path, tt.acl)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("checkKeyACL = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("checkKeyACL = nil, want an error with %q", tt.want)
			}
			for _, part := range tt.want {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("checkKeyACL = %v\nwant it to hold %q", err, part)
				}
			}
			if tt.never != "" && strings.Contains(err.Error(), tt.never) {
				t.Errorf("checkKeyACL = %v\nwant it not to hold %q", err, tt.never)
			}
		})
	}
}
