package apply

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/store"

	"github.com/poolctl/poolctl/internal/sharedtest"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// TestUpdateRefusesDeletingAUsedPool checks, on a real file, that deleting the pool
// two applications run in is refused with the two PC201 findings, and the file stays.
func TestUpdateRefusesDeletingAUsedPool(t *testing.T) {
	src := filepath.Join(sharedtest.Dir(t, "corpus", "real"), "02-coso-configuration-supernova.config")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	del := func(doc *parse.Document) error {
		ed, err := NewEditor(doc, schema.MustFor(schema.IIS10))
		if err != nil {
			return err
		}
		return ed.DeletePool("DefaultAppPool")
	}
	_, err = Update(t.Context(), path, UpdateOptions{History: store.History{Keep: -1}}, del)
	ce, ok := errors.AsType[*CheckError](err)
	if !ok {
		t.Fatalf("Update = %v, want a CheckError", err)
	}
	if len(ce.Findings) != 2 {
		t.Fatalf("findings = %v, want two", ce.Findings)
	}
	for _, d := range ce.Findings {
		if d.Rule != "PC201" || !strings.Contains(d.Message, `"DefaultAppPool"`) || d.Line == 0 {
			t.Errorf("finding %v, want PC201 about DefaultAppPool with a line", d)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != string(data) {
		t.Error("the file changed")
	}
	if _, err := Update(t.Context(), path, UpdateOptions{History: store.History{Keep: -1}, Force: true}, del); err != nil {
		t.Fatalf("Update with Force: %v", err)
	}
}
