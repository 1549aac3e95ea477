package validate

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/internal/excerpt"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// Options tune a lint run.
type Options struct {
	// Target is the IIS version the configuration must load on; zero means
	// schema.DefaultVersion.
	Target schema.Version
	// Disable lists rules (by ID or name) not to report.
	Disable []string
	// Read tunes the XML reader.
	Read parse.Options
	// For is where the file goes, which decides the advice about passwords (PC301,
	// PC313); secret.Auto resolves it from the file's own values.
	For secret.Destination
	// SchemaFiles are schema extension files to apply besides those of the schema
	// folder beside the file (schema.ExtensionsFor), which lint reads for every file
	// but standard input, as IIS reads inetsrv\config\schema.
	SchemaFiles []string
	// ErrorsOnly reports only error-severity findings, and skips the checks whose
	// rules are all warnings and infos: the advice (TestAdviceFindsNoErrors) and
	// PC203 and PC204. It is what the check of an edit asks.
	ErrorsOnly bool
}

// StdinName is the name lint gives standard input (LintBytes): it has no schema
// folder beside it.
const StdinName = "<stdin>"

// LintFile reads and lints one applicationHost.config file (and the configSource files
// it names). A file that is not well-formed is a finding, not an error: the error is
// for a file that cannot be read at all.
func LintFile(path string, opt Options) ([]Diagnostic, error) {
	doc, err := parse.ReadFile(path, opt.Read)
	return lint(path, doc, err, opt)
}

// LintBytes lints a configuration held in memory; name is used in positions and to find
// configSource files. The caller must not modify src afterwards.
func LintBytes(name string, src []byte, opt Options) ([]Diagnostic, error) {
	doc, err := parse.ReadBytes(name, src, opt.Read)
	return lint(name, doc, err, opt)
}

// LintDocument lints a document already read, its tree as it is now (changed since it
// was read, say), under the document's name. Findings about what was read have its
// positions; findings about elements added since have none.
func LintDocument(doc *parse.Document, opt Options) ([]Diagnostic, error) {
	return lint(doc.Name, doc, nil, opt)
}

// LintLoad lints the file at path like LintFile and also returns the configuration it
// linted (nil when the file could not be read or resolved), so that a caller such as
// poolctl run uses the very parse that lint checked instead of reading the file again.
func LintLoad(path string, opt Options) ([]Diagnostic, *parse.Config, error) {
	doc, err := parse.ReadFile(path, opt.Read)
	p, err := lintPass(path, doc, err, opt)
	if p == nil {
		return nil, nil, err
	}
	return p.finish(), p.cfg, err
}

// lint lints doc, the file name, or reports err, the error of reading it.
func lint(name string, doc *parse.Document, err error, opt Options) ([]Diagnostic, error) {
	p, err := lintPass(name, doc, err, opt)
	if p == nil {
		return nil, err
	}
	return p.finish(), err
}

// lintPass runs the checks over doc, the file name, or records err, the error of
// reading it, and returns the pass (nil when the options or the schema extensions are
// unusable) with its error.
func lintPass(name string, doc *parse.Document, err error, opt Options) (*pass, error) {
	exts, xerr := Extensions(name, opt.SchemaFiles)
	if xerr != nil {
		return nil, xerr
	}
	p, perr := newPass(opt, exts)
	if perr != nil {
		return nil, perr
	}
	p.errorsOnly = opt.ErrorsOnly
	if err == nil {
		p.cfg, err = parse.FromDocument(doc, parse.LoadOptions{Version: p.target.Version, Read: opt.Read, Extensions: exts})
	}
	if err != nil {
		p.cfg = nil
		return p, p.parseError(err)
	}
	p.dest = opt.For // checkAdvice resolves Auto, on the checks' cores
	// The secret values are found while the checks run; hideSecrets needs them after.
	secrets := make(chan []secretValue, 1)
	go func() { secrets <- secretValues(p.cfg, p.target) }()
	checks := []func(*pass){
		checkPoolSchema, // schemacheck.go: PC003, PC1xx, PC310, PC314
		checkSiteSchema, // the same for the sites
		checkReferences, // refcheck.go: PC2xx
	}
	if !opt.ErrorsOnly {
		checks = append(checks, checkAdvice) // advice.go: PC3xx but PC310, PC314
	}
	p.runChecks(checks...)
	p.applySuppressions()
	hideSecrets(p, <-secrets) // after every check: no source line may show a password
	return p, nil
}

// Extensions returns the schema extensions that apply to the configuration file name:
// those of the schema folder beside it (none for standard input), then files.
func Extensions(name string, files []string) ([]*schema.Extension, error) {
	var exts []*schema.Extension
	if name != StdinName && name != "" {
		var err error
		if exts, err = schema.ExtensionsFor(name); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		ext, err := schema.ReadExtension(f)
		if err != nil {
			return nil, err
		}
		exts = append(exts, ext)
	}
	return exts, nil
}

// HoldsPoolctlValue reports whether a pool of cfg, or its <applicationPoolDefaults>,
// has a password of poolctl's Provider, from which secret.Auto takes the file to be
// for poolctl run.
//
// A pool's effective password is its own or one it inherits from an
// <applicationPoolDefaults>, and every defaults' password is looked at anyway, so each
// pool is only asked for its own: one look at each pool rather than a resolution.
func HoldsPoolctlValue(cfg *parse.Config) bool {
	for _, p := range cfg.Pools() {
		if v, ok := password(parse.Child(p.Element, "processModel")); ok && secret.IsPoolctlValue(v) {
			return true
		}
	}
	for _, d := range cfg.PoolDefaults() {
		// SelectElement also finds a prefixed processModel; Child is the one pools inherit.
		for _, pm := range []*etree.Element{d.Element.SelectElement("processModel"), parse.Child(d.Element, "processModel")} {
			if v, ok := password(pm); ok && secret.IsPoolctlValue(v) {
				return true
			}
		}
	}
	return false
}

// password returns the password attribute of a processModel element, which may be nil.
func password(pm *etree.Element) (string, bool) {
	if pm == nil {
		return "", false
	}
	return parse.Attr(pm, "password")
}

// pass is one lint run over one configuration.
type pass struct {
	target   *schema.Schema
	latest   *schema.Schema // the newest schema, to tell "not yet" from "never"
	cfg      *parse.Config
	rules    map[string]Rule
	disabled map[string]bool
	diags    []Diagnostic
	dest     secret.Destination // where the file goes; resolved in checkAdvice
	// errorsOnly keeps only error-severity findings (Options.ErrorsOnly).
	errorsOnly bool
}

func newPass(opt Options, exts []*schema.Extension) (*pass, error) {
	v := opt.Target
	if v == 0 {
		v = schema.DefaultVersion
	}
	target, err := schema.For(v)
	if err != nil {
		return nil, err
	}
	latest := schema.MustFor(schema.IIS10)
	target.Extend(exts...)
	latest.Extend(exts...)
	p := &pass{target: target, latest: latest, rules: map[string]Rule{}, disabled: map[string]bool{}}
	for _, r := range Rules() {
		p.rules[r.ID] = r
	}
	for _, id := range opt.Disable {
		r, ok := Lookup(id)
		if !ok {
			return nil, fmt.Errorf("--disable: unknown rule %q", id)
		}
		p.disabled[r.ID] = true
	}
	return p, nil
}

// runChecks runs the checks concurrently, each on its own copy of p, and collects
// their findings in p. Checks only read the configuration, and a parse.Document may
// be read concurrently.
func (p *pass) runChecks(checks ...func(*pass)) {
	parts := make([]pass, len(checks))
	var wg sync.WaitGroup
	for i, check := range checks {
		parts[i] = *p
		parts[i].diags = nil
		wg.Go(func() { check(&parts[i]) })
	}
	wg.Wait()
	n := len(p.diags)
	for _, q := range parts {
		n += len(q.diags)
	}
	p.diags = slices.Grow(p.diags, n-len(p.diags))
	for _, q := range parts {
		p.diags = append(p.diags, q.diags...)
	}
}

// parseError turns a reader or resolution error into a finding; other errors (an
// unreadable configSource file, say) are returned.
func (p *pass) parseError(err error) error {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return err
	}
	rule := RuleMalformedXML
	if pe.Kind == parse.ErrConfigSource {
		rule = RuleConfigSource
	}
	p.diags = append(p.diags, Diagnostic{
		File: pe.Pos.File, Line: pe.Pos.Line, Column: pe.Pos.Col,
		Severity: p.rules[rule].Severity, Rule: rule, Message: pe.Msg,
	})
	return nil
}

// report records a finding of rule at pos in doc (which gives the source line).
func (p *pass) report(rule string, doc *parse.Document, pos parse.Pos, fix, format string, args ...any) {
	r, ok := p.rules[rule]
	if !ok {
		panic("validate: unknown rule " + rule)
	}
	d := Diagnostic{
		File: pos.File, Line: pos.Line, Column: pos.Col,
		Severity: r.Severity, Rule: rule, Message: fmt.Sprintf(format, excerpt.Args(args)...), Fix: fix,
	}
	if doc != nil {
		d.SourceLine = doc.Line(pos.Line)
	}
	p.diags = append(p.diags, d)
}

func (p *pass) finish() []Diagnostic {
	out := p.diags[:0]
	for _, d := range p.diags {
		if !p.disabled[d.Rule] && (!p.errorsOnly || d.Severity == Error) {
			out = append(out, d)
		}
	}
	Sort(out)
	cutSourceLines(out)
	return out
}
