//go:build linux

package identity

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/poolctl/poolctl/runtime/spec"
)

// The identity types of processModel.identityType.
const (
	LocalSystem             = "LocalSystem"
	LocalService            = "LocalService"
	NetworkService          = "NetworkService"
	SpecificUser            = "SpecificUser"
	ApplicationPoolIdentity = "ApplicationPoolIdentity"
)

// The defaults of Options: the account of LocalService and NetworkService, and the
// range of ApplicationPoolIdentity's user ids, systemd's DynamicUser range
// 61184–65519.
const (
	DefaultServiceUser = "nobody"
	DefaultUIDBase     = 61184
	DefaultUIDCount    = 65519 - DefaultUIDBase + 1
)

// Options tune Resolve.
type Options struct {
	// ServiceUser is the account of LocalService and NetworkService; "" means
	// DefaultServiceUser.
	ServiceUser string
	// UIDBase and UIDCount are the range of ApplicationPoolIdentity's user ids,
	// UIDBase to UIDBase+UIDCount-1; 0 means DefaultUIDBase and DefaultUIDCount.
	UIDBase, UIDCount uint32
	// LookupUser finds a user by name; nil means os/user.Lookup.
	LookupUser func(name string) (*user.User, error)
	// LookupGroupIDs lists a user's groups; nil means (*user.User).GroupIds.
	LookupGroupIDs func(u *user.User) ([]string, error)
}

// withDefaults fills in the zero fields of opt.
func (opt Options) withDefaults() Options {
	if opt.ServiceUser == "" {
		opt.ServiceUser = DefaultServiceUser
	}
	if opt.UIDBase == 0 {
		opt.UIDBase = DefaultUIDBase
	}
	if opt.UIDCount == 0 {
		opt.UIDCount = DefaultUIDCount
	}
	if opt.LookupUser == nil {
		opt.LookupUser = user.Lookup
	}
	if opt.LookupGroupIDs == nil {
		opt.LookupGroupIDs = (*user.User).GroupIds
	}
	return opt
}

// Account is who a pool's workers run as.
type Account struct {
	Type string // the identityType
	// Name is the account as IIS names it: "root" (LocalSystem), the service user,
	// "IIS AppPool\Shop" (ApplicationPoolIdentity), or the userName as written.
	Name string
	// User is the account's name in the system's user database, or "" for
	// ApplicationPoolIdentity, whose user id has no entry there.
	User     string
	UID, GID uint32
	Groups   []uint32 // supplementary groups; none for ApplicationPoolIdentity
	Warning  string   // e.g. LocalSystem runs as root
}

// Error is an identity that cannot be resolved, such as a SpecificUser that does not
// exist: the pool stops, as IIS stops a pool whose identity does not exist.
type Error struct {
	Pool string
	Type string // the identityType
	Name string // the account looked up, if any
	Err  error
}

// Error names the pool, the identity and the reason.
func (e *Error) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("pool %q: identity %s: %v", e.Pool, e.Type, e.Err)
	}
	// The name is quoted but not escaped: a Windows account is DOMAIN\user.
	return fmt.Sprintf(`pool %q: identity %s "%s": %v`, e.Pool, e.Type, e.Name, e.Err)
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }

// Resolve returns the account of the pool identity id of pool poolName. A
// SpecificUser's userName is looked up as written and then, when it is not found and
// has a backslash ("CONTOSO\svc"), as the part after the last one ("svc"). An
// ApplicationPoolIdentity's user id is UIDBase plus the FNV-1a hash of the lower-cased
// pool name modulo UIDCount, and its group id the same number; ResolveAll makes the
// ids of a set of pools distinct. Resolve does not check that the runtime may take
// the account: CanTake does.
func Resolve(poolName string, id spec.Identity, opt Options) (Account, error) {
	opt = opt.withDefaults()
	if uint64(opt.UIDBase)+uint64(opt.UIDCount) > 1<<32-1 {
		return Account{}, &Error{Pool: poolName, Type: id.Type, Err: fmt.Errorf("user id range %d+%d goes past 4294967294", opt.UIDBase, opt.UIDCount)}
	}
	switch id.Type {
	case LocalSystem:
		return Account{Type: id.Type, Name: "root", User: "root", Warning: "LocalSystem runs the pool's workers as root"}, nil
	case LocalService, NetworkService:
		return lookup(poolName, id.Type, opt.ServiceUser, opt)
	case SpecificUser:
		return lookupSpecific(poolName, id, opt)
	case ApplicationPoolIdentity:
		uid := opt.UIDBase + poolHash(poolName)%opt.UIDCount
		return Account{Type: id.Type, Name: `IIS AppPool\` + poolName, UID: uid, GID: uid}, nil
	}
	return Account{}, &Error{Pool: poolName, Type: id.Type, Err: errors.New("unknown identityType")}
}

// poolHash is the 32-bit FNV-1a hash of the lower-cased pool name.
func poolHash(name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(name))) // never fails
	return h.Sum32()
}

// lookupSpecific looks up a SpecificUser's userName, then the part after its last
// backslash.
func lookupSpecific(poolName string, id spec.Identity, opt Options) (Account, error) {
	if id.UserName == "" {
		return Account{}, &Error{Pool: poolName, Type: id.Type, Err: errors.New("no userName is set")}
	}
	a, err := lookup(poolName, id.Type, id.UserName, opt)
	if i := strings.LastIndexByte(id.UserName, '\\'); err != nil && i >= 0 && i+1 < len(id.UserName) {
		if b, err2 := lookup(poolName, id.Type, id.UserName[i+1:], opt); err2 == nil {
			a, err = b, nil
		}
	}
	if err != nil {
		return Account{}, err
	}
	a.Name = id.UserName
	return a, nil
}

// lookup finds the named user of the system's user database.
func lookup(poolName, typ, name string, opt Options) (Account, error) {
	fail := func(err error) (Account, error) {
		return Account{}, &Error{Pool: poolName, Type: typ, Name: name, Err: err}
	}
	u, err := opt.LookupUser(name)
	if err != nil {
		return fail(fmt.Errorf("the account does not exist: %w", err))
	}
	uid, err := parseID(u.Uid)
	if err != nil {
		return fail(fmt.Errorf("user id: %w", err))
	}
	gid, err := parseID(u.Gid)
	if err != nil {
		return fail(fmt.Errorf("group id: %w", err))
	}
	return Account{Type: typ, Name: u.Username, User: u.Username, UID: uid, GID: gid, Groups: groups(u, gid, opt)}, nil
}

// groups returns the user's groups, or its primary group when they cannot be listed.
func groups(u *user.User, gid uint32, opt Options) []uint32 {
	ids, err := opt.LookupGroupIDs(u)
	if err != nil {
		return []uint32{gid}
	}
	out := make([]uint32, 0, len(ids))
	for _, s := range ids {
		if id, err := parseID(s); err == nil && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// parseID parses a decimal user or group id.
func parseID(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number from 0 to 4294967295", s)
	}
	return uint32(n), nil
}

// ResolveAll resolves the identity of every pool and returns the accounts by pool
// name (as Pool.Name spells it), with an *Error for each pool whose identity cannot be
// resolved. It guarantees that no two ApplicationPoolIdentity pools share a user id,
// and that none takes the id of another pool's account: the pools are taken in the
// order of their lower-cased names, and a pool whose id is taken gets the next free
// one in the range (linear probing, wrapping around). The result is deterministic;
// only pools whose hashes collide depend on the other pools' names.
func ResolveAll(pools []*spec.Pool, opt Options) (map[string]Account, []error) {
	out := make(map[string]Account, len(pools))
	used := make(map[uint32]bool, len(pools))
	var errs []error
	var dynamic []*spec.Pool
	for _, p := range pools {
		if p.Identity.Type == ApplicationPoolIdentity {
			dynamic = append(dynamic, p)
			continue
		}
		a, err := Resolve(p.Name, p.Identity, opt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[p.Name], used[a.UID] = a, true
	}
	slices.SortStableFunc(dynamic, func(x, y *spec.Pool) int { return strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)) })
	for _, p := range dynamic {
		a, err := resolveFree(p, used, opt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[p.Name], used[a.UID] = a, true
	}
	return out, errs
}

// resolveFree resolves an ApplicationPoolIdentity pool to the first user id, from its
// own, that is not used.
func resolveFree(p *spec.Pool, used map[uint32]bool, opt Options) (Account, error) {
	a, err := Resolve(p.Name, p.Identity, opt)
	if err != nil {
		return Account{}, err
	}
	opt = opt.withDefaults()
	for range opt.UIDCount {
		if !used[a.UID] {
			a.GID = a.UID
			return a, nil
		}
		a.UID = opt.UIDBase + (a.UID-opt.UIDBase+1)%opt.UIDCount
	}
	return Account{}, &Error{Pool: p.Name, Type: p.Identity.Type, Name: a.Name,
		Err: fmt.Errorf("every user id from %d to %d is taken", opt.UIDBase, opt.UIDBase+opt.UIDCount-1)}
}

// CanTake reports whether the runtime may run processes as a: root may take any
// account, another user only its own. An error says the account cannot be taken, so
// the pool stops.
func CanTake(a Account) error { return canTake(a, os.Geteuid()) }

// canTake is CanTake for a runtime whose effective user id is euid.
func canTake(a Account, euid int) error {
	if euid == 0 || int64(a.UID) == int64(euid) {
		return nil
	}
	return fmt.Errorf("cannot run as %s (uid %d): poolctl run is not root", a.Name, a.UID)
}

// Credential returns the account as a *syscall.Credential for
// syscall.SysProcAttr, with the account's supplementary groups (none for an account
// without groups). It returns nil when the runtime is not root and a is its own
// account: the worker already runs as a, and only root may set groups.
func (a Account) Credential() *syscall.Credential { return credential(a, os.Geteuid()) }

// credential is Credential for a runtime whose effective user id is euid.
func credential(a Account, euid int) *syscall.Credential {
	if euid != 0 && int64(a.UID) == int64(euid) {
		return nil
	}
	groups := make([]uint32, len(a.Groups))
	copy(groups, a.Groups)
	return &syscall.Credential{Uid: a.UID, Gid: a.GID, Groups: groups}
}

// ErrorsByPool indexes ResolveAll's errors by the pool they are about (Error.Pool).
// Errors that are not *Error are left out.
func ErrorsByPool(errs []error) map[string]error {
	out := make(map[string]error, len(errs))
	for _, err := range errs {
		if e, ok := errors.AsType[*Error](err); ok {
			if _, dup := out[e.Pool]; !dup {
				out[e.Pool] = err
			}
		}
	}
	return out
}
