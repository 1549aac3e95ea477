package secret

import (
	"errors"
	"fmt"
	"strings"
)

// The providers of the values that poolctl writes in its history copies in place of a
// clear-text secret: neither IIS nor poolctl run reads them, and history restore turns
// them back (see apply.Update and apply.Restore).
const (
	// HistoryProvider marks a clear-text value that poolctl encrypted for its history
	// copy with its key; the payload is that of Provider.
	HistoryProvider = "PoolctlHistoryProvider"
	// RedactedProvider marks a clear-text value that poolctl left out of its history
	// copy, having no key to encrypt it with.
	RedactedProvider = "PoolctlRedactedProvider"
)

// Redacted is the value a history copy holds in place of a clear-text secret that
// poolctl could not encrypt. Its payload is not empty, so that nothing takes it for
// the empty password.
const Redacted = "[enc:" + RedactedProvider + ":UkVEQUNURUQ=:enc]"

// ErrHistoryValue is wrapped by Decrypt's error for a value of a history copy.
var ErrHistoryValue = errors.New("the value belongs to a poolctl history copy")

// EncryptForHistory returns clear encrypted with k for a history copy: as Encrypt
// does, under HistoryProvider.
func (k *Key) EncryptForHistory(clear string) (string, error) {
	enc, err := k.Encrypt(clear)
	if err != nil {
		return "", err
	}
	return strings.Replace(enc, "[enc:"+Provider+":", "[enc:"+HistoryProvider+":", 1), nil
}

// DecryptHistory returns the clear text of value, which EncryptForHistory wrote with
// k.
func (k *Key) DecryptHistory(value string) (string, error) {
	env, ok := ParseEnvelope(value)
	if !ok || env.Provider != HistoryProvider {
		return "", fmt.Errorf("not a value of %s", HistoryProvider)
	}
	return k.Decrypt(Envelope{Provider: Provider, Payload: env.Payload}.String())
}

// IsHistoryValue reports whether value is one that only a history copy holds:
// encrypted for history, or redacted.
func IsHistoryValue(value string) bool {
	env, ok := ParseEnvelope(value)
	return ok && (env.Provider == HistoryProvider || env.Provider == RedactedProvider)
}
