// Package testfile writes and lists the files of tests: a configuration file with an
// exact mode in a test's own directory, and the names a directory holds.
package testfile

import (
	"os"
	"path/filepath"
	"testing"
)

// Config writes content to applicationHost.config in a new directory of t's, with
// mode 0640 whatever the umask, and returns its path.
func Config(t testing.TB, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	return path
}

// Names returns the names in dir, sorted.
func Names(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}
