//go:build linux

package cgroup

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// swapFileEnv, set to 1, lets TestPageOut (as root) add a 256 MB swap file for its
// duration when no swap is active: without swap, anonymous memory cannot be paged out.
const swapFileEnv = "POOLCTL_TEST_SWAPFILE"

func TestPageOut(t *testing.T) {
	if os.Getenv(swapFileEnv) == "1" && swapActive() != nil {
		addSwapFile(t)
	}
	// Suspend pages a running worker out, then freezes it; a frozen one can be paged
	// out too.
	t.Run("running", func(t *testing.T) { testPageOut(t, nil) })
	t.Run("frozen", func(t *testing.T) { testPageOut(t, realManager(t)) })
}

// testPageOut pages out a child that touched allocSize bytes, frozen in a group of
// m first unless m is nil.
func testPageOut(t *testing.T, m *Manager) {
	child := startRole(t, "alloc")
	pid := child.Process.Pid
	if m != nil {
		if !m.CanFreeze() {
			t.Skip("no freezer")
		}
		if err := newGroup(t, m, pid).Freeze(); err != nil {
			t.Fatal(err)
		}
	}
	before := procStatus(t, pid, "VmRSS")
	start := time.Now()
	err := PageOut(t.Context(), pid)
	took := time.Since(start)
	after := procStatus(t, pid, "VmRSS")
	t.Logf("VmRSS before %s, after %s (PageOut took %v, err %v)", before, after, took, err)
	if errors.Is(err, ErrNotSupported) {
		t.Skipf("page-out not supported here: %v (set %s=1 to test with a temporary swap file)", err, swapFileEnv)
	}
	if err != nil {
		t.Fatal(err)
	}
	if kb(t, before)-kb(t, after) < allocSize/1024/2 {
		t.Errorf("VmRSS %s -> %s: want it to drop by about %d kB", before, after, allocSize/1024)
	}
	t.Logf("VmSwap %s", procStatus(t, pid, "VmSwap"))
}

func TestPageOutNoProcess(t *testing.T) {
	child := startRole(t, "sleep")
	pid := child.Process.Pid
	_ = child.Process.Kill()
	_ = child.Wait()
	err := PageOut(t.Context(), pid)
	if err == nil || errors.Is(err, ErrNotSupported) {
		t.Errorf("PageOut of a reaped process: %v, want an error other than ErrNotSupported", err)
	}
	t.Logf("PageOut of a reaped process: %v", err)
}

func TestBatches(t *testing.T) {
	const page, chunk = 4096, 4 * 4096
	for _, tc := range []struct {
		name   string
		ranges []iovec
		want   [][]iovec
	}{
		{"none", nil, nil},
		{"small ones together", []iovec{{0, page}, {8 * page, 2 * page}},
			[][]iovec{{{0, page}, {8 * page, 2 * page}}}},
		{"exactly a chunk", []iovec{{0, chunk}},
			[][]iovec{{{0, chunk}}}},
		{"a large one split", []iovec{{0, 2*chunk + page}},
			[][]iovec{{{0, chunk}}, {{chunk, chunk}}, {{2 * chunk, page}}}},
		{"one going on in the next batch", []iovec{{0, 3 * page}, {10 * page, 2 * page}},
			[][]iovec{{{0, 3 * page}, {10 * page, page}}, {{11 * page, page}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, batches(tc.ranges, chunk), cmp.AllowUnexported(iovec{})); diff != "" {
				t.Errorf("batches (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("at most maxIovecs ranges", func(t *testing.T) {
		ranges := make([]iovec, maxIovecs+1)
		for i := range ranges {
			ranges[i] = iovec{base: uintptr(i) * 2 * page, len: page}
		}
		got := batches(ranges, 1<<40)
		if len(got) != 2 || len(got[0]) != maxIovecs || len(got[1]) != 1 {
			t.Errorf("%d ranges in batches of %v, want %d and 1", len(ranges), lens(got), maxIovecs)
		}
	})
}

// lens returns the lengths of batches.
func lens(batches [][]iovec) []int {
	var n []int
	for _, b := range batches {
		n = append(n, len(b))
	}
	return n
}

// kb parses a /proc/PID/status size ("51200 kB").
func kb(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("size %q: %v", s, err)
	}
	return n
}

// addSwapFile adds a swap file for the test and removes it at cleanup.
func addSwapFile(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to add a swap file")
	}
	file := filepath.Join(t.TempDir(), "swap")
	f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for i := 0; i < 256 && err == nil; i++ {
		_, err = f.Write(zero)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, argv := range [][]string{{"mkswap", file}, {"swapon", file}} {
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			t.Skipf("%v: %v: %s", argv, err, out)
		}
	}
	t.Cleanup(func() {
		if out, err := exec.Command("swapoff", file).CombinedOutput(); err != nil {
			t.Errorf("swapoff %s: %v: %s", file, err, out)
		}
	})
	t.Logf("swap file %s added", file)
}
