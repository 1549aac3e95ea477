package metabase

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/parse"
)

// FuzzRead checks that Read never panics, that its errors have a position, and that
// what it reads is consistent: every key is found by its location, every property
// has a position, and Lookup and Lines work on all of them.
func FuzzRead(f *testing.F) {
	f.Add([]byte(sample))
	f.Add(utf16Bytes(sample, false, true))
	f.Add(utf16Bytes(sample, true, false))
	f.Add([]byte("<configuration><A Location=\"/\"><Custom Name=\"x\" Value=\"a&#10;b\" Attributes=\"INHERIT\"/></A></configuration>"))
	f.Add([]byte("<configuration><A Location=\"/LM\" P=\"1\"/><B Location=\"/LM/X/\" Q=\"\r\n2\"/></configuration>"))
	for _, dir := range []string{"testdata", filepath.Join("..", "..", "apply", "convert", "testdata")} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read("fuzz.xml", data)
		if err != nil {
			var pe *parse.Error
			if errors.As(err, &pe) && !pe.Pos.IsValid() {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		for _, k := range m.Keys {
			checkKey(t, m, k)
		}
	})
}

// checkKey checks one key of a metabase Read returned.
func checkKey(t *testing.T, m *Metabase, k *Key) {
	if strings.TrimSpace(k.Location) == "" || !k.Pos.IsValid() || !k.LocationPos.IsValid() {
		t.Fatalf("key %+v has no location or position", k)
	}
	if got := m.Key(k.Location); got != k {
		t.Fatalf("Key(%q) = %+v, want the key itself", k.Location, got)
	}
	_ = m.Under(k.Location)
	_ = Parent(k.Location)
	_ = k.Name()
	for _, p := range k.Props {
		if !p.Pos.IsValid() {
			t.Fatalf("property %q of %q has no position", p.Name, k.Location)
		}
		if !p.Custom && !strings.Contains(p.Raw, "&") && !strings.ContainsAny(p.Raw, "\t\r\n") && p.Raw != p.Value {
			t.Fatalf("property %q: raw %q and value %q differ without references or white space", p.Name, p.Raw, p.Value)
		}
		for _, line := range p.Lines() {
			if line == "" || strings.TrimSpace(line) != strings.Trim(line, " \t") {
				t.Fatalf("property %q: line %q is empty or untrimmed", p.Name, line)
			}
		}
		if got, _, ok := m.Lookup(k.Location, p.Name); !ok || got.Name != p.Name {
			t.Fatalf("Lookup(%q, %q) does not find the key's own property", k.Location, p.Name)
		}
	}
}
