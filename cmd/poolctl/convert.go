package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/poolctl/poolctl/desired"
	"github.com/poolctl/poolctl/store"

	"github.com/beevik/etree"
	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/apply/convert"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/parse/metabase"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
	"github.com/poolctl/poolctl/validate"
)

// convertOptions are the flags of "poolctl convert".
type convertOptions struct {
	edit           editOptions // --force, and the history flags of --into
	output         string
	fragment       bool
	into           string
	explicit       bool
	allowPlaintext bool
	format         *choice
}

// newConvertCmd builds "poolctl convert": IIS 6 metabase to applicationHost.config.
func newConvertCmd(g *globalOptions) *cobra.Command {
	o := &convertOptions{format: newChoice("text", "text", "json")}
	cmd := &cobra.Command{
		Use:   "convert METABASE",
		Short: "Convert the application pools of an IIS 6 metabase",
		Long: `Convert reads METABASE, an IIS 6 MetaBase.xml or a file "iiscnfg /export" wrote
(UTF-8 or UTF-16, with or without a byte order mark; - reads standard input), and
turns its application pools, and the sites and applications that use them, into
IIS 7+ configuration for the --target version.

Each pool gets the values it ran with on IIS 6: its own, else those of
/LM/W3SVC/AppPools or /LM/W3SVC (for properties that inherit), else IIS 6's defaults,
converted to IIS 7+'s units (minutes and seconds to time spans, KB and the CPU limit's
1/1000 of a percent unchanged, numbers to names). Only values that differ from what
the pool gets on the target without them are written, unless --explicit. Where IIS
6's default differs from the target's (the identity: NetworkService on IIS 6 and 7.0,
ApplicationPoolIdentity from 7.5 on), the IIS 6 value is written, so that the pool
behaves as it did. Values outside what IIS 6 and the target accept are clamped.
Properties without an IIS 7+ equivalent, and whatever else of the metabase convert
does not use (a virtual directory's AppPoolId without AppRoot, which IIS 6 ignores,
site and directory settings, keys of other services), are reported, each at its
line, and left out; pool names IIS 7+ forbids are replaced (':' and the like become '-'), and the
applications follow. An application whose pool does not exist is reported and left
out, as is a site whose root application is.

WAMUserName and WAMUserPass of a SpecificUser pool become processModel.userName and
password. Where the password goes depends on where the configuration goes (--for,
$POOLCTL_FOR; auto is run for an --into FILE that holds a value of poolctl's key,
else iis). For IIS, which cannot decrypt poolctl's key, the password is left out and
reported with the appcmd line that sets it on the server (--allow-plaintext writes it
in clear text instead). For poolctl run (--for run), it is encrypted with poolctl's
key (--key-file, else $POOLCTL_KEY_FILE, else the default key file; "poolctl key
generate" makes one); without a key file, convert refuses unless --allow-plaintext,
which writes it in clear text. A password the IIS 6 server encrypted itself cannot be read: it is
reported, and must be set after. No password appears in the report.

Output, one of:
  (none)          the complete applicationHost.config on standard output
  --fragment      only <applicationPools>, as poolctl apply reads it, on standard output
  -o FILE         the complete applicationHost.config in FILE, written atomically; an
                  existing FILE is replaced only with --force
  --into FILE     the pools merged into the existing FILE as poolctl apply merges them
                  (plan on standard output, lint check, atomic write, history); the
                  sites are not merged. Values are compared with FILE's
                  <applicationPoolDefaults>; a pool FILE already has keeps its own
                  value of an attribute the conversion does not write (--explicit
                  writes them all)

The report (--format text or json) says what was converted, defaulted, dropped and
renamed, with the metabase's file:line:col; it goes to standard output with -o, and
to standard error otherwise. A server that ran in IIS 5.0 isolation mode, where pools
were not in use, is reported first.

Exit codes: 0 converted (the report may hold warnings), 1 --into refused (lint
errors), 2 could not run: METABASE unreadable or malformed, a key needed, FILE exists.`,
		Example: `  poolctl convert MetaBase.xml -o applicationHost.config --key-file pool.key
  poolctl convert export.xml --fragment --target iis7.5 > pools.xml
  poolctl convert MetaBase.xml --into /etc/iis/applicationHost.config --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConvert(cmd, g, o, args[0])
		},
	}
	o.edit.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&o.output, "output", "o", "", "write the complete applicationHost.config to `FILE`")
	fl.BoolVar(&o.fragment, "fragment", false, "write only <applicationPools> to standard output")
	fl.StringVar(&o.into, "into", "", "merge the pools into the applicationHost.config `FILE`")
	fl.BoolVar(&o.explicit, "explicit", false, "write every value, even those equal to the target's defaults")
	fl.BoolVar(&o.allowPlaintext, "allow-plaintext", false, "without a key, write WAMUserPass in clear text instead of failing")
	o.format.addFlag(cmd, "format", "report format")
	cmd.MarkFlagsMutuallyExclusive("output", "fragment", "into")
	for _, name := range []string{"output", "into"} {
		mustComplete(cmd.MarkFlagFilename(name))
	}
	return cmd
}

// runConvert converts the metabase name and writes what the flags ask for.
func runConvert(cmd *cobra.Command, g *globalOptions, o *convertOptions, name string) error {
	ro, err := g.readOptions()
	if err != nil {
		return err
	}
	mb, err := readMetabase(cmd.InOrStdin(), name, ro)
	if err != nil {
		return err
	}
	opt := convert.Options{Target: g.target, Explicit: o.explicit, AllowPlaintext: o.allowPlaintext,
		Encrypter: &keyLoader{g: g}}
	poolctlValues := false
	if o.into != "" {
		if opt.Defaults, poolctlValues, err = intoDefaults(o.into, g.target, ro); err != nil {
			return err
		}
	}
	dest, err := g.destination()
	if err != nil {
		return err
	}
	opt.ForIIS = dest.Resolve(poolctlValues) == secret.ForIIS
	res, _, err := convert.Adapt(mb, opt)
	if err != nil {
		return err
	}
	switch {
	case o.into != "":
		return convertInto(cmd, g, o, res)
	case o.output != "":
		return convertToFile(cmd, o, res)
	}
	out, err := res.Config()
	if o.fragment {
		out, err = res.Fragment()
	}
	if err != nil {
		return err
	}
	if _, err := cmd.OutOrStdout().Write(out); err != nil {
		return err
	}
	return writeReport(cmd.ErrOrStderr(), o, res.Report)
}

// readMetabase reads the metabase file name, or standard input for "-", within the
// size limit of ro.
func readMetabase(stdin io.Reader, name string, ro parse.Options) (*metabase.Metabase, error) {
	if name != "-" {
		mb, err := metabase.ReadFile(name, ro)
		if pe, ok := errors.AsType[*fs.PathError](err); ok && pe.Path == name {
			return nil, fmt.Errorf("metabase %s: %w", name, pe.Err)
		}
		return mb, limitHint(err)
	}
	data, err := readInput(stdin, name, ro)
	if err != nil {
		return nil, fmt.Errorf("metabase: %w", err)
	}
	return metabase.Read(stdinName, data)
}

// writeReport writes the report in the chosen format.
func writeReport(w io.Writer, o *convertOptions, r *convert.Report) error {
	if o.format.value == "json" {
		return r.WriteJSON(w)
	}
	return r.WriteText(w)
}

// convertToFile writes the complete configuration to -o FILE, which it replaces only
// with --force, and the report to standard output.
func convertToFile(cmd *cobra.Command, o *convertOptions, res *convert.Result) error {
	if _, err := os.Lstat(o.output); err == nil && !o.edit.force {
		return fmt.Errorf("%s exists: --force replaces it", o.output)
	}
	data, err := res.Config()
	if err != nil {
		return err
	}
	if err := store.WriteFile(o.output, data); err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if err := writeReport(w, o, res.Report); err != nil {
		return err
	}
	if o.format.value == "text" {
		_, err := fmt.Fprintf(w, "Wrote %s.\n", o.output)
		return err
	}
	return nil
}

// convertInto merges the pools into --into FILE as poolctl apply does: the report to
// standard error, then the plan and the write, checked as lint checks it.
func convertInto(cmd *cobra.Command, g *globalOptions, o *convertOptions, res *convert.Result) error {
	if res.Sites != nil {
		res.Report.Notes = append(res.Report.Notes,
			fmt.Sprintf("--into merges the pools only: the %d sites of the metabase are not written (-o FILE writes them).", len(res.Sites.ChildElements())))
	}
	if err := writeReport(cmd.ErrOrStderr(), o, res.Report); err != nil {
		return err
	}
	target, err := schema.For(g.target)
	if err != nil {
		return err
	}
	fragment, err := res.Fragment()
	if err != nil {
		return err
	}
	_, pools, err := desired.Read("converted pools", fragment, target)
	if err != nil {
		return err
	}
	into := *g
	into.config = o.into
	_, err = runEdit(cmd, &into, &o.edit, func(ed *apply.Editor) error {
		return ed.Converge(pools, apply.ConvergeOptions{})
	})
	return err
}

// intoDefaults returns the <applicationPoolDefaults> values of the configuration file
// path, by attribute path, so that the conversion compares with what a pool gets
// there.
func intoDefaults(path string, v schema.Version, ro parse.Options) (defaults map[string]string, poolctlValues bool, err error) {
	cfg, err := parse.Load(path, parse.LoadOptions{Version: v, Read: ro})
	if err != nil {
		return nil, false, fileError(path, "--into", err)
	}
	out := map[string]string{}
	for _, d := range cfg.PoolDefaults() {
		collectAttrs(d.Element, "", out)
	}
	return out, validate.HoldsPoolctlValue(cfg), nil
}

// collectAttrs records the attributes of e and of its child elements, but collection
// items, by dotted path.
func collectAttrs(e *etree.Element, prefix string, out map[string]string) {
	for _, a := range e.Attr {
		if a.Space == "" {
			out[prefix+a.Key] = a.Value
		}
	}
	for c := range e.ChildElementsSeq() {
		switch c.Tag {
		case "add", "remove", "clear":
		default:
			collectAttrs(c, prefix+c.Tag+".", out)
		}
	}
}

// keyLoader is the Encrypter of convert: it reads poolctl's key the first time a
// password needs it, so that a metabase without passwords needs no key. A key file
// that does not exist means there is no key, as for the other commands.
type keyLoader struct {
	g    *globalOptions
	key  *secret.Key
	err  error
	done bool
}

// Encrypt encrypts v with the key, or returns convert.ErrNoKey when there is none.
func (k *keyLoader) Encrypt(v string) (string, error) {
	if !k.done {
		k.key, k.err = k.g.key()
		if k.err == nil && k.key == nil {
			k.err = convert.ErrNoKey
		}
		k.done = true
	}
	if k.err != nil {
		return "", k.err
	}
	return k.key.Encrypt(v)
}
