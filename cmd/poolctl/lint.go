package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/secret"
	"github.com/poolctl/poolctl/validate"
)

// lintOptions are the flags of "poolctl lint".
type lintOptions struct {
	format  *choice
	disable []string
	strict  bool
	explain string
	schemas []string
}

// newLintCmd builds "poolctl lint": check configuration files against the schema of
// the target IIS version.
func newLintCmd(g *globalOptions, s streams) *cobra.Command {
	opts := &lintOptions{format: newChoice("text", printers.Formats()...)}
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Check applicationHost.config files as IIS would load them",
		Long: `Lint checks applicationHost.config files against the configuration schema of the
target IIS version (--target, default iis10): what IIS rejects when it loads the
file (unknown elements and attributes, wrong types, ranges, duplicate keys, values
the version does not know yet), what IIS only finds at run time (an application
whose pool does not exist, SpecificUser without a user name), and advice (a
plaintext password, rapid-fail protection or pinging turned off, web gardens...).

PATH is a file, a directory (searched recursively for *.config files whose root is
<configuration>) or - for standard input; without PATH, lint reads the
configuration file (-c, else ` + configDefaultHelp + `).

Every finding has a stable rule ID: --explain ID says what it means and how to fix
it, --disable ID,... leaves rules out, and a comment <!-- poolctl:disable ID -->
silences a rule on the next line.

Settings that IIS modules (and poolctl) add are declared by schema extension files,
as IIS declares them in %windir%\system32\inetsrv\config\schema: lint reads every
*.xml file of the "schema" folder beside each file it checks (not for standard
input), and each --schema FILE. What they declare is checked like IIS's own
settings; without them it is unknown (PC101, PC102). contrib/schema/
poolctl_schema.xml declares poolctl's failingResponses.

Lint exits 1 when there are errors (also warnings
with --strict), 0 otherwise, and 2 when it could not run: a file it cannot read, or
one that is not well-formed XML (PC001, printed in every --format like any finding,
the other files' findings with it, and repeated on standard error).`,
		Example: `  poolctl lint -c /etc/iis/applicationHost.config
  poolctl lint --target iis8.5 config/
  poolctl lint --format sarif . > poolctl.sarif
  poolctl lint --format github --strict applicationHost.config
  cat applicationHost.config | poolctl lint -
  poolctl lint --explain PC102`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.explain != "" {
				dest, err := g.destination()
				if err != nil {
					return err
				}
				return explainRule(cmd.OutOrStdout(), opts.explain, dest)
			}
			return runLint(g, opts, s, args)
		},
	}
	opts.format.addFlag(cmd, "format", "output format")
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.disable, "disable", nil, "rule `IDs` (or names) not to report, comma-separated")
	fl.BoolVar(&opts.strict, "strict", false, "fail (exit 1) on warnings too")
	fl.StringArrayVar(&opts.schemas, "schema", nil, "a schema extension `FILE` (an IIS schema file that declares more settings), besides the schema folder beside each file; repeatable")
	mustComplete(cmd.MarkFlagFilename("schema", "xml"))
	fl.StringVar(&opts.explain, "explain", "", "print what rule `ID` means and how to fix it, then exit")
	return cmd
}

// explainRule prints a rule's explanation; an unknown rule is a usage error.
func explainRule(w io.Writer, id string, dest secret.Destination) error {
	r, ok := validate.Lookup(id)
	if !ok {
		return &exitError{code: exitFailure, err: fmt.Errorf("--explain: unknown rule %q (rules are PC001 to PC3xx; see poolctl lint --help)", id)}
	}
	_, err := fmt.Fprintf(w, "%s %s (%s)\n%s\n\n%s\n", r.ID, r.Name, r.Severity, r.Summary, wrap(validate.Explain(r, dest), 80))
	return err
}

// wrap breaks text into lines of at most width characters at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		if i > 0 && n+1+len(word) > width {
			b.WriteByte('\n')
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

func runLint(g *globalOptions, opts *lintOptions, s streams, args []string) error {
	inputs, err := lintInputs(g, args)
	if err != nil {
		return err
	}
	dest, err := g.destination()
	if err != nil {
		return err
	}
	ro, err := g.readOptions()
	if err != nil {
		return err
	}
	// The heap is sized for the largest file, and for standard input once it is read
	// (a no-op while the first sizing waits for its collection).
	sizeHeap := func(size int64) { heapForInput(size, g.getenv) }
	sizeHeap(largestInput(inputs))
	vo := validate.Options{Target: g.target, Disable: opts.disable, For: dest, Read: ro, SchemaFiles: opts.schemas}
	var all []validate.Diagnostic
	sum := validate.Summary{Files: len(inputs)}
	for _, in := range inputs {
		ds, err := in.lint(s.in, vo, sizeHeap)
		if err != nil {
			return err
		}
		all = append(all, ds...)
	}
	sum.Add(all)
	p, err := printers.New(opts.format.value, printers.Options{
		Color:       opts.format.value == "text" && isTerminal(s.out, g.getenv),
		ToolVersion: versionString(),
	})
	if err != nil {
		return err
	}
	if err := p.Print(s.out, all, sum); err != nil {
		return fmt.Errorf("write diagnostics: %w", err)
	}
	if bad := unparsed(all); len(bad) > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("could not lint what cannot be parsed:\n%s", indentLines(strings.Join(bad, "\n")))}
	}
	if sum.Errors > 0 || opts.strict && sum.Warnings > 0 {
		return &exitError{code: exitFindings}
	}
	return nil
}

// unparsed returns the findings of files that could not be parsed (PC001), as
// "file:line:col: message".
func unparsed(ds []validate.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		if d.Rule == validate.RuleMalformedXML {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Column, d.Message))
		}
	}
	return out
}

// isTerminal reports whether text output to w may be coloured.
func isTerminal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	return ok && printers.ColorEnabled(f, getenv)
}
