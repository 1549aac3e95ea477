//go:build linux

package numa

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCPUList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		err  string
	}{
		{"", nil, ""},
		{"\n", nil, ""},
		{"0", []int{0}, ""},
		{"0-3,8,10-11\n", []int{0, 1, 2, 3, 8, 10, 11}, ""},
		{"0-1", []int{0, 1}, ""},
		{"5,1-2,2", []int{1, 2, 5}, ""},
		{"7-7", []int{7}, ""},
		{"3-1", nil, "runs backwards"},
		{"1,,2", nil, `bad CPU number ""`},
		{"-1", nil, `bad CPU number ""`},
		{"0-", nil, `bad CPU number ""`},
		{"+1", nil, `bad CPU number "+1"`},
		{"0 - 3", nil, "bad CPU number"},
		{"0-15:2/4", nil, `bad CPU number "15:2/4"`},
		{"65536", nil, "past 65535"},
		{"99999999999999999999", nil, "past 65535"},
	}
	for _, tt := range tests {
		got, err := ParseCPUList(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseCPUList(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseCPUList(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatCPUList(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{0}, "0"},
		{[]int{0, 1}, "0-1"},
		{[]int{0, 1, 2, 3, 8, 10, 11}, "0-3,8,10-11"},
		{[]int{11, 10, 8, 3, 2, 1, 0, 8}, "0-3,8,10-11"},
		{[]int{-2, -1, 0, 1}, "0-1"},
		{[]int{1, 3, 5}, "1,3,5"},
	}
	for _, tt := range tests {
		if got := FormatCPUList(tt.in); got != tt.want {
			t.Errorf("FormatCPUList(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseCPUList checks that whatever ParseCPUList accepts is ascending without
// repeats, and that FormatCPUList writes it back as a list that parses the same.
func FuzzParseCPUList(f *testing.F) {
	for _, s := range []string{"", "0", "0-3,8,10-11\n", "5,1-2,2", "3-1", "0-65535", "1,,2", "0-15:2/4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cpus, err := ParseCPUList(s)
		if err != nil {
			return
		}
		for i := 1; i < len(cpus); i++ {
			if cpus[i] <= cpus[i-1] {
				t.Fatalf("ParseCPUList(%q) = %v: not ascending", s, cpus)
			}
		}
		text := FormatCPUList(cpus)
		again, err := ParseCPUList(text)
		if err != nil || !slices.Equal(again, cpus) {
			t.Fatalf("ParseCPUList(%q) = %v; FormatCPUList = %q, which parses as %v, %v", s, cpus, text, again, err)
		}
	})
}
