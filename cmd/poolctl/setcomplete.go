package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/schema"
)

// completeSet completes set's arguments: the pool's name first (unless --defaults),
// then the attribute keys of the target version's schema as KEY= and the collections
// as KEY+=, or in appcmd's spelling (/KEY:, /+KEY.[) when the word starts with /.
func completeSet(g *globalOptions) cobra.CompletionFunc {
	pools := completePools(g)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		defaults, _ := cmd.Flags().GetBool("defaults")
		if len(args) == 0 && !defaults {
			return pools(cmd, args, toComplete)
		}
		s, err := g.schema(g.target)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return setKeys(s.Pool(), toComplete), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}

// setKeys returns the completions of the keys beneath pool that start with prefix,
// compared case-insensitively.
func setKeys(pool *schema.Element, prefix string) []cobra.Completion {
	appcmdForm := strings.HasPrefix(prefix, "/")
	var out []cobra.Completion
	add := func(c string) {
		if len(c) >= len(prefix) && strings.EqualFold(c[:len(prefix)], prefix) {
			out = append(out, c)
		}
	}
	for _, pa := range schema.Flatten(pool) {
		if strings.Contains(pa.Path, "[]") || pa.Path == "name" {
			continue
		}
		if appcmdForm {
			add("/" + pa.Path + ":")
		} else {
			add(pa.Path + "=")
		}
	}
	for _, path := range collectionPaths(pool, "") {
		if appcmdForm {
			add("/+" + path + ".[")
			add("/-" + path + ".[")
		} else {
			add(path + "+=")
			add(path + "-=")
		}
	}
	return out
}

// collectionPaths returns the dotted paths of the elements beneath e that hold a
// collection.
func collectionPaths(e *schema.Element, prefix string) []string {
	var out []string
	for _, c := range e.Elements {
		p := prefix + c.Name
		if c.Collection != nil {
			out = append(out, p)
		}
		out = append(out, collectionPaths(c, p+".")...)
	}
	return out
}
