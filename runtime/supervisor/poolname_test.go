//go:build linux

package supervisor

import (
	"strings"
	"testing"
)

// TestLowerASCII checks the allocation-free lowering of pool names against
// strings.ToLower, which it stands in for when a name is ASCII.
func TestLowerASCII(t *testing.T) {
	for _, name := range []string{"", "bench", "Bench", "DefaultAppPool", "A-Z_0.9 @[`{", strings.Repeat("Long", 40)} {
		t.Run(name, func(t *testing.T) {
			got, ok := lowerASCII(nil, name)
			if !ok || string(got) != strings.ToLower(name) {
				t.Errorf("lowerASCII(%q) = %q, %v; want %q, true", name, got, ok, strings.ToLower(name))
			}
		})
	}
	for _, name := range []string{"Straße", "ÄPool", "pool\u0130"} {
		t.Run(name, func(t *testing.T) {
			if _, ok := lowerASCII(nil, name); ok {
				t.Errorf("lowerASCII(%q) reports ASCII", name)
			}
		})
	}
}

// TestPoolFoundInAnyCase checks that a pool is found whatever the case of the name
// an application gives, the name longer than the lookup's buffer and non-ASCII names
// included.
func TestPoolFoundInAnyCase(t *testing.T) {
	long := strings.Repeat("Pool", 20)
	sup := &Supervisor{pools: map[string]*pool{"bench": {}, "straße": {}, strings.ToLower(long): {}}}
	for _, tc := range []struct{ name, key string }{
		{"Bench", "bench"}, {"BENCH", "bench"}, {"bench", "bench"},
		{"STRAßE", "straße"}, {long, strings.ToLower(long)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := sup.pool(tc.name), sup.pools[tc.key]; got != want {
				t.Errorf("pool(%q) is not the pool of %q", tc.name, tc.key)
			}
		})
	}
	if sup.pool("Other") != nil {
		t.Error("pool(\"Other\") found a pool")
	}
}
