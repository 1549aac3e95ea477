package apply

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/internal/sharedtest"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// corpusFiles returns the real configuration files of ../shared/corpus/real, skipping
// the test when the corpus is not there (failing it under CI).
func corpusFiles(t *testing.T) []string {
	t.Helper()
	return sharedtest.Glob(t, "*.config", "corpus", "real")
}

// queueLengthAttr matches the queueLength attribute with the space before it.
var queueLengthAttr = regexp.MustCompile(`\s+queueLength="[^"]*"`)

// TestCorpusSetQueueLength sets queueLength on the first pool of every corpus file: one
// line changes, and only by that attribute; setting it again changes nothing.
func TestCorpusSetQueueLength(t *testing.T) {
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out := setFirstPool(t, src)
			oldLines, newLines := strings.SplitAfter(string(src), "\n"), strings.SplitAfter(string(out), "\n")
			if len(oldLines) != len(newLines) {
				t.Fatalf("%d lines became %d", len(oldLines), len(newLines))
			}
			changed := 0
			for i := range oldLines {
				if oldLines[i] == newLines[i] {
					continue
				}
				changed++
				if a, b := queueLengthAttr.ReplaceAllString(oldLines[i], ""), queueLengthAttr.ReplaceAllString(newLines[i], ""); a != b {
					t.Errorf("line %d changed by more than queueLength:\n-%s+%s", i+1, oldLines[i], newLines[i])
				}
			}
			if changed != 1 {
				t.Errorf("%d lines changed, want 1", changed)
			}
			if again := setFirstPool(t, out); string(again) != string(out) {
				t.Error("setting the same value again changed the file")
			}
		})
	}
}

// setFirstPool sets queueLength="4321" on the first pool of src and returns the text.
func setFirstPool(t *testing.T, src []byte) []byte {
	t.Helper()
	doc, err := parse.ReadBytes("corpus.config", src, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ed, err := NewEditor(doc, schema.MustFor(schema.IIS10))
	if err != nil {
		t.Fatal(err)
	}
	names := ed.PoolNames()
	if len(names) == 0 {
		t.Skip("no pools")
	}
	if err := ed.Apply(ed.Pool(names[0]), PoolScope(names[0]), Op{Kind: SetAttr, Path: "queueLength", Value: "4321"}); err != nil {
		t.Fatal(err)
	}
	if err := ed.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	out, err := doc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpusAddPool adds a pool with a child element to every corpus file: the new
// <add> is indented like the pool before it, with the file's line endings, and the
// result reads back with the pool's value.
func TestCorpusAddPool(t *testing.T) {
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			doc, err := parse.ReadFile(path, parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ed, err := NewEditor(doc, schema.MustFor(schema.IIS10))
			if err != nil {
				t.Fatal(err)
			}
			names := ed.PoolNames()
			p, err := ed.AddPool("poolctl-test")
			if err != nil {
				t.Fatal(err)
			}
			if err := ed.Apply(p, PoolScope("poolctl-test"), Op{Kind: SetAttr, Path: "processModel.idleTimeout", Value: "00:05:00"}); err != nil {
				t.Fatal(err)
			}
			out, err := doc.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			text := string(out)
			if src := string(doc.Source()); doc.LineEnding() == "\r\n" && bareLF(text) != bareLF(src) {
				t.Errorf("%d bare LFs became %d: new lines do not use the file's CR LF", bareLF(src), bareLF(text))
			}
			if len(names) > 0 {
				last := indentBefore(text, `<add name="`+names[len(names)-1]+`"`)
				if got := indentBefore(text, `<add name="poolctl-test"`); got != last {
					t.Errorf("new pool indented %q, the pool before it %q", got, last)
				}
			}
			back, err := parse.ReadBytes("out.config", out, parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := parse.FromDocument(back, parse.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s, _ := cfg.Pool("poolctl-test").Setting("processModel.idleTimeout"); s.Text != "00:05:00" || s.Origin != parse.FromPool {
				t.Errorf("read back idleTimeout %q from %v", s.Text, s.Origin)
			}
		})
	}
}

// indentBefore returns the white space before the first occurrence of s on its line.
func indentBefore(text, s string) string {
	i := strings.Index(text, s)
	if i < 0 {
		return "(missing)"
	}
	start := strings.LastIndexByte(text[:i], '\n') + 1
	return text[start:i]
}

// bareLF counts the line feeds of s that no carriage return precedes.
func bareLF(s string) int { return strings.Count(s, "\n") - strings.Count(s, "\r\n") }
