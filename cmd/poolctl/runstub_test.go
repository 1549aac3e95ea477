package main

import (
	"bytes"
	"testing"

	"github.com/spf13/cobra"
)

// TestRunStub runs the "poolctl run" of the systems without poolctl's runtime, with
// whatever arguments and flags: it says run needs Linux, on stderr alone, and exits 2.
func TestRunStub(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{name: "bare", args: []string{"run"}},
		{name: "flags", args: []string{"run", "-c", "applicationHost.config", "--admin", "a.sock", "--time-scale", "0.01"}},
		{name: "unknown flag", args: []string{"run", "--nope"}},
		{name: "arguments", args: []string{"run", "Shop"}},
		{name: "help flag", args: []string{"run", "--help"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runStubTree(tc.args)
			if code != exitFailure || stdout != "" || stderr != "poolctl run needs Linux; on Windows, IIS itself runs the pools\n" {
				t.Errorf("poolctl %v: exit %d, stdout %q, stderr %q; want exit 2 and only the message on stderr", tc.args, code, stdout, stderr)
			}
		})
	}
}

// TestRuntimeUnavailable checks the error of appcmd's runtime verbs where there is
// no poolctl run: a could-not-run error that says why.
func TestRuntimeUnavailable(t *testing.T) {
	var stderr bytes.Buffer
	code := report(&stderr, nil, runtimeUnavailable("appcmd list wp"))
	want := "poolctl: appcmd list wp asks a running poolctl run, and poolctl run needs Linux; on Windows, IIS itself runs the pools\n"
	if code != exitFailure || stderr.String() != want {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr.String(), want)
	}
}

// runStubTree runs args in a tree whose only command is the stub run, finished and
// reported as run (main.go) does, and returns the exit code, stdout and stderr.
func runStubTree(args []string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	root := &cobra.Command{Use: "poolctl", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	root.AddCommand(newRunStubCmd())
	finishTree(root)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	code := exitOK
	if err != nil {
		code = report(&stderr, cmd, err)
	}
	return code, stdout.String(), stderr.String()
}
