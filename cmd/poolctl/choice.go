package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"
)

// choice is the value of a flag that takes one of a fixed list of words, such as
// --format. A word not on the list is a flag error, and so a usage error.
type choice struct {
	value   string
	allowed []string
}

// newChoice returns a choice of allowed whose value is def.
func newChoice(def string, allowed ...string) *choice {
	return &choice{value: def, allowed: allowed}
}

// String returns the chosen word.
func (c *choice) String() string { return c.value }

// Set chooses s if it is one of the allowed words.
func (c *choice) Set(s string) error {
	if !slices.Contains(c.allowed, s) {
		return fmt.Errorf("want %s", joinOr(c.allowed))
	}
	c.value = s
	return nil
}

// Type names the value in help output.
func (c *choice) Type() string { return "string" }

// addFlag declares the choice as the flag name of cmd, with completion of the words.
func (c *choice) addFlag(cmd *cobra.Command, name, usage string) {
	cmd.Flags().Var(c, name, usage+": "+joinOr(c.allowed))
	mustComplete(cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(c.allowed, cobra.ShellCompDirectiveNoFileComp)))
}
