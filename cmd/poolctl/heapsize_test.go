package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/validate"
)

// gcPercent returns the collector's GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestStartingHeap checks that lint's heap may grow to the goal before the first
// collection, that the first collection puts the setting back, and that a GOGC from
// the environment or a small input changes nothing.
func TestStartingHeap(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	noEnv := func(string) string { return "" }

	startingHeap(400<<20, noEnv)
	if got, want := gcPercent(), 400*100/4; got != want {
		t.Fatalf("GOGC %d after startingHeap(400 MiB), want %d", got, want)
	}
	startingHeap(800<<20, noEnv) // before the collection: changes nothing
	if got, want := gcPercent(), 400*100/4; got != want {
		t.Fatalf("GOGC %d after a second startingHeap, want the first's %d", got, want)
	}
	deadline := time.Now().Add(30 * time.Second)
	for gcPercent() != 100 {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC is still %d after collections", gcPercent())
		}
		runtime.GC() // the cleanup runs after a collection finds the sentinel unreachable
		runtime.Gosched()
	}

	startingHeap(400<<20, func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	startingHeap(runtimeMinHeap, noEnv)
	if got := gcPercent(); got != 100 {
		t.Errorf("GOGC %d, want 100: GOGC set in the environment, or an input that needs no more than the minimum heap", got)
	}
}

// TestLargestInput checks that the heap is sized for the largest regular file, and
// that standard input and what is not a file count for nothing.
func TestLargestInput(t *testing.T) {
	dir := t.TempDir()
	small, large := filepath.Join(dir, "a.config"), filepath.Join(dir, "b.config")
	for path, size := range map[string]int{small: 10, large: 1000} {
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inputs := []lintInput{{path: small}, {stdin: true}, {path: large}, {path: dir}, {path: filepath.Join(dir, "missing")}}
	if got := largestInput(inputs); got != 1000 {
		t.Errorf("largestInput = %d, want 1000", got)
	}
}

// TestStdinSizesTheHeap checks that linting standard input reports its size, once it
// is read and before it is linted, for the heap to be sized.
func TestStdinSizesTheHeap(t *testing.T) {
	src := "<configuration><system.applicationHost><applicationPools><add name=\"A\" /></applicationPools></system.applicationHost></configuration>"
	var got int64 = -1
	if _, err := (lintInput{stdin: true}).lint(strings.NewReader(src), validate.Options{}, func(n int64) { got = n }); err != nil {
		t.Fatal(err)
	}
	if got != int64(len(src)) {
		t.Errorf("read reported %d bytes, want %d", got, len(src))
	}
}
