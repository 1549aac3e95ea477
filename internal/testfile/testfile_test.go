package testfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConfigAndNames(t *testing.T) {
	path := Config(t, "<configuration />")
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "<configuration />" {
		t.Fatalf("content %q, %v", got, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 && os.PathSeparator == '/' {
		t.Errorf("mode %v, %v; want 0640", fi.Mode(), err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), ".a"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{".a", "applicationHost.config"}, Names(t, filepath.Dir(path))); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}
