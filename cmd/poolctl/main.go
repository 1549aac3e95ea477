// Command poolctl reads, checks and edits the application pools of IIS's
// applicationHost.config: the system.applicationHost/applicationPools section.
//
// Run "poolctl help" for the commands, the configuration file lookup and the exit codes.
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the process's exit code. Errors are
// printed once to stderr, as "poolctl: <error>".
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(streams{in: stdin, out: stdout, err: stderr}, os.Getenv)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	return report(stderr, cmd, err)
}
