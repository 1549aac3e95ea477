//go:build linux

package numa

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxCPU bounds the CPU numbers ParseCPUList accepts (Linux's NR_CPUS is at most 8192).
const maxCPU = 1 << 16

// ParseCPUList parses a CPU list as Linux writes it ("0-3,8,10-11", an optional
// trailing newline; "" is no CPU) and returns its CPUs in ascending order, each once.
func ParseCPUList(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var cpus []int
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, err := parseRange(part)
		if err != nil {
			return nil, fmt.Errorf("cpu list %q: %w", s, err)
		}
		for c := lo; c <= hi; c++ {
			cpus = append(cpus, c)
		}
	}
	slices.Sort(cpus)
	return slices.Compact(cpus), nil
}

// parseRange parses "N" or "N-M" (N <= M).
func parseRange(part string) (lo, hi int, err error) {
	first, last, isRange := strings.Cut(part, "-")
	if lo, err = parseCPU(first); err != nil {
		return 0, 0, err
	}
	if !isRange {
		return lo, lo, nil
	}
	if hi, err = parseCPU(last); err != nil {
		return 0, 0, err
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("range %q runs backwards", part)
	}
	return lo, hi, nil
}

// parseCPU parses one CPU number: decimal digits only, below maxCPU.
func parseCPU(s string) (int, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("bad CPU number %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n >= maxCPU {
		return 0, fmt.Errorf("CPU number %s is past %d", s, maxCPU-1)
	}
	return n, nil
}

// FormatCPUList writes CPUs as Linux writes a CPU list: ascending, each once, runs of
// two or more as ranges ("0-3,8,10-11"); negative numbers are left out.
func FormatCPUList(cpus []int) string {
	sorted := slices.DeleteFunc(slices.Clone(cpus), func(c int) bool { return c < 0 })
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	var b strings.Builder
	for i := 0; i < len(sorted); {
		j := i
		for j+1 < len(sorted) && sorted[j+1] == sorted[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(sorted[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(sorted[j]))
		}
		i = j + 1
	}
	return b.String()
}
