package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// Provider is poolctl's provider name in the envelope. IIS cannot decrypt it (and
// poolctl cannot decrypt IIS's): a file for IIS needs its values set with appcmd or IIS
// Manager on the server.
const Provider = "PoolctlAesGcmProvider"

// The payload of poolctl's envelope, base64-encoded: a version byte, the key's 8-byte
// ID, a 12-byte nonce, then the AES-256-GCM cipher text and tag. The version and key ID
// are the additional authenticated data, so they cannot be changed either.
const (
	payloadVersion = 1
	idSize         = 8
	nonceSize      = 12
	headerSize     = 1 + idSize + nonceSize
	tagSize        = 16
)

// Encrypt returns value encrypted with k, in poolctl's envelope, with a fresh random
// nonce: encrypting the same value twice gives different texts.
func (k *Key) Encrypt(value string) (string, error) {
	aead, err := k.aead()
	if err != nil {
		return "", err
	}
	header := make([]byte, headerSize, headerSize+len(value)+tagSize)
	header[0] = payloadVersion
	id, _ := hex.DecodeString(k.id)
	copy(header[1:], id)
	nonce := header[1+idSize:]
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("encrypt: %w", err)
	}
	sealed := aead.Seal(header, nonce, []byte(value), header[:1+idSize])
	return Envelope{Provider: Provider, Payload: base64.StdEncoding.EncodeToString(sealed)}.String(), nil
}

// aead returns k's AES-256-GCM cipher.
func (k *Key) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.raw[:])
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	return cipher.NewGCM(block)
}

// The errors of Decrypt, which its *DecryptError wraps.
var (
	// ErrNotEncrypted: the value is not an envelope (clear text).
	ErrNotEncrypted = errors.New("the value is not encrypted")
	// ErrForeignProvider: an IIS provider encrypted the value; only the Windows machine
	// that wrote it can decrypt it.
	ErrForeignProvider = errors.New("encrypted by an IIS provider")
	// ErrCorrupt: the payload is truncated, not base64, of an unknown version, or was
	// changed (authentication failed).
	ErrCorrupt = errors.New("the encrypted value is damaged")
	// ErrWrongKey: the value was encrypted with another key.
	ErrWrongKey = errors.New("the value was encrypted with another key")
	// ErrNoKey: poolctl encrypted the value, and there is no key to decrypt it.
	ErrNoKey = errors.New("no key to decrypt the value")
)

// DecryptError says why a value cannot be decrypted. Its message never holds the
// value's clear text, nor its cipher text.
type DecryptError struct {
	Err    error  // one of the Err variables of this package
	Detail string // what exactly: the provider, the key IDs, what is damaged
}

// Error returns the reason and the detail.
func (e *DecryptError) Error() string { return e.Err.Error() + ": " + e.Detail }

// Unwrap returns the reason.
func (e *DecryptError) Unwrap() error { return e.Err }

// Decrypt returns the clear text of value, an envelope that k encrypted. The empty
// envelope of any provider (the schema's default) is the empty string.
func (k *Key) Decrypt(value string) (string, error) {
	env, ok := ParseEnvelope(value)
	switch {
	case !ok:
		return "", &DecryptError{Err: ErrNotEncrypted, Detail: "it is clear text; encrypt it with poolctl encrypt"}
	case env.Provider == HistoryProvider || env.Provider == RedactedProvider:
		return "", &DecryptError{Err: ErrHistoryValue, Detail: env.Provider + ": give the file the copy's content with poolctl history restore, which turns it back"}
	case env.IsEmpty():
		return "", nil
	case env.Provider != Provider:
		return "", &DecryptError{Err: ErrForeignProvider, Detail: fmt.Sprintf(
			"%s, which only the Windows machine that wrote it can decrypt: enter the password again and encrypt it with poolctl (poolctl set POOL processModel.password=...)", env.Provider)}
	}
	raw, err := base64.StdEncoding.DecodeString(env.Payload)
	switch {
	case err != nil:
		return "", &DecryptError{Err: ErrCorrupt, Detail: "the payload is not base64"}
	case len(raw) < headerSize+tagSize:
		return "", &DecryptError{Err: ErrCorrupt, Detail: fmt.Sprintf("the payload is truncated (%d bytes, at least %d expected)", len(raw), headerSize+tagSize)}
	case raw[0] != payloadVersion:
		return "", &DecryptError{Err: ErrCorrupt, Detail: fmt.Sprintf("unknown payload version %d", raw[0])}
	}
	if id := hex.EncodeToString(raw[1 : 1+idSize]); id != k.id {
		return "", &DecryptError{Err: ErrWrongKey, Detail: fmt.Sprintf("it needs key %s, and the key file holds key %s", id, k.id)}
	}
	aead, err := k.aead()
	if err != nil {
		return "", err
	}
	plain, err := aead.Open(nil, raw[1+idSize:headerSize], raw[headerSize:], raw[:1+idSize])
	if err != nil {
		return "", &DecryptError{Err: ErrCorrupt, Detail: "authentication failed: it was changed or truncated"}
	}
	return string(plain), nil
}

// KeyID returns the ID of the key that encrypted value, a poolctl envelope; ok is false
// for other values.
func KeyID(value string) (id string, ok bool) {
	env, ok := ParseEnvelope(value)
	if !ok || env.Provider != Provider {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil || len(raw) < 1+idSize {
		return "", false
	}
	return hex.EncodeToString(raw[1 : 1+idSize]), true
}
