package main

import "github.com/spf13/cobra"

// newHistoryCmd builds "poolctl history". Placeholder: being written.
func newHistoryCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{Use: "history", Hidden: true}
}
