package secret

import "errors"

// This file holds the package's API while it is being written; it is replaced by the
// real implementation.

var errTODO = errors.New("secret: not implemented yet")

// Provider is poolctl's provider name in the envelope.
const Provider = "PoolctlAesGcmProvider"

// Key is a 256-bit AES key with its ID.
type Key struct {
	ID string
}

// KeyEnv is the environment variable that names the key file.
const KeyEnv = "POOLCTL_KEY_FILE"

// KeyPath returns the key file to use: flag when set, else $POOLCTL_KEY_FILE, else the
// default path; how says which ("--key-file", "$POOLCTL_KEY_FILE" or "default").
func KeyPath(flag string, getenv func(string) string) (path, how string) { return "", "" }

// ReadKeyFile reads the key file at path, refusing one that others can read.
func ReadKeyFile(path string) (*Key, error) { return nil, errTODO }

// Encrypt returns value encrypted with k, in its envelope.
func (k *Key) Encrypt(value string) (string, error) { return "", errTODO }

// IsEncrypted reports whether s is an encrypted value of any provider.
func IsEncrypted(s string) bool { return false }
