package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// runNeedsLinux is what poolctl says where its runtime does not build.
const runNeedsLinux = "poolctl run needs Linux; on Windows, IIS itself runs the pools"

// newRunStubCmd builds the "poolctl run" of the systems where poolctl's runtime does
// not build (runtime_other.go registers it): whatever its arguments and flags, it
// prints runNeedsLinux to stderr and exits 2. It builds everywhere so that the tests
// on Linux run it too.
func newRunStubCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Serve the sites of the file, running the pools' worker processes (Linux only)",
		Long: `Run serves the sites of the file and runs the pools' worker processes, the way
IIS's WAS does. It needs Linux; on Windows, IIS itself runs the pools.`,
		Example:            `  poolctl run -c /etc/poolctl/applicationHost.config   # on Linux`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.ErrOrStderr(), runNeedsLinux)
			return &exitError{code: exitFailure}
		},
	}
}

// runtimeUnavailable returns the error of what, a command line that asks a running
// poolctl run, where poolctl run does not build.
func runtimeUnavailable(what string) error {
	return &exitError{code: exitFailure, err: fmt.Errorf("%s asks a running poolctl run, and %s", what, runNeedsLinux)}
}
