package apply

import (
	"fmt"
	"regexp"
	"strings"

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
	now, err := lintErrors(name, next, opt)
	if err != nil || len(now) == 0 {
		return err
	}
	before, err := lintErrors(name, old, opt)
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
func (ed *Editor) Check() error {
	if len(ed.touched) == 0 {
		return nil
	}
	next, err := ed.doc.Bytes()
	if err != nil {
		return fmt.Errorf("check the edit: %w", err)
	}
	return CheckEdit(ed.doc.Name, ed.doc.Source(), next, validate.Options{Target: ed.target.Version})
}

// lintErrors lints src as the file name and returns its errors.
func lintErrors(name string, src []byte, opt validate.Options) ([]validate.Diagnostic, error) {
	ds, err := validate.LintBytes(name, src, opt)
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
