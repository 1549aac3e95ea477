package apply

import (
	"fmt"
	"maps"
	"regexp"
	"strings"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/validate"
)

// CheckError is CheckEdit's error: the lint errors that an edit brings.
type CheckError struct {
	Findings []validate.Diagnostic
}

// Error lists the findings, one per line, as "file:line:col: message (RULE)" with
// positions in the content the edit would write.
func (e *CheckError) Error() string {
	lines := make([]string, len(e.Findings))
	for i, d := range e.Findings {
		lines[i] = fmt.Sprintf("%s:%d:%d: %s (%s)", d.File, d.Line, d.Column, d.Message, d.Rule)
	}
	return strings.Join(lines, "\n")
}

// CheckEdit lints next, the content an edit would give the file name (which had old),
// as poolctl lint would with opt, and returns a *CheckError with the errors that next
// has and old did not. Findings are matched as a multiset by file, rule and message
// (which names the pool, site or application a finding is about), never by line, so
// that errors already in the file do not block an edit that moves them. old is only
// linted when next has errors, so that a clean edit costs one lint.
func CheckEdit(name string, old, next []byte, opt validate.Options) error {
	opt.ErrorsOnly = true // only errors can refuse an edit
	return checkLint(old, next, func(src []byte) ([]validate.Diagnostic, error) {
		return validate.LintBytes(name, src, opt)
	})
}

// CheckSectionEdit is CheckEdit for an edit of path, the configSource file of a
// section of the configuration file main: it lints main as poolctl lint would, with
// path's content old or next, so that the edit is checked against the rest of the
// configuration (an application of main that names a pool the edit deletes). path must
// be as parse.ConfigSourcePath gives it for main.
func CheckSectionEdit(main, path string, old, next []byte, opt validate.Options) error {
	return checkLint(old, next, func(src []byte) ([]validate.Diagnostic, error) {
		o := opt
		o.ErrorsOnly = true // only errors can refuse an edit
		o.Read.Sources = maps.Clone(opt.Read.Sources)
		if o.Read.Sources == nil {
			o.Read.Sources = map[string][]byte{}
		}
		o.Read.Sources[path] = src
		return validate.LintFile(main, o)
	})
}

// checkLint returns a *CheckError with the errors that lint finds in next and not in
// old (see CheckEdit).
func checkLint(old, next []byte, lint func(src []byte) ([]validate.Diagnostic, error)) error {
	now, err := lintErrors(next, lint)
	if err != nil || len(now) == 0 {
		return err
	}
	before, err := lintErrors(old, lint)
	if err != nil {
		return err
	}
	seen := map[string]int{}
	for _, d := range before {
		seen[findingKey(d)]++
	}
	var fresh []validate.Diagnostic
	for _, d := range now {
		if k := findingKey(d); seen[k] > 0 {
			seen[k]--
			continue
		}
		fresh = append(fresh, d)
	}
	if len(fresh) > 0 {
		return &CheckError{Findings: fresh}
	}
	return nil
}

// positionRE matches the line:col positions that some messages hold ("already used at
// 12:9").
var positionRE = regexp.MustCompile(`\b\d+:\d+\b`)

// findingKey identifies a finding across line shifts: its file, rule and message, with
// the positions in the message left out.
func findingKey(d validate.Diagnostic) string {
	return d.File + "\x00" + d.Rule + "\x00" + positionRE.ReplaceAllString(d.Message, "L:C")
}

// Check lints the document as the editor's changes leave it, as poolctl lint would for
// the target version, and returns a *CheckError with the errors that the changes bring
// (see CheckEdit). Update runs the same check before it writes.
func (ed *Editor) Check() error { return ed.CheckIn("") }

// CheckIn is Check for a document that is the configSource file of a section of the
// configuration file main, which is linted with it (CheckSectionEdit); an empty main
// makes it Check.
func (ed *Editor) CheckIn(main string) error {
	if len(ed.touched) == 0 && len(ed.Changes) == 0 { // a deleted pool is a change only
		return nil
	}
	next, err := ed.doc.Bytes()
	if err != nil {
		return fmt.Errorf("check the edit: %w", err)
	}
	opt := validate.Options{Target: ed.target.Version}
	if main != "" {
		return CheckSectionEdit(main, ed.doc.Name, ed.doc.Source(), next, opt)
	}
	return checkTree(ed.doc, ed.doc.Source(), next, opt)
}

// checkTree is CheckEdit for next, the bytes of doc's changed tree. The tree is
// linted first, as it is: when it has no errors, neither has next, which reads back
// as the same tree (the writer's promise, which parse's FuzzReadBytes checks with
// changed values of every kind), and the edit passes without next being read. An
// edit whose tree has errors is checked by CheckEdit, which reads next for the
// positions its refusal gives and lints old to tell new errors from old ones. So
// most edits of a large file cost one lint without a parse.
func checkTree(doc *parse.Document, old, next []byte, opt validate.Options) error {
	opt.ErrorsOnly = true
	ds, err := validate.LintDocument(doc, opt)
	if err != nil {
		return fmt.Errorf("check the edit: %w", err)
	}
	if len(ds) == 0 {
		return nil
	}
	return CheckEdit(doc.Name, old, next, opt)
}

// lintErrors lints src with lint and returns its errors.
func lintErrors(src []byte, lint func(src []byte) ([]validate.Diagnostic, error)) ([]validate.Diagnostic, error) {
	ds, err := lint(src)
	if err != nil {
		return nil, fmt.Errorf("check the edit: %w", err)
	}
	var out []validate.Diagnostic
	for _, d := range ds {
		if d.Severity == validate.Error {
			out = append(out, d)
		}
	}
	return out, nil
}
