package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/secret"
)

func TestPoolPassword(t *testing.T) {
	k, k2 := newTestKey(t), newTestKey(t)
	enc, _ := k.Encrypt("hunter2")
	other, _ := k2.Encrypt("hunter2")
	src := `<configuration><system.applicationHost><applicationPools>
<applicationPoolDefaults><processModel password="from-defaults" /></applicationPoolDefaults>
<add name="Clear"><processModel password="plain" /></add>
<add name="Poolctl"><processModel password="` + enc + `" /></add>
<add name="Inherits" />
<add name="Empty"><processModel password="[enc:IISWASOnlyAesProvider::enc]" /></add>
<add name="IIS"><processModel password="[enc:IISWASOnlyAesProvider:QUJD:enc]" /></add>
<add name="OtherKey"><processModel password="` + other + `" /></add>
</applicationPools></system.applicationHost></configuration>`
	doc, err := parse.ReadBytes("app.config", []byte(src), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parse.FromDocument(doc, parse.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pool string
		key  *secret.Key
		want string
		err  error
		msg  string
	}{
		{"Clear", k, "plain", nil, ""},
		{"Poolctl", k, "hunter2", nil, ""},
		{"Inherits", k, "from-defaults", nil, ""},
		{"Empty", nil, "", nil, ""},
		{"Poolctl", nil, "", secret.ErrNoKey, `app.config:4:45: pool "Poolctl": processModel.password (set in the pool): no key to decrypt the value: give the key file with --key-file or $POOLCTL_KEY_FILE`},
		{"IIS", k, "", secret.ErrForeignProvider, `app.config:7:41: pool "IIS": processModel.password (set in the pool): encrypted by an IIS provider: IISWASOnlyAesProvider`},
		{"OtherKey", k, "", secret.ErrWrongKey, "it needs key " + k2.ID()},
	}
	for _, tt := range tests {
		t.Run(tt.pool, func(t *testing.T) {
			got, err := PoolPassword(cfg.Pool(tt.pool), tt.key)
			if tt.err == nil {
				if err != nil || got != tt.want {
					t.Fatalf("PoolPassword = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) || got != "" {
				t.Fatalf("PoolPassword = %q, %v; want %v with %q", got, err, tt.err, tt.msg)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Error("the error holds the password")
			}
		})
	}
}

// newTestKey returns a new random key.
func newTestKey(t *testing.T) *secret.Key {
	t.Helper()
	k, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
