package secret

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// testKey returns a key with fixed bytes.
func testKey(b byte) *Key {
	var raw [KeySize]byte
	for i := range raw {
		raw[i] = b + byte(i)
	}
	return newKey(raw)
}

func TestEncryptDecrypt(t *testing.T) {
	k := testKey(1)
	for _, clear := range []string{"", "hunter2", "pässwörd ✓", strings.Repeat("x", 10000), "a\x00b"} {
		enc, err := k.Encrypt(clear)
		if err != nil {
			t.Fatal(err)
		}
		env, ok := ParseEnvelope(enc)
		if !ok || env.Provider != Provider {
			t.Fatalf("Encrypt(%q) = %q, not a %s envelope", clear, enc, Provider)
		}
		if clear != "" && strings.Contains(enc, clear) {
			t.Errorf("the envelope holds the clear text")
		}
		if id, ok := KeyID(enc); !ok || id != k.ID() {
			t.Errorf("KeyID = %q, %v, want %s", id, ok, k.ID())
		}
		got, err := k.Decrypt(enc)
		if err != nil || got != clear {
			t.Errorf("Decrypt(Encrypt(%q)) = %q, %v", clear, got, err)
		}
	}
	a, _ := k.Encrypt("same")
	b, _ := k.Encrypt("same")
	if a == b {
		t.Error("two encryptions of one value are equal: the nonce is not fresh")
	}
}

func TestDecryptErrors(t *testing.T) {
	k := testKey(1)
	good, err := k.Encrypt("hunter2")
	if err != nil {
		t.Fatal(err)
	}
	env, _ := ParseEnvelope(good)
	raw, _ := base64.StdEncoding.DecodeString(env.Payload)
	payload := func(b []byte) string {
		return Envelope{Provider: Provider, Payload: base64.StdEncoding.EncodeToString(b)}.String()
	}
	flipped := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 1
		return payload(b)
	}
	other, _ := testKey(2).Encrypt("hunter2")
	tests := []struct {
		name, value string
		want        error
		detail      string
	}{
		{"clear text", "hunter2", ErrNotEncrypted, "it is clear text"},
		{"IIS provider", "[enc:IISWASOnlyAesProvider:QUJD:enc]", ErrForeignProvider, "IISWASOnlyAesProvider, which only the Windows machine"},
		{"not base64", "[enc:PoolctlAesGcmProvider:QUJ:enc]", ErrCorrupt, "not base64"},
		{"truncated", payload(raw[:20]), ErrCorrupt, "truncated (20 bytes, at least 37 expected)"},
		{"version", flipped(0), ErrCorrupt, "unknown payload version 0"},
		{"key ID changed", flipped(3), ErrWrongKey, "it needs key"},
		{"nonce changed", flipped(12), ErrCorrupt, "authentication failed"},
		{"cipher text changed", flipped(headerSize), ErrCorrupt, "authentication failed"},
		{"tag changed", flipped(len(raw) - 1), ErrCorrupt, "authentication failed"},
		{"tag cut", payload(raw[:len(raw)-1]), ErrCorrupt, "authentication failed"},
		{"wrong key", other, ErrWrongKey, "it needs key " + testKey(2).ID() + ", and the key file holds key " + k.ID()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Decrypt(tt.value)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("Decrypt = %q, %v; want %v with %q", got, err, tt.want, tt.detail)
			}
			if got != "" || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error or result holds the clear text: %q, %v", got, err)
			}
		})
	}
}

func TestDecryptEmptyEnvelope(t *testing.T) {
	for _, v := range []string{"[enc:IISWASOnlyAesProvider::enc]", "[enc:PoolctlAesGcmProvider::enc]"} {
		if got, err := testKey(1).Decrypt(v); got != "" || err != nil {
			t.Errorf("Decrypt(%q) = %q, %v; want the empty value", v, got, err)
		}
	}
}

func TestKeyDoesNotPrintItself(t *testing.T) {
	k := testKey(1)
	secret := base64.StdEncoding.EncodeToString(k.raw[:])
	for _, s := range []string{k.String(), k.GoString()} {
		if strings.Contains(s, secret) {
			t.Errorf("%q shows key material", s)
		}
	}
}

func FuzzDecrypt(f *testing.F) {
	k := testKey(1)
	good, _ := k.Encrypt("hunter2")
	for _, s := range []string{good, "[enc:PoolctlAesGcmProvider:AAAA:enc]", "[enc:AesProvider:QUJD:enc]", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		clear, err := k.Decrypt(s)
		if err != nil {
			if clear != "" {
				t.Errorf("%q: an error with a result", s)
			}
			return
		}
		if again, err := k.Encrypt(clear); err != nil {
			t.Errorf("re-encrypt: %v", err)
		} else if back, err := k.Decrypt(again); err != nil || back != clear {
			t.Errorf("round trip of %q failed", clear)
		}
	})
}
