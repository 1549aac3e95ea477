package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestExpand(t *testing.T) {
	env := map[string]string{
		"HOME":        "/home/app",
		"SYSTEMDRIVE": "/mnt/c",
		"Mixed":       "mixed",
		"EMPTY":       "",
		"PCT":         "%HOME%", // values are not expanded again
	}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		in, want string
		unknown  []string
	}{
		{"", "", nil},
		{"no variables", "no variables", nil},
		{"%HOME%", "/home/app", nil},
		{"%HOME%/x", "/home/app/x", nil},
		{"a%HOME%b%HOME%c", "a/home/appb/home/appc", nil},
		{`%SystemDrive%\inetpub`, `/mnt/c\inetpub`, nil},
		{"%Mixed%", "mixed", nil},
		{"%mixed%", "%mixed%", []string{"mixed"}},
		{"%UNSET%", "%UNSET%", []string{"UNSET"}},
		{"%EMPTY%", "%EMPTY%", []string{"EMPTY"}},
		{"%UNSET%HOME%", "%UNSET%HOME%", []string{"UNSET"}},
		{"%UNSET%%HOME%", "%UNSET%/home/app", []string{"UNSET"}},
		{"%A% %A%", "%A% %A%", []string{"A"}},
		{"%%", "%%", nil},
		{"100%", "100%", nil},
		{"%HOME", "%HOME", nil},
		{"50% of %HOME%", "50% of %HOME%", []string{" of "}},
		{"%PCT%", "%HOME%", nil},
		{"-pid %1%", "-pid %1%", []string{"1"}},
	}
	for _, tt := range tests {
		got, unknown := expand(tt.in, getenv)
		if got != tt.want {
			t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if diff := cmp.Diff(tt.unknown, unknown, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("expand(%q) unknown (-want +got):\n%s", tt.in, diff)
		}
		if got := Expand(tt.in, getenv); got != tt.want {
			t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
