//go:build linux

package identity

import (
	"errors"
	"fmt"
	"os/user"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/spec"
)

// fakeOptions looks users up in a user database of its own; every user is in groups
// 10 and 20 but "web", whose groups cannot be listed.
func fakeOptions() Options {
	users := map[string]*user.User{
		"nobody": {Username: "nobody", Uid: "65534", Gid: "65534"},
		"svc":    {Username: "svc", Uid: "1001", Gid: "1002"},
		"web":    {Username: "web", Uid: "1003", Gid: "1003"},
		"baduid": {Username: "baduid", Uid: "-1", Gid: "1"},
		"badgid": {Username: "badgid", Uid: "1", Gid: "x"},
	}
	return Options{
		LookupUser: func(name string) (*user.User, error) {
			if u, ok := users[name]; ok {
				return u, nil
			}
			return nil, user.UnknownUserError(name)
		},
		LookupGroupIDs: func(u *user.User) ([]string, error) {
			if u.Username == "web" {
				return nil, errors.New("no group database")
			}
			return []string{u.Gid, "10", "20", "10", "junk"}, nil
		},
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		pool string
		id   spec.Identity
		opt  func(*Options)
		want Account
	}{
		{"LocalSystem is root", "P", spec.Identity{Type: LocalSystem}, nil,
			Account{Type: LocalSystem, Name: "root", User: "root", Warning: "LocalSystem runs the pool's workers as root"}},
		{"LocalService is nobody", "P", spec.Identity{Type: LocalService}, nil,
			Account{Type: LocalService, Name: "nobody", User: "nobody", UID: 65534, GID: 65534, Groups: []uint32{65534, 10, 20}}},
		{"NetworkService is nobody", "P", spec.Identity{Type: NetworkService}, nil,
			Account{Type: NetworkService, Name: "nobody", User: "nobody", UID: 65534, GID: 65534, Groups: []uint32{65534, 10, 20}}},
		{"NetworkService as the service user", "P", spec.Identity{Type: NetworkService}, func(o *Options) { o.ServiceUser = "svc" },
			Account{Type: NetworkService, Name: "svc", User: "svc", UID: 1001, GID: 1002, Groups: []uint32{1002, 10, 20}}},
		{"SpecificUser", "P", spec.Identity{Type: SpecificUser, UserName: "svc", HasPassword: true}, nil,
			Account{Type: SpecificUser, Name: "svc", User: "svc", UID: 1001, GID: 1002, Groups: []uint32{1002, 10, 20}}},
		{"SpecificUser with a domain", "P", spec.Identity{Type: SpecificUser, UserName: `CONTOSO\svc`}, nil,
			Account{Type: SpecificUser, Name: `CONTOSO\svc`, User: "svc", UID: 1001, GID: 1002, Groups: []uint32{1002, 10, 20}}},
		{"groups that cannot be listed", "P", spec.Identity{Type: SpecificUser, UserName: "web"}, nil,
			Account{Type: SpecificUser, Name: "web", User: "web", UID: 1003, GID: 1003, Groups: []uint32{1003}}},
		// FNV-1a 32 of "defaultapppool" is 0xa6075453; 0xa6075453 % 4336 = 4099.
		{"ApplicationPoolIdentity", "DefaultAppPool", spec.Identity{Type: ApplicationPoolIdentity}, nil,
			Account{Type: ApplicationPoolIdentity, Name: `IIS AppPool\DefaultAppPool`, UID: 61184 + 4099, GID: 61184 + 4099}},
		{"ApplicationPoolIdentity ignores case", "DEFAULTAPPPOOL", spec.Identity{Type: ApplicationPoolIdentity}, nil,
			Account{Type: ApplicationPoolIdentity, Name: `IIS AppPool\DEFAULTAPPPOOL`, UID: 61184 + 4099, GID: 61184 + 4099}},
		{"ApplicationPoolIdentity in a range of its own", "DefaultAppPool", spec.Identity{Type: ApplicationPoolIdentity},
			func(o *Options) { o.UIDBase, o.UIDCount = 100000, 1000 },
			Account{Type: ApplicationPoolIdentity, Name: `IIS AppPool\DefaultAppPool`, UID: 100000 + 0xa6075453%1000, GID: 100000 + 0xa6075453%1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := fakeOptions()
			if tt.opt != nil {
				tt.opt(&opt)
			}
			got, err := Resolve(tt.pool, tt.id, opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPoolHash(t *testing.T) {
	// Reference values of FNV-1a 32 (offset basis 0x811c9dc5, prime 0x01000193) of
	// the lower-cased names.
	for in, want := range map[string]uint32{"": 0x811c9dc5, "A": 0xe40c292c, "DefaultAppPool": 0xa6075453} {
		if got := poolHash(in); got != want {
			t.Errorf("poolHash(%q) = %#x, want %#x", in, got, want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name string
		id   spec.Identity
		opt  func(*Options)
		want string
	}{
		{"unknown user", spec.Identity{Type: SpecificUser, UserName: "nope"},
			nil, `pool "P": identity SpecificUser "nope": the account does not exist: user: unknown user nope`},
		{"unknown user with a domain", spec.Identity{Type: SpecificUser, UserName: `CONTOSO\nope`},
			nil, `pool "P": identity SpecificUser "CONTOSO\nope": the account does not exist: user: unknown user CONTOSO\nope`},
		{"trailing backslash", spec.Identity{Type: SpecificUser, UserName: `CONTOSO\`},
			nil, `identity SpecificUser "CONTOSO\": the account does not exist`},
		{"no userName", spec.Identity{Type: SpecificUser}, nil, `pool "P": identity SpecificUser: no userName is set`},
		{"unknown service user", spec.Identity{Type: LocalService},
			func(o *Options) { o.ServiceUser = "daemon2" }, `identity LocalService "daemon2": the account does not exist`},
		{"bad uid", spec.Identity{Type: SpecificUser, UserName: "baduid"}, nil, `user id: "-1" is not a number`},
		{"bad gid", spec.Identity{Type: SpecificUser, UserName: "badgid"}, nil, `group id: "x" is not a number`},
		{"unknown type", spec.Identity{Type: "Anonymous"}, nil, `identity Anonymous: unknown identityType`},
		{"range too high", spec.Identity{Type: ApplicationPoolIdentity},
			func(o *Options) { o.UIDBase = 1<<32 - 10 }, "user id range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := fakeOptions()
			if tt.opt != nil {
				tt.opt(&opt)
			}
			_, err := Resolve("P", tt.id, opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Resolve error = %v, want %q", err, tt.want)
			}
			if e, ok := errors.AsType[*Error](err); !ok || e.Pool != "P" || e.Type != tt.id.Type {
				t.Errorf("error %#v is not an *Error naming the pool and type", err)
			}
		})
	}
}

// TestResolveSystemUsers resolves accounts of this machine's user database with the
// default options.
func TestResolveSystemUsers(t *testing.T) {
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody:", err)
	}
	a, err := Resolve("P", spec.Identity{Type: SpecificUser, UserName: `DOMAIN\nobody`}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.UID) != nobody.Uid || a.User != "nobody" || a.Name != `DOMAIN\nobody` {
		t.Errorf("DOMAIN\\nobody = %+v, want uid %s", a, nobody.Uid)
	}
	b, err := Resolve("P", spec.Identity{Type: NetworkService}, Options{})
	if err != nil || b.UID != a.UID {
		t.Errorf("NetworkService = %+v, %v; want nobody", b, err)
	}
}

func dynamicPools(names ...string) []*spec.Pool {
	var out []*spec.Pool
	for _, n := range names {
		out = append(out, &spec.Pool{Name: n, Identity: spec.Identity{Type: ApplicationPoolIdentity}})
	}
	return out
}

func TestResolveAllDistinct(t *testing.T) {
	var names []string
	for i := range 3000 {
		names = append(names, fmt.Sprintf("pool-%d", i))
	}
	accounts, errs := ResolveAll(dynamicPools(names...), Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	seen := map[uint32]string{}
	for name, a := range accounts {
		if a.UID < DefaultUIDBase || a.UID > 65519 || a.GID != a.UID {
			t.Errorf("%s: uid %d gid %d, want one id in 61184-65519", name, a.UID, a.GID)
		}
		if other, ok := seen[a.UID]; ok {
			t.Errorf("%s and %s share uid %d", name, other, a.UID)
		}
		seen[a.UID] = name
	}
	if len(seen) != 3000 {
		t.Errorf("%d accounts, want 3000", len(seen))
	}
}

// TestResolveAllProbing checks collisions in a range of 3 ids: the pools are taken in
// the order of their names whatever the order given, and each gets the next free id.
func TestResolveAllProbing(t *testing.T) {
	opt := Options{UIDBase: 500, UIDCount: 3}
	names := []string{"c", "A", "b"}
	var first map[string]Account
	for perm := range 3 {
		order := append(slices.Clone(names[perm:]), names[:perm]...)
		accounts, errs := ResolveAll(dynamicPools(order...), opt)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if first == nil {
			first = accounts
		} else if diff := cmp.Diff(first, accounts); diff != "" {
			t.Errorf("order %q changes the ids (-first +got):\n%s", order, diff)
		}
	}
	want := map[string]uint32{}
	used := map[uint32]bool{}
	for _, n := range []string{"A", "b", "c"} { // by lower-cased name
		uid := 500 + poolHash(n)%3
		for used[uid] {
			uid = 500 + (uid-500+1)%3
		}
		used[uid], want[n] = true, uid
	}
	for n, uid := range want {
		if first[n].UID != uid {
			t.Errorf("%s: uid %d, want %d", n, first[n].UID, uid)
		}
	}
	// A fourth pool finds the range full.
	_, errs := ResolveAll(dynamicPools("A", "b", "c", "d"), opt)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `pool "d"`) || !strings.Contains(errs[0].Error(), "every user id from 500 to 502 is taken") {
		t.Errorf("errors = %v", errs)
	}
}

// TestResolveAllAvoidsOtherAccounts checks that an ApplicationPoolIdentity pool does
// not take the id of another pool's account, and that errors name their pools.
func TestResolveAllAvoidsOtherAccounts(t *testing.T) {
	opt := fakeOptions()
	opt.UIDBase, opt.UIDCount = 1001, 2 // 1001 is svc's
	pools := append(dynamicPools("Shop"),
		&spec.Pool{Name: "Svc", Identity: spec.Identity{Type: SpecificUser, UserName: "svc"}},
		&spec.Pool{Name: "Gone", Identity: spec.Identity{Type: SpecificUser, UserName: "gone"}},
		&spec.Pool{Name: "System", Identity: spec.Identity{Type: LocalSystem}},
	)
	accounts, errs := ResolveAll(pools, opt)
	if got := accounts["Shop"].UID; got != 1002 {
		t.Errorf("Shop: uid %d, want 1002 (1001 is svc's)", got)
	}
	if accounts["Svc"].UID != 1001 || accounts["System"].UID != 0 || accounts["System"].Warning == "" {
		t.Errorf("accounts = %+v", accounts)
	}
	if _, ok := accounts["Gone"]; ok || len(errs) != 1 {
		t.Fatalf("Gone: %+v, errors %v", accounts["Gone"], errs)
	}
	if e, ok := errors.AsType[*Error](errs[0]); !ok || e.Pool != "Gone" {
		t.Errorf("error %v does not name pool Gone", errs[0])
	}
}

func TestCanTake(t *testing.T) {
	shop := Account{Type: ApplicationPoolIdentity, Name: `IIS AppPool\Shop`, UID: 62000, GID: 62000}
	tests := []struct {
		a    Account
		euid int
		want string
	}{
		{shop, 0, ""},
		{Account{Name: "root"}, 0, ""},
		{shop, 62000, ""},
		{shop, 1000, `cannot run as IIS AppPool\Shop (uid 62000): poolctl run is not root`},
		{Account{Name: "root"}, 1000, "cannot run as root (uid 0): poolctl run is not root"},
	}
	for _, tt := range tests {
		err := canTake(tt.a, tt.euid)
		if got := fmt.Sprint(err); tt.want == "" && err != nil || tt.want != "" && got != tt.want {
			t.Errorf("canTake(%s, euid %d) = %v, want %q", tt.a.Name, tt.euid, err, tt.want)
		}
	}
	// The real check agrees with the process's own user id.
	if got, want := CanTake(shop), canTake(shop, syscall.Geteuid()); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CanTake = %v, want %v", got, want)
	}
}

func TestCredential(t *testing.T) {
	a := Account{Name: "svc", UID: 1001, GID: 1002, Groups: []uint32{1002, 10}}
	c := credential(a, 0)
	if diff := cmp.Diff(&syscall.Credential{Uid: 1001, Gid: 1002, Groups: []uint32{1002, 10}}, c); diff != "" {
		t.Errorf("credential as root (-want +got):\n%s", diff)
	}
	c.Groups[0] = 7
	if a.Groups[0] != 1002 {
		t.Error("the credential shares the account's groups")
	}
	if c := credential(Account{UID: 62000, GID: 62000}, 0); c.Groups == nil || len(c.Groups) != 0 {
		t.Errorf("credential without groups = %+v, want an empty list, so that setgroups clears them", c)
	}
	if c := credential(a, 1001); c != nil {
		t.Errorf("credential of the runtime's own non-root account = %+v, want nil", c)
	}
	if c := credential(a, 1000); c == nil || c.Uid != 1001 {
		t.Errorf("credential of another account as non-root = %+v", c)
	}
	if got, want := a.Credential(), credential(a, syscall.Geteuid()); !cmp.Equal(got, want) {
		t.Errorf("Credential = %+v, want %+v", got, want)
	}
}

func TestErrorsByPool(t *testing.T) {
	errs := []error{&Error{Pool: "A", Err: errors.New("1")}, errors.New("other"), &Error{Pool: "B", Err: errors.New("2")}, &Error{Pool: "A", Err: errors.New("3")}}
	got := ErrorsByPool(errs)
	if len(got) != 2 || got["A"] != errs[0] || got["B"] != errs[2] {
		t.Errorf("ErrorsByPool = %v", got)
	}
}
