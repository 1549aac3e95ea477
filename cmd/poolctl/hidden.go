//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/runtime/testworker"
	"github.com/poolctl/poolctl/runtime/worker"
)

// newHiddenCmds returns the hidden commands that poolctl runs in its own child
// processes: "__shim", the leader of a worker's process group (worker.ShimMain, which
// reads its instructions from stdin and reports on fd 3), and "__testworker", the
// test worker of the runtime's tests and benchmarks (testworker.Main). Neither returns.
func newHiddenCmds() []*cobra.Command {
	return []*cobra.Command{
		{
			Use:                "__shim",
			Short:              "Lead a worker's process group (run by poolctl run)",
			Hidden:             true,
			DisableFlagParsing: true,
			Run:                func(*cobra.Command, []string) { worker.ShimMain() },
		},
		{
			Use:                "__testworker",
			Short:              "Serve HTTP as the runtime's test worker (tests and benchmarks)",
			Hidden:             true,
			DisableFlagParsing: true,
			Run:                func(*cobra.Command, []string) { testworker.Main() },
		},
	}
}
