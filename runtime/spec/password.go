package spec

import (
	"fmt"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/secret"
)

// PoolPassword returns the clear text of the pool's effective processModel.password:
// the pool's own value, else <applicationPoolDefaults>', else the schema's empty
// default. A value written in clear text is returned as it is; a value poolctl
// encrypted is decrypted with key, which may be nil when no key is at hand. It is the
// one function the runtime calls to log a worker on as its pool's identity.
//
// An error names the pool and where the value is written, and says what to do; it
// never holds the value.
func PoolPassword(pool *parse.Pool, key *secret.Key) (string, error) {
	s, ok := pool.Setting(secret.PasswordAttr)
	if !ok || s.Origin == parse.FromSchema {
		return "", nil
	}
	if !secret.IsEncrypted(s.Text) {
		return s.Text, nil
	}
	if env, _ := secret.ParseEnvelope(s.Text); !env.IsEmpty() && env.Provider == secret.Provider && key == nil {
		return "", passwordError(pool, s, &secret.DecryptError{Err: secret.ErrNoKey, Detail: "give the key file with --key-file or $" + secret.KeyEnv})
	}
	if key == nil {
		key = &secret.Key{} // an empty or foreign envelope needs no key
	}
	clear, err := key.Decrypt(s.Text)
	if err != nil {
		return "", passwordError(pool, s, err)
	}
	return clear, nil
}

// passwordError wraps err with the pool and the value's position.
func passwordError(pool *parse.Pool, s parse.Setting, err error) error {
	where := "applicationPoolDefaults"
	if s.Origin == parse.FromPool {
		where = "the pool"
	}
	return &PasswordError{Pool: pool.Name, Pos: s.Pos(), Where: where, Err: err}
}

// PasswordError is PoolPassword's error: which pool, where its value is written, why.
type PasswordError struct {
	Pool  string
	Pos   parse.Pos
	Where string // "the pool" or "applicationPoolDefaults"
	Err   error
}

// Error says which pool's password cannot be read, where, and why.
func (e *PasswordError) Error() string {
	return fmt.Sprintf("%s: pool %q: %s (set in %s): %v", e.Pos, e.Pool, secret.PasswordAttr, e.Where, e.Err)
}

// Unwrap returns the reason, a *secret.DecryptError.
func (e *PasswordError) Unwrap() error { return e.Err }
