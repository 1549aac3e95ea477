//go:build linux

package main

import "github.com/spf13/cobra"

// runtimeCmds returns the commands of poolctl's runtime, which builds on Linux only:
// run, pools, workers, pool and identity, and the hidden commands of its child
// processes.
func runtimeCmds(g *globalOptions, s streams) []*cobra.Command {
	return append([]*cobra.Command{
		newRunCmd(g, s), newPoolsCmd(g), newWorkersCmd(g), newPoolCmd(g), newIdentityCmd(g),
	}, newHiddenCmds()...)
}
