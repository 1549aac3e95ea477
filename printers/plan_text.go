package printers

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolctl/poolctl/apply"
)

// WritePlan writes changes as a plan (apply.NewPlan): a line per pool or for the
// defaults ("+" added, "~" changed, "-" removed), one indented line per change below
// it (old → new; secrets masked), and a summary line. No changes write "No changes.".
func WritePlan(w io.Writer, changes []apply.Change) error {
	p := apply.NewPlan(changes)
	var b strings.Builder
	for _, g := range p.Groups {
		fmt.Fprintf(&b, "%s %s\n", g.Kind.Symbol(), g.Scope)
		for _, c := range g.Changes {
			if c.Path != "" {
				fmt.Fprintf(&b, "    %s %s\n", c.Kind.Symbol(), c.Detail())
			}
		}
	}
	if len(p.Groups) == 0 {
		b.WriteString("No changes.\n")
	} else {
		fmt.Fprintf(&b, "Plan: %d to add, %d to change, %d to remove.\n", p.Added, p.Changed, p.Removed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
