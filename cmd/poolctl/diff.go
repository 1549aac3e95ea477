package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/internal/saferead"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/validate"
)

// diffOptions are the flags of "poolctl diff".
type diffOptions struct {
	format   *choice
	declared bool
	// effective is the flag that asked for today's default: accepted, and ignored.
	effective bool
}

// newDiffCmd builds "poolctl diff": a semantic comparison of the application pools of
// two configuration files.
func newDiffCmd(g *globalOptions) *cobra.Command {
	opts := &diffOptions{format: newChoice("text", "text", "json")}
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Compare the application pools of two configuration files",
		Long: `Diff compares the application pools of two applicationHost.config files as IIS
runs them, pool by pool and attribute by attribute, and prints the pools that B
adds, removes and changes, with their positions (file:line:col) in both files.

By default diff compares each pool's effective values, as "poolctl show" prints
them: the schema default, overridden by <applicationPoolDefaults>, overridden by
the pool's own element, with IIS's collection rules (clear, remove, add). So
removing managedRuntimeVersion="" (No Managed Code) from a pool whose
<applicationPoolDefaults> say v4.0 is a difference, and a change in the defaults
shows in every pool that inherits it. Each value is printed with its origin: the
pool, applicationPoolDefaults (with file:line:col) or the schema default; in
JSON, "originA" and "originB" on each attribute and item, and "compare" says
which comparison ran. The <applicationPoolDefaults> themselves are compared as
one more entry too: they are what a pool added later inherits.

With --declared diff compares what each pool's own element says instead (an
unset attribute counts as the schema default), and the <applicationPoolDefaults>
as one more entry: a value moved from a pool to the defaults is then a
difference, and a change in the defaults shows only there.

Values compare by the schema of the target version (--target, default iis10), not
as text: an explicit value equal to the schema default is no difference, timeSpans
compare by duration (00:20:00 is 0.00:20:00), enums, flags and bools by value
whatever their case, numbers by value. Pool names compare case-insensitively, as
in IIS; the order of attributes and elements, whitespace, comments and line endings
are no difference. Collections (the recycling schedule, environment variables)
compare as sets of items, by key. Attributes the schema does not know are not
compared: lint reports them.

The value of an encrypted attribute such as processModel.password is never printed,
in either format: diff says that it differs, not what it is.

Diff exits 0 when the pools are the same, 1 when they differ, and 2 when it could
not run (a file that cannot be read or is malformed, a usage error).`,
		Example: `  poolctl diff applicationHost.config.bak applicationHost.config
  poolctl diff --declared old/applicationHost.config new/applicationHost.config
  poolctl diff --target iis8.5 --format json a.config b.config | jq '.pools[].name'`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.OutOrStdout(), g, opts, args[0], args[1])
		},
	}
	opts.format.addFlag(cmd, "format", "output format")
	cmd.Flags().BoolVar(&opts.declared, "declared", false, "compare what each pool's own element declares, not effective values")
	// --effective asked for what is now the default: scripts that pass it keep working.
	cmd.Flags().BoolVar(&opts.effective, "effective", false, "compare effective values (the default; kept for scripts)")
	_ = cmd.Flags().MarkHidden("effective")
	cmd.MarkFlagsMutuallyExclusive("declared", "effective")
	return cmd
}

// runDiff loads both files, writes their difference to w and returns an exitError
// with exitFindings when there is one.
func runDiff(w io.Writer, g *globalOptions, opts *diffOptions, pathA, pathB string) error {
	a, err := loadForDiff(g, pathA)
	if err != nil {
		return err
	}
	b, err := loadForDiff(g, pathB)
	if err != nil {
		return err
	}
	d := apply.Diff(a, b, apply.DiffOptions{Declared: opts.declared})
	if opts.format.value == "json" {
		err = printers.WriteDiffJSON(w, d)
	} else {
		err = printers.WriteDiffText(w, d)
	}
	if err != nil {
		return err
	}
	if !d.Equal() {
		return &exitError{code: exitFindings}
	}
	return nil
}

// loadForDiff reads one of the files to compare for the target version. A malformed
// file's error keeps parse's "file:line:col: msg" form; any other error names the
// file.
func loadForDiff(g *globalOptions, path string) (*parse.Config, error) {
	ro, err := g.readOptions()
	if err != nil {
		return nil, err
	}
	exts, err := validate.Extensions(path, nil) // each file with its own schema folder
	if err != nil {
		return nil, err
	}
	cfg, err := parse.Load(path, parse.LoadOptions{Version: g.target, Read: ro, Extensions: exts})
	if err == nil {
		return cfg, nil
	}
	if _, ok := errors.AsType[*parse.Error](err); ok {
		return nil, err
	}
	if pe, ok := errors.AsType[*fs.PathError](err); ok && pe.Path == path {
		err = pe.Err
	} else if nr, ok := errors.AsType[*saferead.NotRegularError](err); ok && nr.Path == path {
		err = fmt.Errorf("is %s, not a regular file", saferead.Kind(nr.Mode))
	}
	return nil, fmt.Errorf("config file %s: %w", path, limitHint(err))
}
