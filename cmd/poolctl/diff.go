package main

import "github.com/spf13/cobra"

// newDiffCmd builds "poolctl diff". Placeholder: being written.
func newDiffCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{Use: "diff A B", Hidden: true, Args: cobra.ExactArgs(2), RunE: func(*cobra.Command, []string) error { return nil }}
}
