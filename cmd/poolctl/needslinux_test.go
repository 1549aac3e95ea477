package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRunNeedsLinux runs the run command that a poolctl built for Windows or macOS
// has, in place of the real one: whatever its arguments and flags, it says on stderr,
// exactly, that run needs Linux, and exits 2.
func TestRunNeedsLinux(t *testing.T) {
	for _, args := range [][]string{
		{"run"},
		{"run", "-c", `C:\Windows\System32\inetsrv\config\applicationHost.config`, "--admin", "admin.sock"},
		{"-c", "applicationHost.config", "run", "--time-scale", "0.1"},
		{"run", "--nope"},
		{"run", "--help"},
		{"run", "Shop"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			root := newTestRoot()
			for _, c := range root.Commands() {
				if c.Name() == "run" {
					root.RemoveCommand(c)
				}
			}
			root.AddCommand(newRunNeedsLinuxCmd())
			finishTree(root)
			root.SetArgs(args)
			var stdout, stderr bytes.Buffer
			root.SetOut(&stdout)
			root.SetErr(&stderr)
			cmd, err := root.ExecuteC()
			code := report(&stderr, cmd, err)
			const want = "poolctl run needs Linux; on Windows, IIS itself runs the pools\n"
			if code != exitFailure || stderr.String() != want || stdout.Len() != 0 {
				t.Errorf("poolctl %q: exit %d, stdout %q, stderr %q; want exit 2, only %q on stderr", args, code, stdout.String(), stderr.String(), want)
			}
		})
	}
}
