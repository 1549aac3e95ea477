package secret

import "strings"

// Envelope is an encrypted attribute value as IIS writes it:
// [enc:PROVIDER:PAYLOAD:enc].
type Envelope struct {
	// Provider names the protected-configuration provider: IIS's own
	// (IISWASOnlyAesProvider, AesProvider, IISWASOnlyRsaProvider, IISCngProvider,
	// IISWASOnlyCngProvider), one declared in <configProtectedData>, or poolctl's
	// Provider.
	Provider string
	// Payload is the base64 cipher text; empty for an empty value, as in the schema's
	// default for processModel.password, [enc:IISWASOnlyAesProvider::enc].
	Payload string
}

// String returns the envelope as written in the file.
func (e Envelope) String() string { return "[enc:" + e.Provider + ":" + e.Payload + ":enc]" }

// IsEmpty reports whether the envelope holds no value.
func (e Envelope) IsEmpty() bool { return e.Payload == "" }

// The characters of a provider name and of a base64 payload.
const (
	providerChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
	base64Chars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
)

// ParseEnvelope splits an encrypted value into its provider and payload; ok is false
// when s is not one. A provider name is letters, digits, '.', '_' and '-'; the payload
// is base64 text, possibly empty. Nothing may stand before "[enc:" or after ":enc]".
func ParseEnvelope(s string) (e Envelope, ok bool) {
	inner, ok := strings.CutPrefix(s, "[enc:")
	if !ok {
		return Envelope{}, false
	}
	if inner, ok = strings.CutSuffix(inner, ":enc]"); !ok {
		return Envelope{}, false
	}
	provider, payload, ok := strings.Cut(inner, ":")
	if !ok || provider == "" || strings.Trim(provider, providerChars) != "" || strings.Trim(payload, base64Chars) != "" {
		return Envelope{}, false
	}
	return Envelope{Provider: provider, Payload: payload}, true
}

// IsEncrypted reports whether s is an encrypted value, of any provider.
func IsEncrypted(s string) bool {
	_, ok := ParseEnvelope(s)
	return ok
}
