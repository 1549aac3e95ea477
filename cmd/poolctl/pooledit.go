package main

import (
	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
)

// newAddCmd builds "poolctl add", whose one subcommand adds a pool.
func newAddCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "add",
		Short:   "Add an application pool",
		Example: "  poolctl add pool Shop managedPipelineMode=Integrated",
	}
	cmd.AddCommand(newAddPoolCmd(g))
	return cmd
}

// newAddPoolCmd builds "poolctl add pool".
func newAddPoolCmd(g *globalOptions) *cobra.Command {
	opts := &editOptions{}
	cmd := &cobra.Command{
		Use:   "pool NAME [KEY=VALUE...]",
		Short: "Add an application pool, with attributes",
		Long: `Add pool adds an <add name="NAME"> element at the end of the applicationPools
section (creating the section if the file has none), then makes the edits that
follow as poolctl set does. A pool of that name, compared case-insensitively, must
not exist.

` + editPathsHelp + `

` + editHelp,
		Example: `  poolctl add pool Shop
  poolctl add pool Shop managedPipelineMode=Integrated processModel.idleTimeout=00:00:00`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ops, err := parseOps(g, args[1:])
			if err != nil {
				return err
			}
			_, err = runEdit(cmd, g, opts, func(ed *apply.Editor) error {
				p, err := ed.AddPool(args[0])
				if err != nil {
					return err
				}
				return applyOps(ed, p, apply.PoolScope(args[0]), ops)
			})
			return err
		},
	}
	opts.addFlags(cmd)
	return cmd
}

// newDeleteCmd builds "poolctl delete", whose one subcommand deletes a pool.
func newDeleteCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "delete",
		Short:   "Delete an application pool",
		Example: "  poolctl delete pool OldShop",
	}
	cmd.AddCommand(newDeletePoolCmd(g))
	return cmd
}

// newDeletePoolCmd builds "poolctl delete pool".
func newDeletePoolCmd(g *globalOptions) *cobra.Command {
	opts := &editOptions{}
	cmd := &cobra.Command{
		Use:   "pool NAME",
		Short: "Delete an application pool",
		Long: `Delete pool removes the pool's <add> element, and the line it stands on. The
applications that use the pool are left alone: poolctl lint then reports them
(PC201) until they are given another pool.

` + editHelp,
		Example:           `  poolctl delete pool OldShop`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePools(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := runEdit(cmd, g, opts, func(ed *apply.Editor) error {
				return ed.DeletePool(args[0])
			})
			return err
		},
	}
	opts.addFlags(cmd)
	return cmd
}
