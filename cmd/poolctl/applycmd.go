package main

import (
	"fmt"
	"io"

	"github.com/beevik/etree"
	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/desired"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/schema"
)

// applyOptions are the flags of "poolctl apply".
type applyOptions struct {
	edit     editOptions
	plan     bool
	prune    bool
	detailed bool
}

// Exit codes of "poolctl apply --detailed-exitcode", as Terraform's plan has them.
const (
	detailedNoChange = 0
	detailedError    = 1
	detailedChanged  = 2
)

// newApplyCmd builds "poolctl apply": make the pools match a desired state.
func newApplyCmd(g *globalOptions, s streams) *cobra.Command {
	opts := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply DESIRED",
		Short: "Make the pools of the file match a desired state",
		Long: `Apply makes the pools of the configuration file match DESIRED: an
<applicationPools> XML fragment (or a whole applicationHost.config), or JSON or YAML
in the form that poolctl schema --format jsonschema describes, which they are checked
against. DESIRED - reads standard input.

Pools and attributes named in DESIRED are made so and pools it names that are missing
are added; everything else is left alone, unless --prune, which removes the pools
DESIRED does not name. A collection DESIRED names (a recycling schedule, environment
variables) is made to hold exactly the items it lists. Applying the same DESIRED
again changes nothing, and the file's bytes stay the same.

--plan prints the plan and writes nothing: a line per pool (+ added, ~ changed,
- removed) and one per change below it, old → new; passwords are never shown.

` + editHelp + `

Exit codes: 0 success, 1 the edit was refused (lint errors), 2 could not run. With
--detailed-exitcode, as Terraform's plan: 0 no change, 2 changed (or, with --plan,
would change), 1 an error of any kind.`,
		Example: `  poolctl apply pools.yaml --plan
  poolctl apply pools.json --detailed-exitcode
  poolctl apply desired.xml --prune`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			changed, err := runApply(cmd, g, opts, s.in, args[0])
			if !opts.detailed {
				return err
			}
			switch {
			case err != nil:
				return &exitError{code: detailedError, err: err}
			case changed:
				return &exitError{code: detailedChanged}
			}
			return nil
		},
	}
	opts.edit.addFlags(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&opts.plan, "plan", false, "print the plan and write nothing")
	fl.BoolVar(&opts.prune, "prune", false, "remove the pools that DESIRED does not name")
	fl.BoolVar(&opts.detailed, "detailed-exitcode", false, "exit 0 for no change, 2 for changes, 1 for errors")
	return cmd
}

// runApply applies the desired state in the file name (or stdin for "-") and reports
// whether the configuration changed (or, with --plan, would change).
func runApply(cmd *cobra.Command, g *globalOptions, opts *applyOptions, stdin io.Reader, name string) (bool, error) {
	target, err := g.schema(g.target) // with the file's schema extensions
	if err != nil {
		return false, err
	}
	ro, err := g.readOptions()
	if err != nil {
		return false, err
	}
	desired, err := readDesired(name, stdin, target, ro)
	if err != nil {
		return false, err
	}
	converge := func(ed *apply.Editor) error {
		return ed.Converge(desired, apply.ConvergeOptions{Prune: opts.prune})
	}
	if opts.plan {
		return planOnly(cmd.OutOrStdout(), g, &opts.edit, target, converge)
	}
	return runEdit(cmd, g, &opts.edit, converge)
}

// readDesired reads and checks the desired state in the file name, or stdin for "-",
// within the size limit of ro.
func readDesired(name string, stdin io.Reader, target *schema.Schema, ro parse.Options) (*etree.Element, error) {
	data, err := readInput(stdin, name, ro)
	if err != nil {
		return nil, fmt.Errorf("desired state: %w", err)
	}
	if name == "-" {
		name = stdinName
	}
	_, section, err := desired.Read(name, data, target)
	return section, err
}

// planOnly runs f on an editor of the file held in memory and prints the plan; nothing
// is written. Lint errors that the changes would bring are an error, as in apply.
func planOnly(w io.Writer, g *globalOptions, o *editOptions, target *schema.Schema, f editFunc) (bool, error) {
	path, how := g.configPath()
	var ed *apply.Editor
	var main string
	path, err := inSectionFile(path, func(path, m string) (err error) {
		main = m
		ed, err = editorFor(path, target, g)
		return err
	})
	if err != nil {
		return false, fileError(path, how, err)
	}
	key, err := g.key()
	if err != nil {
		return false, err
	}
	if err := g.seal(ed, key); err != nil {
		return false, err
	}
	if err := f(ed); err != nil {
		return false, err
	}
	if !o.force {
		if err := ed.CheckIn(main); err != nil {
			return false, editError(err)
		}
	}
	return len(ed.Changes) > 0, printers.WritePlan(w, ed.Changes)
}

// editorFor reads the file at path, within the input limit of g, and returns an editor
// of its pools.
func editorFor(path string, target *schema.Schema, g *globalOptions) (*apply.Editor, error) {
	ro, err := g.readOptions()
	if err != nil {
		return nil, err
	}
	doc, err := parse.ReadFile(path, ro)
	if err != nil {
		return nil, err
	}
	return apply.NewEditor(doc, target)
}
