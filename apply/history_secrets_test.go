package apply

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/internal/testfile"

	"github.com/poolctl/poolctl/store"

	"github.com/poolctl/poolctl/secret"
)

// secretsConfig returns a configuration whose pool Shop has the given password
// attribute (none when pw is "-").
func secretsConfig(pw string) string {
	attr := ` password="` + pw + `"`
	if pw == "-" {
		attr = ""
	}
	return `<configuration><system.applicationHost><applicationPools>
<add name="Shop"><processModel identityType="SpecificUser" userName="svc"` + attr + ` /></add>
</applicationPools></system.applicationHost></configuration>`
}

func TestHistorySecrets(t *testing.T) {
	key, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		key      *secret.Key // of the history, when the copy is saved and restored
		now      string      // the password of the file when the copy is restored
		copyHas  string      // what the copy holds in place of the old password
		restored string      // the restored file's password attribute, "" for none
		wantNote string
	}{
		{"encrypted for history", key, "current", secret.HistoryProvider, `password="old"`, ""},
		{"redacted, current value kept", nil, "current", secret.RedactedProvider, `password="current"`, "the file's current value is kept"},
		{"redacted, none now", nil, "-", secret.RedactedProvider, "", "it is left out; set it again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := testfile.Config(t, secretsConfig("old"))
			h := store.History{}
			copied, _, err := protectCopy(tt.key, path, []byte(secretsConfig("old")))
			if err != nil {
				t.Fatal(err)
			}
			snap, err := h.Save(path, copied, updT0)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(snap.Path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), `"old"`) || !strings.Contains(string(data), tt.copyHas) {
				t.Fatalf("the copy holds %s; want %s in place of the password", data, tt.copyHas)
			}
			if err := os.WriteFile(path, []byte(secretsConfig(tt.now)), 0o640); err != nil {
				t.Fatal(err)
			}
			res, err := Restore(context.Background(), path, snap.ID, UpdateOptions{History: h, HistoryKey: tt.key})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if tt.restored != "" && !strings.Contains(string(got), tt.restored) || tt.restored == "" && strings.Contains(string(got), "password=") {
				t.Errorf("restored file:\n%s\nwant %q", got, tt.restored)
			}
			if secret.IsHistoryValue(string(got)) || strings.Contains(string(got), "Poolctl") {
				t.Errorf("the restored file holds a history value:\n%s", got)
			}
			if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, tt.wantNote) {
				t.Errorf("notes %q, want %q", notes, tt.wantNote)
			}
		})
	}
}
