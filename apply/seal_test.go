package apply

import (
	"strings"
	"testing"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/secret"
)

// secretConfig holds a clear-text password in a pool and in the defaults, and one that
// IIS encrypted.
const secretConfig = `<configuration><system.applicationHost><applicationPools>
    <applicationPoolDefaults><processModel password="defaults-secret" /></applicationPoolDefaults>
    <add name="A"><processModel identityType="SpecificUser" userName="u" password="hunter2" /></add>
    <add name="B"><processModel password="[enc:IISWASOnlyAesProvider:QUJD:enc]" /></add>
    <add name="C" />
</applicationPools></system.applicationHost></configuration>`

// passwordOf returns the password attribute written in pool name of the text.
func passwordOf(t *testing.T, text, name string) string {
	t.Helper()
	doc, err := parse.ReadBytes("x.config", []byte(text), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parse.FromDocument(doc, parse.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := cfg.Pool(name).Setting(secret.PasswordAttr)
	return s.Text
}

func mustKey(t *testing.T) *secret.Key {
	t.Helper()
	k, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSetPasswordEncrypts(t *testing.T) {
	k := mustKey(t)
	set := func(src, pool, value string, key *secret.Key) (string, *Editor, error) {
		return edit(t, src, func(ed *Editor) error {
			if key != nil {
				ed.Sealer = key
			}
			return ed.Apply(ed.Pool(pool), PoolScope(pool), Op{Kind: SetAttr, Path: secret.PasswordAttr, Value: value})
		})
	}
	out, ed, err := set(secretConfig, "C", "s3cret", k)
	if err != nil {
		t.Fatal(err)
	}
	written := passwordOf(t, out, "C")
	if clear, err := k.Decrypt(written); err != nil || clear != "s3cret" || strings.Contains(out, "s3cret") {
		t.Fatalf("written %q decrypts to %q, %v", written, clear, err)
	}
	if len(ed.Changes) != 1 || !ed.Changes[0].Secret || len(ed.Notes) != 0 {
		t.Errorf("changes %v, notes %v", ed.Changes, ed.Notes)
	}
	// The same password again is no change, though its envelope differs each time.
	again, ed, err := set(out, "C", "s3cret", k)
	if err != nil || again != out || len(ed.Changes) != 0 {
		t.Errorf("setting the same password again: %v, %d changes", err, len(ed.Changes))
	}
	// Without a key: clear text over an encrypted value is refused...
	if _, _, err := set(out, "C", "other", nil); err == nil || !strings.Contains(err.Error(), "without a key") {
		t.Errorf("clear over encrypted without a key: %v", err)
	}
	// ... and written, with a note, where there was none or clear text.
	_, ed, err = set(secretConfig, "C", "s3cret", nil)
	if err != nil || len(ed.Notes) != 1 || !strings.Contains(ed.Notes[0], "clear text: there is no key") || strings.Contains(ed.Notes[0], "s3cret") {
		t.Errorf("clear without a key: %v, notes %q", err, ed.Notes)
	}
}

func TestEncryptClear(t *testing.T) {
	k := mustKey(t)
	out, ed, err := edit(t, secretConfig, func(ed *Editor) error {
		ed.Sealer = k
		return ed.EncryptClear(nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"hunter2", "defaults-secret"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q is still in the file", leak)
		}
	}
	if clear, err := k.Decrypt(passwordOf(t, out, "A")); err != nil || clear != "hunter2" {
		t.Errorf("A decrypts to %q, %v", clear, err)
	}
	if clear, err := k.Decrypt(passwordOf(t, out, "C")); err != nil || clear != "defaults-secret" {
		t.Errorf("C (from the defaults) decrypts to %q, %v", clear, err)
	}
	if got := passwordOf(t, out, "B"); got != "[enc:IISWASOnlyAesProvider:QUJD:enc]" {
		t.Errorf("IIS's value became %q", got)
	}
	if len(ed.Changes) != 2 {
		t.Errorf("changes: %v", ed.Changes)
	}
	// Encrypting again changes nothing.
	again, ed, err := edit(t, out, func(ed *Editor) error { ed.Sealer = k; return ed.EncryptClear(nil) })
	if err != nil || again != out || len(ed.Changes) != 0 {
		t.Errorf("second encrypt: %v, %v", err, ed.Changes)
	}
}

func TestRekey(t *testing.T) {
	oldKey, newKey := mustKey(t), mustKey(t)
	encrypted, _, err := edit(t, secretConfig, func(ed *Editor) error { ed.Sealer = oldKey; return ed.EncryptClear([]string{"A"}) })
	if err != nil {
		t.Fatal(err)
	}
	out, ed, err := edit(t, encrypted, func(ed *Editor) error { ed.Sealer = oldKey; return ed.Rekey(newKey) })
	if err != nil {
		t.Fatal(err)
	}
	if clear, err := newKey.Decrypt(passwordOf(t, out, "A")); err != nil || clear != "hunter2" {
		t.Errorf("A under the new key: %q, %v", clear, err)
	}
	notes := strings.Join(ed.Notes, "\n")
	if !strings.Contains(notes, "applicationPoolDefaults: processModel.password is clear text") || !strings.Contains(notes, `pool "B": processModel.password is encrypted by IISWASOnlyAesProvider`) {
		t.Errorf("notes:\n%s", notes)
	}
	// A value the old key cannot read stops the rekey.
	if _, _, err := edit(t, out, func(ed *Editor) error { ed.Sealer = oldKey; return ed.Rekey(newKey) }); err == nil || !strings.Contains(err.Error(), "nothing was re-encrypted") {
		t.Errorf("rekey with the wrong old key: %v", err)
	}
}
