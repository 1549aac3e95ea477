//go:build linux

package main

import "github.com/spf13/cobra"

// runtimeCmds returns the commands of the runtime: run, the commands that talk to a
// running one (pools, workers, pool), identity, and the hidden commands that run's
// child processes are.
func runtimeCmds(g *globalOptions, s streams) []*cobra.Command {
	cmds := []*cobra.Command{newRunCmd(g, s), newPoolsCmd(g), newWorkersCmd(g), newRequestsCmd(g), newPoolCmd(g), newIdentityCmd(g)}
	return append(cmds, newHiddenCmds()...)
}
