package apply

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/validate"
)

// CheckError is Check's error: the lint errors that the edits bring.
type CheckError struct {
	Findings []validate.Diagnostic
}

// Error lists the findings, one per line.
func (e *CheckError) Error() string {
	lines := make([]string, len(e.Findings))
	for i, d := range e.Findings {
		lines[i] = fmt.Sprintf("%s (%s)", d.Message, d.Rule)
	}
	return strings.Join(lines, "\n")
}

// Check lints what the editor changed, as poolctl lint would for the target version,
// and returns a *CheckError with the errors that the changes bring: errors that the
// changed pools and defaults had before are not the edit's doing. Only the changed
// elements are linted (together with the <applicationPoolDefaults> they inherit), so
// that checking an edit of one pool of a large file costs little; unique pool names
// are the editor's own concern.
func (ed *Editor) Check() error {
	if len(ed.touched) == 0 {
		return nil
	}
	before, after := ed.miniConfigs()
	old, err := lintErrors(before, ed)
	if err != nil {
		return err
	}
	now, err := lintErrors(after, ed)
	if err != nil {
		return err
	}
	seen := map[string]int{}
	for _, d := range old {
		seen[d.Rule+"\x00"+d.Message]++
	}
	var fresh []validate.Diagnostic
	for _, d := range now {
		k := d.Rule + "\x00" + d.Message
		if seen[k] > 0 {
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

// miniConfigs returns two small configurations that hold the section's defaults and the
// changed pools, before and after the changes.
func (ed *Editor) miniConfigs() (before, after *etree.Document) {
	before, after = miniConfig(), miniConfig()
	bs, as := before.Root().FindElement("system.applicationHost/applicationPools"), after.Root().FindElement("system.applicationHost/applicationPools")
	for c := range ed.section.ChildElementsSeq() {
		if c.FullTag() != "applicationPoolDefaults" {
			continue
		}
		as.AddChild(c.Copy())
		bs.AddChild(ed.beforeOf(c))
	}
	for _, t := range ed.touched {
		if t.elem.FullTag() == "applicationPoolDefaults" || t.elem.Parent() == nil {
			continue
		}
		as.AddChild(t.elem.Copy())
		if t.before != nil {
			bs.AddChild(t.before.Copy())
		}
	}
	return before, after
}

// beforeOf returns a copy of the defaults element c as it was before the changes.
func (ed *Editor) beforeOf(c *etree.Element) *etree.Element {
	for _, t := range ed.touched {
		if t.elem == c {
			if t.before == nil {
				return etree.NewElement("applicationPoolDefaults")
			}
			return t.before.Copy()
		}
	}
	return c.Copy()
}

// miniConfig returns an empty configuration with an applicationPools section.
func miniConfig() *etree.Document {
	doc := etree.NewDocument()
	doc.CreateElement("configuration").CreateElement("system.applicationHost").CreateElement("applicationPools")
	return doc
}

// lintErrors lints doc for the editor's target and returns its errors.
func lintErrors(doc *etree.Document, ed *Editor) ([]validate.Diagnostic, error) {
	src, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("check the edit: %w", err)
	}
	ds, err := validate.LintBytes(ed.doc.Name+" (changed pools)", src, validate.Options{Target: ed.target.Version})
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
