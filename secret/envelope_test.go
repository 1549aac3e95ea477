package secret

import "testing"

func TestParseEnvelope(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"[enc:IISWASOnlyAesProvider:47rfwx9DFAkIewg/Ytvtu+kIfkW1lULLbV1QG3/yM1TDzjfzRk/4ZI2AKmy4hjSu:enc]", true},
		{"[enc:AesProvider:h3Qm9XbV1cZ0sLr2YwTq8uKp4nEo6aJd5fGi7tBvHyU=:enc]", true},
		{"[enc:IISWASOnlyRsaProvider:Zm9vYmFy:enc]", true},
		{"[enc:IISCngProvider:MIIBhgYJKoZIhvcNAQcD:enc]", true},
		{"[enc:IISWASOnlyCngProvider:MIIBhgYJKoZIhvcNAQcD:enc]", true},
		{"[enc:My.Custom_Provider-2:QUJD:enc]", true}, // declared in configProtectedData
		{"[enc:IISWASOnlyAesProvider::enc]", true},    // the schema's default: an empty value
		{"[enc:PoolctlAesGcmProvider:QUJD:enc]", true},
		{"", false},
		{"Sup3r-S3cret!Pa55", false},
		{"[enc:Sup3rS3cret:enc]", false},            // no provider, or no payload
		{"[enc::QUJD:enc]", false},                  // no provider
		{"[enc:AesProvider:my secret!:enc]", false}, // not base64
		{"[enc:AesProvider:QU:JD:enc]", false},
		{"[enc:Aes Provider:QUJD:enc]", false},
		{"[ENC:AesProvider:QUJD:ENC]", false},
		{" [enc:AesProvider:QUJD:enc]", false},
		{"[enc:AesProvider:QUJD:enc] ", false},
		{"enc:AesProvider:QUJD:enc", false},
		{"[enc:", false},
		{"[enc:enc]", false},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			env, ok := ParseEnvelope(tt.s)
			if ok != tt.want || IsEncrypted(tt.s) != tt.want {
				t.Fatalf("ParseEnvelope(%q) ok = %v, want %v", tt.s, ok, tt.want)
			}
			if ok && env.String() != tt.s {
				t.Errorf("String() = %q, want %q", env.String(), tt.s)
			}
		})
	}
}

func FuzzParseEnvelope(f *testing.F) {
	for _, s := range []string{"[enc:AesProvider:QUJD:enc]", "[enc:IISWASOnlyAesProvider::enc]", "[enc:a:b:c:enc]", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		env, ok := ParseEnvelope(s)
		if !ok {
			return
		}
		if env.String() != s {
			t.Errorf("%q: String() = %q", s, env.String())
		}
		if env.Provider == "" {
			t.Errorf("%q: empty provider", s)
		}
	})
}
