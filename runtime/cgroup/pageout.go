//go:build linux

package cgroup

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxIovecs is the kernel's UIO_MAXIOV: the most ranges one process_madvise takes.
const maxIovecs = 1024

// pageOutChunk bounds the bytes one process_madvise advises, so that a page-out whose
// context ends stops within one chunk.
const pageOutChunk = 32 << 20

// iovec is struct iovec with integer fields: the addresses are another process's.
type iovec struct {
	base uintptr
	len  uintptr
}

// PageOut asks the kernel to page out the anonymous memory of process pid
// (process_madvise with MADV_PAGEOUT on the anonymous mappings in /proc/PID/maps),
// pageOutChunk bytes at a time, and stops with ctx's error when ctx ends between two.
// It returns an error wrapping ErrNotSupported when the kernel has no process_madvise
// (before 5.10), when the caller lacks CAP_SYS_NICE, or when no swap is active (then
// anonymous memory has nowhere to go). Ranges that vanish meanwhile are skipped.
func PageOut(ctx context.Context, pid int) error {
	ranges, err := anonRanges(pid)
	if err != nil {
		return fmt.Errorf("cgroup: page out %d: %w", pid, err)
	}
	if err := swapActive(); err != nil {
		return fmt.Errorf("cgroup: page out %d: %w", pid, err)
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("cgroup: page out %d: pidfd_open: %w", pid, notSupported(err))
	}
	defer unix.Close(fd)
	for _, batch := range batches(ranges, pageOutChunk) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("cgroup: page out %d: %w", pid, err)
		}
		if err := pageOutBatch(fd, batch); err != nil {
			return fmt.Errorf("cgroup: page out %d: %w", pid, err)
		}
	}
	return nil
}

// batches splits ranges into batches of at most maxIovecs ranges and chunk bytes, a
// range larger than what a batch has left going on in the next. chunk is a multiple
// of the page size, as the ranges' bounds are.
func batches(ranges []iovec, chunk uintptr) [][]iovec {
	var out [][]iovec
	var cur []iovec
	var size uintptr
	for _, r := range ranges {
		for r.len > 0 {
			n := min(r.len, chunk-size)
			cur = append(cur, iovec{base: r.base, len: n})
			size += n
			r.base, r.len = r.base+n, r.len-n
			if size == chunk || len(cur) == maxIovecs {
				out = append(out, cur)
				cur, size = nil, 0
			}
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// pageOutBatch advises one batch; when the kernel stops short (a range unmapped or
// locked meanwhile) it advises the ranges one by one and skips those that fail so.
func pageOutBatch(fd int, iovs []iovec) error {
	var total uintptr
	for _, v := range iovs {
		total += v.len
	}
	n, err := processMadvise(fd, iovs)
	if (err == nil && n == total) || (err != nil && !skippable(err)) {
		return notSupported(err)
	}
	for i := range iovs {
		if _, err := processMadvise(fd, iovs[i:i+1]); err != nil && !skippable(err) {
			return notSupported(err)
		}
	}
	return nil
}

// skippable tells whether a process_madvise error may concern a single range.
func skippable(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOMEM)
}

// processMadvise is process_madvise(pidfd, iovs, len(iovs), MADV_PAGEOUT, 0); it
// returns the number of bytes advised.
func processMadvise(fd int, iovs []iovec) (uintptr, error) {
	n, _, e := unix.Syscall6(unix.SYS_PROCESS_MADVISE, uintptr(fd),
		uintptr(unsafe.Pointer(&iovs[0])), uintptr(len(iovs)), unix.MADV_PAGEOUT, 0, 0)
	if e != 0 {
		return 0, fmt.Errorf("process_madvise: %w", e)
	}
	return n, nil
}

// notSupported marks the errors that mean the kernel or the caller cannot do it.
func notSupported(err error) error {
	switch {
	case errors.Is(err, unix.ENOSYS):
		return fmt.Errorf("%w: kernel without process_madvise (5.10+): %w", ErrNotSupported, err)
	case errors.Is(err, unix.EPERM):
		return fmt.Errorf("%w: needs CAP_SYS_NICE: %w", ErrNotSupported, err)
	}
	return err
}

// swapActive fails, with ErrNotSupported, when /proc/swaps lists no swap area.
func swapActive() error {
	b, err := os.ReadFile("/proc/swaps")
	if err != nil {
		return fmt.Errorf("%w: cannot tell whether swap is active: %w", ErrNotSupported, err)
	}
	if len(bytes.Split(bytes.TrimSpace(b), []byte("\n"))) < 2 {
		return fmt.Errorf("%w: no swap is active, anonymous memory cannot be paged out", ErrNotSupported)
	}
	return nil
}

// anonRanges lists the anonymous mappings of pid from /proc/PID/maps: those without
// a path, plus [heap] and [stack].
func anonRanges(pid int) ([]iovec, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/maps")
	if err != nil {
		return nil, err
	}
	var iovs []iovec
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || (len(f) > 5 && f[5] != "[heap]" && f[5] != "[stack]") {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil || end <= start {
			return nil, fmt.Errorf("/proc/%d/maps: bad range %q", pid, f[0])
		}
		iovs = append(iovs, iovec{base: uintptr(start), len: uintptr(end - start)})
	}
	return iovs, sc.Err()
}
