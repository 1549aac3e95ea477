//go:build linux

package main

import "testing"

func TestStatusWarning(t *testing.T) {
	for _, tt := range []struct {
		addr string
		warn bool
	}{
		{"", false},
		{"127.0.0.1:9180", false},
		{"[::1]:9180", false},
		{"localhost:9180", false},
		{":9180", true},
		{"0.0.0.0:9180", true},
		{"192.0.2.1:9180", true},
	} {
		t.Run(tt.addr, func(t *testing.T) {
			if got := statusWarning(tt.addr) != ""; got != tt.warn {
				t.Errorf("statusWarning(%q) warns = %v, want %v", tt.addr, got, tt.warn)
			}
		})
	}
}
