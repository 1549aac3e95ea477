package apply

import (
	"fmt"
	"io"
	"strings"
)

// WritePlan writes changes as a plan, grouped by pool: a line per pool or for the
// defaults ("+" added, "~" changed, "-" removed), one indented line per change below
// it (old → new; secrets masked), and a summary line. No changes write "No changes.".
func WritePlan(w io.Writer, changes []Change) error {
	var b strings.Builder
	groups := groupChanges(changes)
	var added, changed, removed int
	for _, g := range groups {
		kind := g.kind()
		switch kind {
		case Added:
			added++
		case Removed:
			removed++
		default:
			changed++
		}
		fmt.Fprintf(&b, "%s %s\n", kind.Symbol(), g.scope)
		for _, c := range g.changes {
			if c.Path != "" {
				fmt.Fprintf(&b, "    %s %s\n", c.Kind.Symbol(), c.detail())
			}
		}
	}
	if len(groups) == 0 {
		b.WriteString("No changes.\n")
	} else {
		fmt.Fprintf(&b, "Plan: %d to add, %d to change, %d to remove.\n", added, changed, removed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// changeGroup is the changes of one scope.
type changeGroup struct {
	scope   string
	changes []Change
}

// kind returns Added or Removed for a pool added or removed, else Modified.
func (g changeGroup) kind() ChangeKind {
	for _, c := range g.changes {
		if c.Path == "" {
			return c.Kind
		}
	}
	return Modified
}

// groupChanges groups changes by scope, in the order the scopes first appear.
func groupChanges(changes []Change) []changeGroup {
	var groups []changeGroup
	index := map[string]int{}
	for _, c := range changes {
		i, ok := index[c.Scope]
		if !ok {
			i = len(groups)
			index[c.Scope] = i
			groups = append(groups, changeGroup{scope: c.Scope})
		}
		groups[i].changes = append(groups[i].changes, c)
	}
	return groups
}
