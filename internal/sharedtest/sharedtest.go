// Package sharedtest finds, for tests, the reference files of ../shared beside the
// repository (IIS schemas, the corpus of real configurations), which are read and never
// copied into the project.
package sharedtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the directory parts of ../shared beside the repository's root. When it
// is missing the test is skipped, or, with the environment variable CI set, fails: CI
// has the directory, and a skip there would hide the tests that need it.
func Dir(t testing.TB, parts ...string) string {
	t.Helper()
	dir, err := lookup(parts...)
	if err != nil {
		missing(t, err)
	}
	return dir
}

// Glob returns the files of Dir(t, parts...) that match pattern, in order; when none
// does, the test is skipped (or, under CI, fails) as Dir does.
func Glob(t testing.TB, pattern string, parts ...string) []string {
	t.Helper()
	dir := Dir(t, parts...)
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatalf("sharedtest: %v", err)
	}
	if len(files) == 0 {
		missing(t, fmt.Errorf("no file matches %s in %s", pattern, dir))
	}
	return files
}

// missing skips the test, or fails it under CI.
func missing(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("../shared is required under CI: %v", err)
	}
	t.Skipf("../shared not available: %v", err)
}

// lookup returns the directory parts of ../shared beside the root of the module the
// working directory is in (the package's directory, as go test runs it).
func lookup(parts ...string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("sharedtest: %w", err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(root)
		if up == root {
			return "", fmt.Errorf("sharedtest: no go.mod above %s", wd)
		}
		root = up
	}
	dir := filepath.Join(append([]string{root, "..", "shared"}, parts...)...)
	if info, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("sharedtest: %w", err)
	} else if !info.IsDir() {
		return "", fmt.Errorf("sharedtest: %s is not a directory", dir)
	}
	return filepath.Clean(dir), nil
}
