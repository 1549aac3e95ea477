package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// updRead returns the content of the file path.
func updRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// updPools returns a file of n lines "PoolI=q" (q "" for none): the store does not
// read what it writes, so any content stands for a configuration.
func updPools(n int, q string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Pool%d=%s\n", i, q)
	}
	return b.String()
}

// updSetQueueLength returns a change that sets the line of the pool named name to v.
func updSetQueueLength(name, v string) func([]byte) []byte {
	re := regexp.MustCompile("(?m)^" + regexp.QuoteMeta(name) + "=.*$")
	return func(old []byte) []byte { return re.ReplaceAll(old, []byte(name+"="+v)) }
}

// updChange makes one change of path through a Txn, as apply.Update does: it reads
// the file under the lock, computes the new content with change and commits it.
func updChange(ctx context.Context, path string, opt Options, change func([]byte) []byte) (Snapshot, error) {
	tx, err := Begin(ctx, path, opt)
	if err != nil {
		return Snapshot{}, err
	}
	defer tx.Close()
	old, err := os.ReadFile(tx.Path())
	if err != nil {
		return Snapshot{}, err
	}
	next := change(old)
	if bytes.Equal(next, old) {
		return Snapshot{}, nil
	}
	return tx.Commit(Change{Old: old, New: next})
}

// updWriteFile writes content to the file path, creating its directory.
func updWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
