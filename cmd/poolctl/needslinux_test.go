package main

import (
	"bytes"
	"testing"
)

// TestRunNeedsLinux runs the run command that a poolctl built for Windows or macOS
// has, in place of the real one: whatever its arguments, it says that run needs
// Linux and exits 2.
func TestRunNeedsLinux(t *testing.T) {
	for _, args := range [][]string{
		{"run"},
		{"run", "-c", `C:\Windows\System32\inetsrv\config\applicationHost.config`, "--admin", "admin.sock"},
		{"-c", "applicationHost.config", "run", "--time-scale", "0.1"},
	} {
		root := newTestRoot()
		for _, c := range root.Commands() {
			if c.Name() == "run" {
				root.RemoveCommand(c)
			}
		}
		root.AddCommand(newRunNeedsLinuxCmd())
		finishTree(root)
		root.SetArgs(args)
		var stderr bytes.Buffer
		cmd, err := root.ExecuteC()
		code := report(&stderr, cmd, err)
		const want = "poolctl: poolctl run needs Linux; on Windows, IIS itself runs the pools\n"
		if code != exitFailure || stderr.String() != want {
			t.Errorf("poolctl %q: exit %d, stderr %q; want exit 2, %q", args, code, stderr.String(), want)
		}
	}
}
