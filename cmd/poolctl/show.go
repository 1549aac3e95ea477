package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/printers"
)

// showOptions are the flags of "poolctl show".
type showOptions struct {
	format *choice
	all    bool
	list   bool
}

// newShowCmd builds "poolctl show": the effective configuration of pools.
func newShowCmd(g *globalOptions) *cobra.Command {
	opts := &showOptions{format: newChoice("text", "text", "json")}
	cmd := &cobra.Command{
		Use:   "show [POOL...]",
		Short: "Print the effective configuration of application pools",
		Long: `Show prints the effective configuration of the named pools, or of every pool
when none is named: each setting's path, value and origin (the pool's own <add>
element, or <applicationPoolDefaults>), the pool's collections (recycling schedule,
environment variables) with the origin of each item, and the applications (site and
path) that run in the pool.

By default only settings that the file sets are printed; --all adds those that keep
the schema default of the target version. Pool names compare case-insensitively, as
in IIS. The value of an encrypted attribute such as processModel.password is never
printed: show says "(set, hidden)" instead. --list prints one line per pool instead:
its name, .NET runtime version, pipeline mode, identity, autoStart and number of
applications.`,
		Example: `  poolctl show -c testdata/sample/applicationHost.config
  poolctl show DefaultAppPool Shop
  poolctl show --all --target iis8.5 Shop
  poolctl show --list
  poolctl show --format json | jq '.pools[].name'`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completePools(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.load()
			if err != nil {
				return err
			}
			pools, err := selectPools(cfg, args)
			if err != nil {
				return err
			}
			if opts.list {
				return printers.WriteShowList(cmd.OutOrStdout(), cfg, pools)
			}
			views := make([]printers.ShowPool, len(pools))
			for i, p := range pools {
				views[i] = printers.NewShowPool(cfg, p, opts.all)
			}
			out := cmd.OutOrStdout()
			if opts.format.value == "json" {
				err = printers.WriteShowJSON(out, views)
			} else {
				err = printers.WriteShowText(out, views)
			}
			if err != nil {
				return fmt.Errorf("write pools: %w", err)
			}
			return nil
		},
	}
	opts.format.addFlag(cmd, "format", "output format")
	cmd.Flags().BoolVar(&opts.all, "all", false, "print every attribute, schema defaults included")
	cmd.Flags().BoolVar(&opts.list, "list", false, "print one line per pool: name, runtime, pipeline, identity, autoStart, applications")
	cmd.MarkFlagsMutuallyExclusive("list", "all")
	return cmd
}

// selectPools returns the pools named, in the order named, or every pool of cfg when
// names is empty. A name that matches no pool is an error that lists the pools there
// are.
func selectPools(cfg *parse.Config, names []string) ([]*parse.Pool, error) {
	if len(names) == 0 {
		return cfg.Pools(), nil
	}
	pools := make([]*parse.Pool, 0, len(names))
	for _, name := range names {
		p := cfg.Pool(name)
		if p == nil {
			return nil, fmt.Errorf("no pool %q in %s (pools: %s)", name, cfg.Doc.Name, poolNames(cfg))
		}
		pools = append(pools, p)
	}
	return pools, nil
}

// poolNames lists the names of cfg's pools for a message, or says there are none.
func poolNames(cfg *parse.Config) string {
	var names []string
	for _, p := range cfg.Pools() {
		names = append(names, p.Name)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// completePools completes pool names from the configuration file the flags name,
// leaving out those already given.
func completePools(g *globalOptions) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cfg, err := g.load()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []cobra.Completion
		for _, p := range cfg.Pools() {
			if !containsFold(args, p.Name) {
				names = append(names, p.Name)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// containsFold reports whether list holds s, compared case-insensitively.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
