package sharedtest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMissingDir runs a test that asks for a missing directory in a child process,
// with and without CI: it skips, and under CI it fails.
func TestMissingDir(t *testing.T) {
	if os.Getenv("SHAREDTEST_CHILD") == "1" {
		Dir(t, "no-such-directory-of-shared")
		t.Log("not reached")
		return
	}
	tests := []struct {
		name     string
		ci       string
		wantFail bool
		wantOut  string
	}{
		{name: "outside CI it skips", ci: "", wantFail: false, wantOut: "--- SKIP"},
		{name: "under CI it fails", ci: "true", wantFail: true, wantOut: "--- FAIL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMissingDir$", "-test.v")
			cmd.Env = append(os.Environ(), "SHAREDTEST_CHILD=1", "CI="+tt.ci, "GORACE=atexit_sleep_ms=0")
			out, err := cmd.CombinedOutput()
			if (err != nil) != tt.wantFail || !strings.Contains(string(out), tt.wantOut) || strings.Contains(string(out), "not reached") {
				t.Errorf("CI=%q: %v\n%s", tt.ci, err, out)
			}
		})
	}
}

func TestDirAndGlob(t *testing.T) {
	dir, err := lookup()
	if err != nil {
		t.Skip(err) // the directory itself is what the other test is about
	}
	if got := Dir(t); got != dir {
		t.Errorf("Dir() = %s, want %s", got, dir)
	}
	files := Glob(t, "*.config", "corpus", "real")
	for _, f := range files {
		if !strings.HasSuffix(f, ".config") || !strings.HasPrefix(f, dir) {
			t.Errorf("Glob gave %s", f)
		}
	}
}
