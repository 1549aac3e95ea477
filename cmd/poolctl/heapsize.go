package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// heapPerInputByte is a little more than how many bytes lint allocates per byte of
// the file it reads: the tree with every node's position, the configuration resolved
// from it, the findings and their output. bench/lint.sh's 21 MB file takes 7.4 (text
// output, 7,500 findings) to 7.9 (JSON, 17,500 findings), nearly all of it live until
// the findings are printed. An edit reads the file into a tree too, and then lints
// what it writes: the first collection at the same size finds the first tree garbage.
const heapPerInputByte = 9

// runtimeMinHeap is the heap goal of the Go runtime's first collection at GOGC=100
// (the runtime's heapMinimum); it scales with GOGC.
const runtimeMinHeap = 4 << 20

// startingHeap lets the heap grow to about goal bytes before the first garbage
// collection, then puts the collector back to its setting, as the Go compiler does for
// the packages it compiles (cmd/compile's base.AdjustStartingHeap). Lint reads a file
// into a tree that stays live until its findings are printed, so every collection
// before then scans the growing tree and frees nothing: on bench/lint.sh's file, 4
// collections that cost a fifth of the run. A GOGC set in the environment is left as
// it is, and GOMEMLIMIT still bounds the heap. A call while an earlier one waits for
// its collection does nothing: its cleanup would restore the earlier raised setting.
func startingHeap(goal int64, getenv func(string) string) {
	if goal <= runtimeMinHeap || getenv("GOGC") != "" {
		return
	}
	old := debug.SetGCPercent(int(goal * 100 / runtimeMinHeap))
	if old != 100 { // raised already, and not collected yet: leave it to that cleanup
		debug.SetGCPercent(old)
		return
	}
	// The first collection finds the sentinel unreachable and runs the cleanup,
	// which restores the setting: a file larger than the estimate is collected
	// as usual from then on, not at forty times its live heap. The sentinel is 16
	// bytes, too large for the tiny allocator, whose objects share a cleanup's fate
	// with their neighbours.
	runtime.AddCleanup(new([16]byte), func(old int) { debug.SetGCPercent(old) }, old)
}

// heapForInput sizes the heap (startingHeap) for reading a configuration of size bytes.
func heapForInput(size int64, getenv func(string) string) {
	startingHeap(size*heapPerInputByte, getenv)
}

// largestInput returns the size of the largest file among the inputs; standard input,
// whose size is not known, counts as nothing.
func largestInput(inputs []lintInput) int64 {
	var n int64
	for _, in := range inputs {
		if !in.stdin {
			n = max(n, fileSize(in.path))
		}
	}
	return n
}

// fileSize returns the size of the regular file at path, or 0 for anything else.
func fileSize(path string) int64 {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		return fi.Size()
	}
	return 0
}
