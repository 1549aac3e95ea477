package parse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLarge writes head, then filler repeated until the file is size bytes, then tail.
func writeLarge(t *testing.T, head, filler, tail string, size int) string {
	t.Helper()
	n := (size - len(head) - len(tail)) / len(filler)
	b := append([]byte(head), bytes.Repeat([]byte(filler), n)...)
	b = append(b, tail...)
	path := filepath.Join(t.TempDir(), "large.config")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLargeFiles reads 100 MB files: a well-formed one reads in full, a truncated
// one is an error at the exact spot, and one over the limit is refused by size before
// it is read.
func TestLargeFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MB files in -short mode")
	}
	const size = 100 << 20
	pool := "\r\n    <add name=\"p\" queueLength=\"2000\"><processModel idleTimeout=\"00:30:00\" /></add>"
	t.Run("well-formed", func(t *testing.T) {
		path := writeLarge(t, "<configuration><x>", "<!-- padding -->", "</x></configuration>", size)
		doc, err := ReadFile(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(doc.Root().ChildElements()); got != 1 {
			t.Fatalf("%d children", got)
		}
	})
	t.Run("unterminated comment", func(t *testing.T) {
		path := writeLarge(t, "<configuration>\n  <!--", pool, "", size)
		_, err := ReadFile(path, Options{})
		var pe *Error
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "end of file inside comment started at 2:3") {
			t.Fatalf("got %v; want an error about the comment opened at 2:3", err)
		}
	})
	t.Run("over the limit", func(t *testing.T) {
		// A sparse file: the size is refused from Stat, before anything is read.
		path := filepath.Join(t.TempDir(), "huge.config")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(300 << 20); err != nil {
			t.Fatal(err)
		}
		f.Close()
		_, err = ReadFile(path, Options{})
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "limit") {
			t.Fatalf("got %v; want an error naming the file and the limit", err)
		}
	})
}
