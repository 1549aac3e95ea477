package main

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/parse"
)

// editHelp is the part of the help of set, add, delete and apply about writing.
const editHelp = `Every value is checked as poolctl lint checks it, for the --target version,
before anything is written: an edit that brings a lint error is refused with lint's
message (exit 1) unless --force. Only the bytes of what changed change: a changed
attribute keeps its place, a new attribute goes at the end of its element, and a new
element is indented like its siblings, with the file's line endings. An edit that
changes nothing writes nothing.

The file is written atomically (a temporary file in the same directory, synced, then
renamed over it, keeping its mode and owner), under a lock that makes concurrent
poolctl writers take turns, and only if no other program changed it since it was
read. The previous content is kept in the history directory (FILE.history beside the
file unless --history-dir; the last --keep-history copies): see poolctl history.`

// editPathsHelp describes the KEY=VALUE arguments.
const editPathsHelp = `KEY is an attribute's dotted path as poolctl schema prints it
(processModel.idleTimeout). KEY+=ITEM adds an item to a collection and KEY-=ITEM
removes one: an item is its key's value (recycling.periodicRestart.schedule+=03:00:00),
an environment variable NAME=VALUE (environmentVariables+=TEMP=C:\temp), or appcmd's
[name='value',...]. appcmd's own spelling is accepted too, so that appcmd command
lines can be pasted: /processModel.idleTimeout:00:30:00,
/+recycling.periodicRestart.schedule.[value='03:00:00'], /-environmentVariables.[name='TEMP'].`

// setOptions are the flags of "poolctl set".
type setOptions struct {
	edit     editOptions
	defaults bool
}

// newSetCmd builds "poolctl set": appcmd-style edits of a pool or of the defaults.
func newSetCmd(g *globalOptions) *cobra.Command {
	opts := &setOptions{}
	cmd := &cobra.Command{
		Use:   "set POOL KEY=VALUE... | set --defaults KEY=VALUE...",
		Short: "Change attributes and collections of a pool or of the pool defaults",
		Long: `Set changes the named pool (compared case-insensitively, as IIS compares pool
names), or with --defaults the <applicationPoolDefaults> that every pool inherits.

` + editPathsHelp + `

` + editHelp,
		Example: `  poolctl set Shop processModel.idleTimeout=00:30:00 queueLength=2000
  poolctl set Shop /processModel.idleTimeout:00:30:00
  poolctl set Shop recycling.periodicRestart.schedule+=03:00:00
  poolctl set Shop environmentVariables+=ASPNETCORE_ENVIRONMENT=Production
  poolctl set --defaults processModel.identityType=ApplicationPoolIdentity`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: completeSet(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			pool, edits := "", args
			if !opts.defaults {
				if len(args) < 2 {
					return fmt.Errorf("give the pool and at least one KEY=VALUE")
				}
				pool, edits = args[0], args[1:]
			}
			ops, err := parseOps(g, edits)
			if err != nil {
				return err
			}
			_, err = runEdit(cmd, g, &opts.edit, func(ed *apply.Editor) error {
				return setOps(ed, pool, ops)
			})
			return err
		},
	}
	opts.edit.addFlags(cmd)
	cmd.Flags().BoolVar(&opts.defaults, "defaults", false, "edit <applicationPoolDefaults> instead of a pool")
	return cmd
}

// setOps applies ops to the pool name, or to the defaults when name is "".
func setOps(ed *apply.Editor, name string, ops []apply.Op) error {
	if name == "" {
		return applyOps(ed, ed.Defaults(true), apply.DefaultsScope, ops)
	}
	target := ed.Pool(name)
	if target == nil {
		return fmt.Errorf("no pool %q (pools: %s)", name, listNames(ed.PoolNames()))
	}
	written, _ := parse.Attr(target, "name")
	return applyOps(ed, target, apply.PoolScope(written), ops)
}

// applyOps applies ops to target, recording changes under scope.
func applyOps(ed *apply.Editor, target *etree.Element, scope string, ops []apply.Op) error {
	for _, op := range ops {
		if err := ed.Apply(target, scope, op); err != nil {
			return err
		}
	}
	return nil
}

// listNames lists names for a message, or says there are none.
func listNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
