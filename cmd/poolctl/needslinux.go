package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// errRunNeedsLinux is the answer of poolctl run, and of the commands that talk to a
// running one, where the runtime does not build: it supervises worker processes with
// Linux's process groups, cgroups and subreaper, and on Windows IIS runs the pools.
var errRunNeedsLinux = errors.New("poolctl run needs Linux; on Windows, IIS itself runs the pools")

// newRunNeedsLinuxCmd returns the "run" command of a poolctl built where the runtime
// does not build: whatever its arguments and flags, it prints errRunNeedsLinux on
// stderr, as it is (the whole answer, so without poolctl's "poolctl: " before it),
// and exits 2.
func newRunNeedsLinuxCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "run",
		Short:              "Serve the file's sites and run its pools (Linux only)",
		Long:               errRunNeedsLinux.Error() + ".",
		Example:            "  poolctl run -c applicationHost.config   (on Linux)",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.ErrOrStderr(), errRunNeedsLinux)
			return &exitError{code: exitFailure}
		},
	}
}
