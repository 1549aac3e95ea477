package parse

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLoadSources: Options.Sources gives a configSource file content instead of what is
// on disk, even when the file does not exist; other files are read from disk.
func TestLoadSources(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "app.config")
	const text = `<configuration><system.applicationHost><applicationPools configSource="pools.config" /></system.applicationHost></configuration>`
	if err := os.WriteFile(main, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	section, err := ConfigSourcePath(main, "pools.config")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(main, LoadOptions{}); err == nil {
		t.Fatal("Load without the section file succeeded")
	}
	opt := LoadOptions{Read: Options{Sources: map[string][]byte{section: []byte(`<applicationPools><add name="Given" /></applicationPools>`)}}}
	cfg, err := Load(main, opt)
	if err != nil {
		t.Fatal(err)
	}
	if pools := cfg.Pools(); len(pools) != 1 || pools[0].Name != "Given" {
		t.Errorf("pools %v, want the one of Sources", pools)
	}
	if got := cfg.Sources[0].Name; got != section {
		t.Errorf("section document named %q, want %q", got, section)
	}
}
