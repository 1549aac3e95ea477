package apply

// Plan is a list of changes grouped by what they change, as a plan shows them.
type Plan struct {
	Groups                  []PlanGroup
	Added, Changed, Removed int // groups that add, change or remove a pool or the defaults
}

// PlanGroup is the changes of one scope: a pool or the defaults.
type PlanGroup struct {
	Scope   string
	Kind    ChangeKind // Added or Removed for a pool added or removed, else Modified
	Changes []Change
}

// NewPlan groups changes by scope, in the order the scopes first appear, and counts
// the groups of each kind.
func NewPlan(changes []Change) Plan {
	var p Plan
	index := map[string]int{}
	for _, c := range changes {
		i, ok := index[c.Scope]
		if !ok {
			i = len(p.Groups)
			index[c.Scope] = i
			p.Groups = append(p.Groups, PlanGroup{Scope: c.Scope, Kind: Modified})
		}
		g := &p.Groups[i]
		g.Changes = append(g.Changes, c)
		if c.Path == "" {
			g.Kind = c.Kind
		}
	}
	for _, g := range p.Groups {
		switch g.Kind {
		case Added:
			p.Added++
		case Removed:
			p.Removed++
		default:
			p.Changed++
		}
	}
	return p
}
