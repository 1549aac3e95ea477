package validate

import (
	"fmt"
	"strings"

	"github.com/poolctl/poolctl/schema"
)

// bareTimeSpan reports a timeSpan attribute written as a bare number (PC314), which
// IIS reads as days: idleTimeout="20" is 20 days, and says whether it did. Values out
// of range are PC104's, whose message says the same.
func (w *walker) bareTimeSpan(n node, a *schema.Attribute, name, text string) bool {
	b, ok := a.BareNumber(text)
	if !ok {
		return false
	}
	pos, _ := w.doc.AttrValuePos(n.x, name)
	fixes := append(b.Alternatives, fmt.Sprintf("for %s write %s", b.InDays(), b.Days.Canonical()))
	w.c.p.report(RuleBareTimeSpan, w.doc, pos, strings.Join(fixes, ", "),
		"%s is a bare number, which IIS reads as days: %s (%s)", n.subject(name, text), b.InDays(), b.Days.Canonical())
	return true
}
