package apply

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// ChangeKind says what a Change did.
type ChangeKind int

// The kinds of Change.
const (
	Added ChangeKind = iota + 1
	Modified
	Removed
)

// Symbol returns the plan symbol of the kind: "+", "~" or "-".
func (k ChangeKind) Symbol() string {
	switch k {
	case Added:
		return "+"
	case Modified:
		return "~"
	case Removed:
		return "-"
	}
	return "?"
}

// Change is one change an Editor made.
type Change struct {
	Kind ChangeKind
	// Scope is what was changed: `pool "Shop"` or "applicationPoolDefaults".
	Scope string
	// Path is the attribute's dotted path, a collection's path followed by its item's
	// key ("environmentVariables[name='TEMP']"), or "" for a whole pool.
	Path string
	// Old and New are the values before and after; Old is "" for what was unset. Both
	// are "" when Secret.
	Old, New string
	// Secret is true for an encrypted attribute (processModel.password).
	Secret bool
}

// String returns the change on one line: `~ pool "Shop": queueLength: 1000 → 2000`.
func (c Change) String() string {
	s := c.Kind.Symbol() + " " + c.Scope
	if c.Path == "" {
		return s
	}
	return s + ": " + c.Detail()
}

// Detail returns what changed at the change's path, secrets masked:
// `queueLength: 1000 → 2000`.
func (c Change) Detail() string {
	switch {
	case c.Secret:
		return c.Path + " (secret, not shown)"
	case c.Kind == Modified:
		return c.Path + ": " + shown(c.Old) + " → " + shown(c.New)
	case c.Kind == Added && (c.New != "" || !strings.HasSuffix(c.Path, "]")):
		return c.Path + ": " + shown(c.New) // an item's path ends in its key: [value='03:00:00']
	}
	return c.Path
}

// shown quotes a value for a plan line when it is empty or has spaces at its ends.
func shown(v string) string {
	if v == "" || strings.TrimSpace(v) != v {
		return fmt.Sprintf("%q", v)
	}
	return v
}

// DefaultsScope is the Scope of changes to <applicationPoolDefaults>.
const DefaultsScope = "applicationPoolDefaults"

// PoolScope returns the Scope of changes to the pool name.
func PoolScope(name string) string { return fmt.Sprintf("pool %q", name) }

// Editor changes the applicationPools section of one document, as the schema of the
// target version describes it, keeping every byte it does not change, and records its
// changes. It does not validate: Check does.
type Editor struct {
	doc     *parse.Document
	section *etree.Element
	target  *schema.Schema
	pool    *schema.Element // the latest version's pool element, to read paths
	// Changes lists what the editor changed, in order.
	Changes []Change
	// Sealer encrypts the clear-text values given for encrypted attributes
	// (processModel.password) as they are written, and decrypts values it encrypted
	// to compare them; nil writes clear text as given, and adds a note.
	Sealer Sealer
	// For is where the file goes: for secret.ForIIS, clear text is written as given,
	// with a note that says how to set it on the server, even with a Sealer.
	For secret.Destination
	// Notes says what the user should know about the edit: a password written in
	// clear text for want of a key, say. A note never holds a secret.
	Notes []string
	// touched maps each pool or defaults element changed to its copy from before the
	// first change (nil for a new pool), in order, for Check.
	touched []touch
}

// touch is an element an Editor changed, with its copy from before.
type touch struct {
	elem, before *etree.Element
}

// ConfigSourceError is NewEditor's error when the section's content is in another
// file, which its configSource attribute names: edit that file instead.
type ConfigSourceError struct {
	File   string // the file that names the other
	Source string // the configSource attribute's value
}

// Error says where the section is.
func (e *ConfigSourceError) Error() string {
	return fmt.Sprintf("%s: the applicationPools section is in the configSource file %q", e.File, e.Source)
}

// Path returns the file that holds the section: Source, relative to File's directory.
func (e *ConfigSourceError) Path() (string, error) {
	path, err := parse.ConfigSourcePath(e.File, e.Source)
	if err != nil {
		return "", fmt.Errorf("%s: %w", e.File, err)
	}
	return path, nil
}

// NewEditor returns an editor of the applicationPools section of doc for the target
// schema. The section is the server-level one of an applicationHost.config, created
// when missing, or the root element of a configSource file that holds it.
func NewEditor(doc *parse.Document, target *schema.Schema) (*Editor, error) {
	sec, err := findSection(doc)
	if err != nil {
		return nil, err
	}
	latest := schema.MustFor(schema.IIS10)
	latest.Extend(target.Extensions()...)
	return &Editor{doc: doc, section: sec, target: target, pool: latest.Pool()}, nil
}

// findSection returns the applicationPools section of doc, creating it when missing.
func findSection(doc *parse.Document) (*etree.Element, error) {
	root := doc.Root()
	switch {
	case root == nil:
		return nil, fmt.Errorf("%s: no root element", doc.Name)
	case root.FullTag() == "applicationPools":
		return root, nil
	case root.FullTag() != "configuration":
		return nil, fmt.Errorf("%s: root element is <%s>, want <configuration> or <applicationPools>", doc.Name, root.FullTag())
	}
	for _, group := range serverGroups(root) {
		if sec := parse.Child(group, "applicationPools"); sec != nil {
			if src, ok := parse.Attr(sec, "configSource"); ok {
				return nil, &ConfigSourceError{File: doc.Name, Source: src}
			}
			return sec, nil
		}
	}
	group := parse.Child(root, "system.applicationHost")
	if group == nil {
		group = etree.NewElement("system.applicationHost")
		appendChild(root, group)
	}
	sec := etree.NewElement("applicationPools")
	appendChild(group, sec)
	return sec, nil
}

// serverGroups returns the <system.applicationHost> elements at server level: under
// <configuration> and under <location path=""> or <location path=".">.
func serverGroups(root *etree.Element) []*etree.Element {
	var out []*etree.Element
	for c := range root.ChildElementsSeq() {
		switch c.FullTag() {
		case "system.applicationHost":
			out = append(out, c)
		case "location":
			if p, _ := parse.Attr(c, "path"); p == "" || p == "." {
				if g := parse.Child(c, "system.applicationHost"); g != nil {
					out = append(out, g)
				}
			}
		}
	}
	return out
}

// Pool returns the <add> element of the pool name (compared case-insensitively, as IIS
// compares pool names), or nil.
func (ed *Editor) Pool(name string) *etree.Element {
	for c := range ed.section.ChildElementsSeq() {
		if n, ok := parse.Attr(c, "name"); ok && c.FullTag() == "add" && strings.EqualFold(n, name) {
			return c
		}
	}
	return nil
}

// PoolNames returns the names of the section's pools, in document order.
func (ed *Editor) PoolNames() []string {
	var names []string
	for c := range ed.section.ChildElementsSeq() {
		if n, ok := parse.Attr(c, "name"); ok && c.FullTag() == "add" {
			names = append(names, n)
		}
	}
	return names
}

// Defaults returns the <applicationPoolDefaults> element of the section: the last one,
// which wins. With create, a missing one is added before the pools.
func (ed *Editor) Defaults(create bool) *etree.Element {
	var last *etree.Element
	for c := range ed.section.ChildElementsSeq() {
		if c.FullTag() == "applicationPoolDefaults" {
			last = c
		}
	}
	if last == nil && create {
		last = etree.NewElement("applicationPoolDefaults")
		insertFirstChild(ed.section, last)
		ed.touched = append(ed.touched, touch{elem: last})
	}
	return last
}

// AddPool adds the pool name at the end of the section. A pool of that name must not
// exist.
func (ed *Editor) AddPool(name string) (*etree.Element, error) {
	if p := ed.Pool(name); p != nil {
		existing, _ := parse.Attr(p, "name")
		return nil, fmt.Errorf("pool %q already exists (as %q; pool names compare case-insensitively)", name, existing)
	}
	e := etree.NewElement("add")
	e.CreateAttr("name", name)
	appendChild(ed.section, e)
	ed.touched = append(ed.touched, touch{elem: e})
	ed.Changes = append(ed.Changes, Change{Kind: Added, Scope: PoolScope(name)})
	return e, nil
}

// DeletePool removes the pool name and the line it stands on.
func (ed *Editor) DeletePool(name string) error {
	p := ed.Pool(name)
	if p == nil {
		return fmt.Errorf("no pool %q (pools: %s)", name, strings.Join(ed.PoolNames(), ", "))
	}
	written, _ := parse.Attr(p, "name")
	removeElement(p)
	ed.Changes = append(ed.Changes, Change{Kind: Removed, Scope: PoolScope(written)})
	return nil
}

// Apply makes one edit of target, a pool's <add> or the <applicationPoolDefaults>
// element, whose changes are recorded under scope. An edit that changes nothing (a
// value set to what it is, an item added that is there) records nothing.
//
// Values are written as IIS writes them (see schema.Value.Canonical): an edit that
// gives "networkservice" writes "NetworkService", and one that gives a value the file
// holds in another spelling rewrites it. A value the schema rejects is written as
// given, for Check to refuse.
func (ed *Editor) Apply(target *etree.Element, scope string, op Op) error {
	op = ed.canonical(scope, op)
	before := target.Copy()
	n := len(ed.Changes)
	var err error
	switch op.Kind {
	case SetAttr:
		err = ed.setAttr(target, scope, op)
	case AddItem:
		err = ed.addItem(target, scope, op)
	case RemoveItem:
		err = ed.removeItem(target, scope, op)
	default:
		err = fmt.Errorf("unknown edit %v", op)
	}
	if err == nil && len(ed.Changes) > n {
		ed.touch(target, before)
	}
	return err
}

// touch records that target changed, keeping the copy from before its first change.
func (ed *Editor) touch(target, before *etree.Element) {
	for _, t := range ed.touched {
		if t.elem == target {
			return
		}
	}
	ed.touched = append(ed.touched, touch{elem: target, before: before})
}

// setAttr sets the attribute op.Path of target.
func (ed *Editor) setAttr(target *etree.Element, scope string, op Op) error {
	a := attributeAt(ed.pool, op.Path)
	if a == nil {
		return fmt.Errorf("%s", unknownPath(ed.pool, op.Path, "attribute"))
	}
	elemPath, name := splitPath(op.Path)
	old, had := "", false
	if e := descend(target, elemPath, false); e != nil {
		old, had = parse.Attr(e, name)
	}
	value := op.Value
	if a.Encrypted {
		var same bool
		var err error
		if value, same, err = ed.seal(scope, op.Path, old, had, op.Value); err != nil || same {
			return err
		}
	} else if had && old == value {
		return nil
	}
	if op.Path == "name" && target.FullTag() == "add" {
		if other := ed.Pool(op.Value); other != nil && other != target {
			return fmt.Errorf("%s: cannot rename to %q: a pool of that name exists (pool names compare case-insensitively)", scope, op.Value)
		}
	}
	descend(target, elemPath, true).CreateAttr(name, value)
	c := Change{Kind: Modified, Scope: scope, Path: op.Path, Old: old, New: value, Secret: a.Encrypted}
	if !had {
		c.Kind = Added
	}
	if c.Secret {
		c.Old, c.New = "", ""
	}
	ed.Changes = append(ed.Changes, c)
	return nil
}

// canonical returns op, an edit under scope, with its values in IIS's spelling, as
// the attributes they are for declare them. Values of unknown attributes, and values
// the schema rejects, are left for the edit and Check to refuse as given.
func (ed *Editor) canonical(scope string, op Op) Op {
	if op.Kind == SetAttr {
		if a := attributeAt(ed.pool, op.Path); a != nil {
			op.Value = ed.canonicalValue(scope, op.Path, a, op.Value)
		}
		return op
	}
	coll := collectionAt(ed.pool, op.Path)
	if coll == nil {
		return op
	}
	item := make([]Attr, len(op.Item))
	for i, x := range op.Item {
		if a := coll.Item.Attribute(x.Name); a != nil {
			x.Value = ed.canonicalValue(scope, op.Path+"."+x.Name, a, x.Value)
		}
		item[i] = x
	}
	op.Item = item
	return op
}

// canonicalValue returns text in IIS's spelling of attribute a, at path under scope.
// A timeSpan given as a bare number, which IIS reads as days, is written as days, with
// a note that says so and how to write seconds or minutes.
func (ed *Editor) canonicalValue(scope, path string, a *schema.Attribute, text string) string {
	canon := a.Canonical(text)
	if b, ok := a.BareNumber(text); ok && canon != text {
		ed.Notes = append(ed.Notes, fmt.Sprintf("%s: %s: %s", scope, path, b.Hint()))
	}
	return canon
}

// sameValue reports whether two texts are the same value of attribute a: equal as
// written, or, for a value that is not a secret, equal as the schema compares values
// (00:20:00 and 0.00:20:00).
func sameValue(a *schema.Attribute, x, y string) bool {
	if x == y {
		return true
	}
	if a.Encrypted {
		return false
	}
	vx, errX := a.Parse(x)
	vy, errY := a.Parse(y)
	return errX == nil && errY == nil && vx.Equal(vy)
}

// descend returns the element at the dotted element path below e ("" is e); with
// create, missing elements are added, indented.
func descend(e *etree.Element, path string, create bool) *etree.Element {
	if path == "" {
		return e
	}
	for seg := range strings.SplitSeq(path, ".") {
		c := parse.Child(e, seg)
		if c == nil {
			if !create {
				return nil
			}
			c = etree.NewElement(seg)
			appendChild(e, c)
		}
		e = c
	}
	return e
}
