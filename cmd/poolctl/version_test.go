package main

import (
	"runtime/debug"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"},
		{Key: "vcs.time", Value: "2026-12-05T08:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  string
	}{
		{name: "release build", version: "1.2.3", commit: "abc1234", date: "2026-12-05T10:00:00Z", bi: vcs, want: "1.2.3 (abc1234, 2026-12-05T10:00:00Z)"},
		{name: "go install @version", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, want: "v1.2.3"},
		{name: "go build in a checkout", bi: vcs, want: "(devel) (0123456789ab-dirty, 2026-12-05T08:00:00Z)"},
		{name: "make build VERSION=", version: "v9.9.9", bi: &debug.BuildInfo{}, want: "v9.9.9"},
		{name: "no build information", want: "(devel)"},
		{name: "snapshot without a commit", version: "0.0.1-snapshot+none", commit: "none", date: "0001-01-01T00:00:00Z", want: "0.0.1-snapshot+none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatVersion(tt.version, tt.commit, tt.date, tt.bi); got != tt.want {
				t.Errorf("formatVersion = %q, want %q", got, tt.want)
			}
		})
	}
}
