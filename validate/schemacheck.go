package validate

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/internal/excerpt"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// checkSchema checks the server-level applicationPools and sites sections against the
// target version's schema, as IIS does when it loads the configuration: where the
// sections are (PC003), the elements and attributes they use (PC101, PC102, PC108,
// PC109), their values (PC103, PC104, PC105, PC310, PC314), required attributes
// (PC106) and collection keys (PC107). Lint runs its two halves, checkPoolSchema and
// checkSiteSchema, concurrently.
func checkSchema(p *pass) {
	checkPoolSchema(p)
	checkSiteSchema(p)
}

// checkPoolSchema is checkSchema for the sections' places and the applicationPools
// sections.
func checkPoolSchema(p *pass) {
	c := newSchemaCheck(p)
	c.checkLocations()
	c.checkSections(schema.ApplicationPoolsPath, p.cfg.PoolSections())
}

// checkSiteSchema is checkSchema for the sites sections.
func checkSiteSchema(p *pass) {
	newSchemaCheck(p).checkSections(schema.SitesPath, p.cfg.SiteSections())
}

// newSchemaCheck returns the state of a schema check over p's configuration.
func newSchemaCheck(p *pass) *schemaCheck {
	return &schemaCheck{
		p: p,
		schemas: map[schema.Version]*schema.Schema{
			p.target.Version: p.target,
			p.latest.Version: p.latest,
		},
		keyGroups: map[*schema.Collection][][]*schema.Attribute{},
		clean:     map[cleanValue]struct{}{},
	}
}

// schemaCheck is checkSchema's state over one configuration.
type schemaCheck struct {
	p *pass
	// schemas holds the schema of each version used so far; a value that the target
	// rejects and the latest version accepts is looked up in the versions between.
	schemas map[schema.Version]*schema.Schema
	// keyGroups caches groupsOf by collection.
	keyGroups map[*schema.Collection][][]*schema.Attribute
	// clean holds values found to need no report (see walker.value).
	clean map[cleanValue]struct{}
}

// cleanValue is a value of an attribute.
type cleanValue struct {
	a    *schema.Attribute
	text string
}

// maxCleanValues bounds schemaCheck.clean: a file writes a few hundred distinct
// values of the attributes it holds, or its values are unique and not worth keeping.
const maxCleanValues = 4096

// memoizable reports whether values of a are worth remembering as clean: booleans,
// enums, flags and timeSpans repeat from pool to pool and cost more to parse than to
// look up; strings and numbers do not.
func memoizable(a *schema.Attribute) bool {
	switch a.Type {
	case schema.Bool, schema.Enum, schema.Flags, schema.TimeSpanType:
		return true
	}
	return false
}

// schemaFor returns the schema of version v, built on first use.
func (c *schemaCheck) schemaFor(v schema.Version) *schema.Schema {
	s, ok := c.schemas[v]
	if !ok {
		s = schema.MustFor(v)
		c.schemas[v] = s
	}
	return s
}

// isServerOnlySection reports whether the section with this tag must be set at server
// level (allowDefinition="AppHostOnly") and is one lint checks.
func isServerOnlySection(tag string) bool { return tag == "applicationPools" || tag == "sites" }

// checkLocations reports applicationPools and sites sections in a <location> for a
// site or application: both sections are AppHostOnly. parse does not read them, so
// nothing else checks their content.
func (c *schemaCheck) checkLocations() {
	doc := c.p.cfg.Doc
	for loc := range doc.Root().ChildElementsSeq() {
		path, _ := parse.Attr(loc, "path")
		if loc.FullTag() != "location" || path == "" || path == "." {
			continue
		}
		for group := range loc.ChildElementsSeq() {
			if group.FullTag() != "system.applicationHost" {
				continue
			}
			for sec := range group.ChildElementsSeq() {
				if tag := sec.FullTag(); isServerOnlySection(tag) {
					c.p.report(RuleMisplacedSection, doc, doc.Pos(sec),
						`move the section to <system.applicationHost> outside any <location>, or into <location path="">`,
						"<%s> in <location path=%q>: the section is AppHostOnly and may only be set at server level (no <location>, or path \"\" or \".\")",
						tag, path)
				}
			}
		}
	}
}

// checkSections checks every server-level occurrence of the section at path. IIS
// allows one occurrence; later ones are reported and checked all the same. Keys of the
// section's top collection (pool names, site names and ids) must be unique across all
// occurrences.
func (c *schemaCheck) checkSections(path string, refs []*parse.SectionRef) {
	sec := c.p.target.Section(path)
	if sec == nil || len(refs) == 0 {
		return
	}
	var latest *schema.Element
	if l := c.p.latest.Section(path); l != nil {
		latest = l.Root
	}
	var keys keyIndex
	size := 0
	for _, ref := range refs {
		size += childCount(ref.Element)
	}
	c.initKeyIndex(&keys, sec.Root.Collection, size)
	for i, ref := range refs {
		if i > 0 {
			c.reportSecondSection(ref, refs[0])
		}
		w := &walker{c: c, doc: ref.Doc, root: ref.Element, section: path}
		w.element(node{x: ref.Element, se: sec.Root, le: latest}, &keys)
	}
}

// childCount estimates how many child elements x has from its child tokens, of which
// about half are the white space between elements.
func childCount(x *etree.Element) int { return len(x.Child)/2 + 1 }

// reportSecondSection reports ref, a second (or later) occurrence of first's section.
func (c *schemaCheck) reportSecondSection(ref, first *parse.SectionRef) {
	doc, pos := sectionPos(c.p.cfg, ref)
	_, firstPos := sectionPos(c.p.cfg, first)
	c.p.report(RuleMisplacedSection, doc, pos, "merge its content into the first occurrence and remove this one",
		"second <%s> section at server level; the first is at %s (IIS allows the section once)",
		ref.Element.FullTag(), posRef(pos, firstPos))
}

// sectionPos returns where a section occurrence is written in the main file: its
// element, or the element that names its configSource file.
func sectionPos(cfg *parse.Config, ref *parse.SectionRef) (*parse.Document, parse.Pos) {
	if ref.Source != nil {
		return cfg.Doc, cfg.Doc.Pos(ref.Source)
	}
	return ref.Doc, ref.Doc.Pos(ref.Element)
}

// posRef names the position at in a message about something at from: "line:col" in
// the same file, "file:line:col" in another.
func posRef(from, at parse.Pos) string {
	if from.File == at.File {
		return strconv.Itoa(at.Line) + ":" + strconv.Itoa(at.Col)
	}
	return at.String()
}

// generalAttributes are the attributes IIS's configuration system accepts on every
// element besides those the schema declares: the locking attributes of the "General
// Attributes Inherited by IIS Configuration" reference. configSource, the other
// general attribute, is resolved by package parse. Each starts with "lock", which
// spares the walk a lookup for every other attribute (TestGeneralAttributesLock).
var generalAttributes = map[string]bool{
	"lockAttributes":          true,
	"lockAllAttributesExcept": true,
	"lockElements":            true,
	"lockAllElementsExcept":   true,
	"lockItem":                true,
}

// walker checks the elements of one section occurrence.
type walker struct {
	c    *schemaCheck
	doc  *parse.Document
	root *etree.Element // the section's element, where element paths start
	// section is the section's path, to find its elements in other versions.
	section string
	// free holds item scopes to reuse: a scope serves only while its item is walked,
	// since reports format it at once, so a walk needs as many as items nest.
	free []*scope
	// paths caches the paths of child elements, so that the walk builds each
	// distinct path once, not once per element.
	paths map[pathKey]string
}

// pathKey is a parent path, by the address and length of its text, and a child's
// declaration (nil for the items of the parent's collection). Paths come from the
// cache, so equal paths share their text, and the key needs no hashing of it; a path
// that does not share it only costs one more entry.
type pathKey struct {
	text  *byte
	n     int
	child *schema.Element
}

// childPath returns the path of the child ce, tagged tag, of an element at path (see
// node.path); or, for a nil ce, the path of the items of the collection at path.
func (w *walker) childPath(path, tag string, ce *schema.Element) string {
	k := pathKey{unsafe.StringData(path), len(path), ce}
	if p, ok := w.paths[k]; ok {
		return p
	}
	p := path + tag + "."
	if ce == nil {
		p = strings.TrimSuffix(path, ".") + "[]."
	}
	if w.paths == nil {
		w.paths = map[pathKey]string{}
	}
	w.paths[k] = p
	return p
}

// nodeKind says what an element is to the collection of its parent.
type nodeKind int

// The kinds of node.
const (
	// plainNode is the section's element, a child element or a collection item.
	plainNode nodeKind = iota
	// removeNode is a collection's remove directive: its attributes are the key.
	removeNode
	// clearNode is a collection's clear directive: it has no attributes.
	clearNode
)

// node is an element of the document being checked, with its declaration in the
// target schema and in the latest one.
type node struct {
	x  *etree.Element
	se *schema.Element // the target's declaration; for directives, the collection's item
	le *schema.Element // the latest version's declaration, or nil
	// kind says whether x is a remove or clear directive.
	kind nodeKind
	// label names x when it is a collection item that itemLabels knows.
	label itemLabel
	// outer is the scope of messages about x itself; scope the scope of messages about
	// its attributes and descendants.
	outer, scope *scope
	// path is x's dotted path from its scope's element, ending in a dot:
	// "processModel.", "recycling.periodicRestart.schedule[].", or "".
	path string
}

// scope names the collection items that messages about an element are within:
// `pool "Shop"`, `site "S", application "/"`; nil is the section itself. It is
// formatted only for a message.
type scope struct {
	outer *scope
	label itemLabel
	x     *etree.Element // the item the label names
}

// String formats the scope, outermost item first.
func (s *scope) String() string {
	if s == nil {
		return ""
	}
	name := fmt.Sprintf("%s (no %s)", s.label.name, s.label.key)
	if v, ok := parse.Attr(s.x, s.label.key); ok {
		name = fmt.Sprintf("%s %q", s.label.name, v)
	}
	if s.outer == nil {
		return name
	}
	return s.outer.String() + ", " + name
}

// prefix returns the start of a message about the node's attributes: the scope
// followed by ": ", or "".
func (n node) prefix() string { return scopePrefix(n.scope) }

// outerPrefix returns the start of a message about the node itself.
func (n node) outerPrefix() string { return scopePrefix(n.outer) }

// subject returns the start of a message about the value of the node's attribute:
// `pool "Shop": processModel.idleTimeout "00:30:30"`, or `pool name "Shop/Checkout"`
// for the attribute that names the scope.
func (n node) subject(name, text string) string {
	if n.label.key == name && n.path == "" {
		return fmt.Sprintf("%s%s %s %q", n.outerPrefix(), n.label.name, name, excerpt.String(text))
	}
	return fmt.Sprintf("%s%s%s %q", n.prefix(), n.path, name, excerpt.String(text))
}

// described returns how messages name the node's element: `site "Default Web Site"`
// for an item its key names, else `<add> in <schedule>` after the outer scope.
func (n node) described() string {
	if n.label.key != "" {
		if _, ok := parse.Attr(n.x, n.label.key); ok {
			return n.scope.String()
		}
	}
	return fmt.Sprintf("%s<%s> in <%s>", n.outerPrefix(), n.x.FullTag(), parentTag(n.x))
}

// scopePrefix returns the scope followed by ": ", or "" for the section itself.
func scopePrefix(s *scope) string {
	if s == nil {
		return ""
	}
	return s.String() + ": "
}

// element checks an element: its attributes, its required attributes, and its
// children. keys tracks the keys of its collection; nil makes a fresh index when the
// element has collection items.
func (w *walker) element(n node, keys *keyIndex) {
	w.attributes(n)
	w.required(n)
	if n.kind != plainNode {
		w.directiveChildren(n)
		return
	}
	w.children(n, keys)
}

// attributes checks each attribute of the node's element.
func (w *walker) attributes(n node) {
	for _, a := range n.x.Attr {
		name := a.FullKey()
		if strings.HasPrefix(name, "lock") && generalAttributes[name] {
			continue
		}
		sa := n.se.Attribute(name)
		switch {
		case n.kind == clearNode, n.kind == removeNode && (sa == nil || !isKey(sa)):
			w.directiveAttribute(n, name)
		case sa == nil:
			w.unknownAttribute(n, name)
		default:
			w.value(n, sa, name, a.Value)
		}
	}
}

// isKey reports whether a is part of its collection's key.
func isKey(a *schema.Attribute) bool { return a.UniqueKey || a.CombinedKey }

// unknownAttribute reports an attribute the target does not declare: PC108 when the
// latest version declares it, else PC102 unless the element is only partly modelled.
func (w *walker) unknownAttribute(n node, name string) {
	if la := latestAttribute(n, name); la != nil && la.Since > w.target() {
		pos, _ := w.doc.AttrPos(n.x, name)
		w.c.p.report(RuleNotInTarget, w.doc, pos, w.newerFix(la.Since, "remove the attribute"),
			"%s%s%s needs %s or later (target %s)", n.prefix(), n.path, name, iisName(la.Since), w.target())
		return
	}
	if n.se.Partial {
		return
	}
	pos, _ := w.doc.AttrPos(n.x, name)
	w.c.p.report(RuleUnknownAttribute, w.doc, pos, didYouMean(name, attributeNames(n.se), ""),
		"%sunrecognized attribute %q on <%s> (attribute names are case-sensitive)", n.prefix(), name, n.x.FullTag())
}

// directiveAttribute reports an attribute a <remove> or <clear/> does not take.
func (w *walker) directiveAttribute(n node, name string) {
	pos, _ := w.doc.AttrPos(n.x, name)
	if n.kind == clearNode {
		w.c.p.report(RuleUnknownAttribute, w.doc, pos, "remove the attribute",
			"%sunrecognized attribute %q on <%s>, which takes no attributes", n.outerPrefix(), name, n.x.FullTag())
		return
	}
	keys := keyNames(n.se)
	w.c.p.report(RuleUnknownAttribute, w.doc, pos, didYouMean(name, keys, "remove the attribute"),
		"%sunrecognized attribute %q on <%s>, which takes only the key (%s)", n.outerPrefix(), name, n.x.FullTag(), strings.Join(keys, ", "))
}

// latestAttribute returns the latest version's declaration of the node's attribute,
// or nil.
func latestAttribute(n node, name string) *schema.Attribute {
	if n.le == nil {
		return nil
	}
	return n.le.Attribute(name)
}

// attributeNames returns the names of e's attributes, in declaration order.
func attributeNames(e *schema.Element) []string {
	names := make([]string, len(e.Attributes))
	for i, a := range e.Attributes {
		names[i] = a.Name
	}
	return names
}

// keyNames returns the names of a collection item's key attributes.
func keyNames(item *schema.Element) []string {
	var names []string
	for _, a := range item.Attributes {
		if isKey(a) {
			names = append(names, a.Name)
		}
	}
	return names
}

// required reports required attributes the element lacks; a <remove> needs the
// collection's key.
func (w *walker) required(n node) {
	for _, a := range n.se.Attributes {
		var need bool
		switch n.kind {
		case plainNode:
			need = a.Required
		case removeNode:
			need = isKey(a)
		}
		if !need {
			continue
		}
		if _, ok := parse.Attr(n.x, a.Name); !ok {
			w.c.p.report(RuleMissingRequired, w.doc, w.doc.Pos(n.x), fmt.Sprintf("add %s=\"...\"", a.Name),
				"%s has no %s attribute, which IIS requires", n.described(), a.Name)
		}
	}
}

// parentTag returns the tag of e's parent element, or "".
func parentTag(e *etree.Element) string {
	if p := e.Parent(); p != nil {
		return p.FullTag()
	}
	return ""
}

// children checks the child elements of a node: collection directives, declared child
// elements (once each) and unknown elements, which are not descended into.
func (w *walker) children(n node, keys *keyIndex) {
	var seenBuf [8]*etree.Element
	seen := seenBuf[:0] // the declared child elements met so far
	var local keyIndex  // keys, unless the caller gave an index
	for x := range n.x.ChildElementsSeq() {
		tag := x.FullTag()
		if kind, ok := directiveKind(n.se.Collection, tag); ok {
			if keys == nil {
				w.c.initKeyIndex(&local, n.se.Collection, childCount(n.x))
				keys = &local
			}
			w.directive(n, keys, x, kind)
			continue
		}
		ce := n.se.Element(tag)
		if ce == nil {
			w.unknownElement(n, x, tag)
			continue
		}
		if i := slices.IndexFunc(seen, func(e *etree.Element) bool { return e.FullTag() == tag }); i >= 0 {
			w.c.p.report(RuleDuplicateElement, w.doc, w.doc.Pos(x), "merge it into the first one and remove this one",
				"%sduplicate <%s> in <%s>; the first is at %s (IIS allows one)",
				n.prefix(), tag, n.x.FullTag(), posRef(w.doc.Pos(x), w.doc.Pos(seen[i])))
		} else {
			seen = append(seen, x)
		}
		w.element(node{x: x, se: ce, le: latestChild(n.le, tag), outer: n.scope, scope: n.scope, path: w.childPath(n.path, tag, ce)}, nil)
	}
}

// directiveChildren reports the child elements of a <remove> or <clear/>, which take
// none.
func (w *walker) directiveChildren(n node) {
	for x := range n.x.ChildElementsSeq() {
		w.c.p.report(RuleUnknownElement, w.doc, w.doc.Pos(x), "remove the element",
			"%sunrecognized element <%s> in <%s>, which takes no child elements", n.outerPrefix(), x.FullTag(), n.x.FullTag())
	}
}

// directiveKind says whether tag is one of the collection's add, remove and clear
// directives, and which.
func directiveKind(c *schema.Collection, tag string) (nodeKind, bool) {
	switch {
	case c == nil:
		return 0, false
	case tag == c.AddElement:
		return plainNode, true
	case c.RemoveElement != "" && tag == c.RemoveElement:
		return removeNode, true
	case c.ClearElement != "" && tag == c.ClearElement:
		return clearNode, true
	}
	return 0, false
}

// latestChild returns the latest version's declaration of a child element or
// collection item, or nil.
func latestChild(le *schema.Element, tag string) *schema.Element {
	if le == nil {
		return nil
	}
	return childDecl(le, tag)
}

// childDecl returns the declaration of e's child tag: a child element, or the item of
// e's collection for its add and remove directives.
func childDecl(e *schema.Element, tag string) *schema.Element {
	if c := e.Collection; c != nil && (tag == c.AddElement || c.RemoveElement != "" && tag == c.RemoveElement) {
		return c.Item
	}
	return e.Element(tag)
}

// directive checks a collection directive of n's collection and records its effect
// on the collection's keys.
func (w *walker) directive(n node, keys *keyIndex, x *etree.Element, kind nodeKind) {
	coll := n.se.Collection
	child := node{x: x, se: coll.Item, le: latestChild(n.le, x.FullTag()), kind: kind, outer: n.scope, scope: n.scope}
	if n.path != "" {
		child.path = w.childPath(n.path, "", nil)
	}
	label := itemLabels[[2]string{n.x.FullTag(), coll.AddElement}]
	if kind == plainNode {
		child.label = label
	}
	var item *scope
	if kind == plainNode && label.key != "" {
		item = w.newScope(scope{outer: n.scope, label: label, x: x})
		child.scope, child.path = item, ""
	}
	w.element(child, nil)
	if item != nil {
		w.free = append(w.free, item)
	}
	switch kind {
	case plainNode:
		keys.add(w, n, x, label.itemName(coll.AddElement))
	case removeNode:
		keys.remove(x)
	case clearNode:
		keys.clear()
	}
}

// newScope returns a scope holding s, reusing one that is free.
func (w *walker) newScope(s scope) *scope {
	if n := len(w.free); n > 0 {
		p := w.free[n-1]
		w.free = w.free[:n-1]
		*p = s
		return p
	}
	p := new(scope) // not &s, which would move s to the heap on every call
	*p = s
	return p
}

// itemLabel names the items of a collection in messages.
type itemLabel struct {
	// name is what an item is: "pool", "schedule entry".
	name string
	// key is the attribute that names an item in the scope of messages about its
	// attributes and children, or "" when such messages keep the collection's scope
	// and give the item's path instead.
	key string
}

// itemName returns the label's name, or the item's tag when there is no label.
func (l itemLabel) itemName(tag string) string {
	if l.name == "" {
		return "<" + tag + ">"
	}
	return l.name
}

// itemLabels are the labels of collection items, by collection element and item tag.
var itemLabels = map[[2]string]itemLabel{
	{"applicationPools", "add"}:         {"pool", "name"},
	{"schedule", "add"}:                 {"schedule entry", ""},
	{"environmentVariables", "add"}:     {"environment variable", ""},
	{"sites", "site"}:                   {"site", "name"},
	{"bindings", "binding"}:             {"binding", ""},
	{"site", "application"}:             {"application", "path"},
	{"application", "virtualDirectory"}: {"virtual directory", "path"},
}

// unknownElement reports a child element the target does not declare: PC108 when the
// latest version declares it, else PC101 unless the parent is only partly modelled.
func (w *walker) unknownElement(n node, x *etree.Element, tag string) {
	if n.le != nil {
		if le := n.le.Element(tag); le != nil && le.Since > w.target() {
			w.c.p.report(RuleNotInTarget, w.doc, w.doc.Pos(x), w.newerFix(le.Since, "remove the element"),
				"%s%s%s needs %s or later (target %s)", n.prefix(), n.path, tag, iisName(le.Since), w.target())
			return
		}
	}
	if n.se.Partial {
		return
	}
	allowed := childNames(n.se)
	msg := fmt.Sprintf("%sunrecognized element <%s> in <%s>, which takes %s", n.prefix(), tag, n.x.FullTag(), tagList(allowed))
	if hasFold(allowed, tag) {
		msg += " (element names are case-sensitive)"
	}
	w.c.p.report(RuleUnknownElement, w.doc, w.doc.Pos(x), didYouMean(tag, allowed, "remove the element"), "%s", msg)
}

// childNames returns the element names e takes: its collection's directives, then its
// child elements.
func childNames(e *schema.Element) []string {
	var names []string
	if c := e.Collection; c != nil {
		for _, d := range []string{c.AddElement, c.RemoveElement, c.ClearElement} {
			if d != "" {
				names = append(names, d)
			}
		}
	}
	for _, c := range e.Elements {
		names = append(names, c.Name)
	}
	return names
}

// tagList formats names as "<a>, <b> and <c>", or "no child elements".
func tagList(names []string) string {
	if len(names) == 0 {
		return "no child elements"
	}
	tags := make([]string, len(names))
	for i, n := range names {
		tags[i] = "<" + n + ">"
	}
	if len(tags) == 1 {
		return tags[0]
	}
	return strings.Join(tags[:len(tags)-1], ", ") + " and " + tags[len(tags)-1]
}

// hasFold reports whether one of names equals name but for letter case.
func hasFold(names []string, name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// target returns the target version.
func (w *walker) target() schema.Version { return w.c.p.target.Version }

// newerFix suggests what to do about something that needs version v.
func (w *walker) newerFix(v schema.Version, otherwise string) string {
	return fmt.Sprintf("%s, or lint with --target %s if every server runs %s or later", otherwise, v, iisName(v))
}

// iisName returns a version as prose spells it: "IIS 8.5", "IIS 10".
func iisName(v schema.Version) string { return "IIS " + strings.TrimPrefix(v.String(), "iis") }

// value checks one attribute value: its type (PC103), its validator (PC104, PC105),
// whether a later version would accept it (PC108), its spelling (PC310) and a timeSpan
// written as a bare number (PC314).
//
// What it reports depends on the attribute and the text alone, so a value found clean
// (nothing reported) is remembered, and the same value of the same attribute later
// costs a lookup.
func (w *walker) value(n node, a *schema.Attribute, name, text string) {
	memo := memoizable(a)
	if memo {
		if _, ok := w.c.clean[cleanValue{a, text}]; ok {
			return
		}
	}
	v, err := a.Parse(text)
	rule := RuleInvalidValue
	if err == nil {
		err = a.Validate(v)
		rule = validationRule(a.Validation)
	}
	if err == nil {
		w.spelling(n, a, name, v)
		bare := w.bareTimeSpan(n, a, name, text)
		if memo && v.Spelling == schema.Exact && !bare && len(w.c.clean) < maxCleanValues {
			w.c.clean[cleanValue{a, text}] = struct{}{}
		}
		return
	}
	subject := n.subject(name, text)
	if since, ok := w.acceptedSince(n, name, text); ok {
		pos, _ := w.doc.AttrValuePos(n.x, name)
		w.c.p.report(RuleNotInTarget, w.doc, pos, w.newerFix(since, "use a value "+w.target().String()+" accepts"),
			"%s%s needs %s or later (target %s)", subject, w.valueNote(n, name, text), iisName(since), w.target())
		return
	}
	offset := -1
	var ve *schema.ValueError
	if errors.As(err, &ve) {
		offset = ve.Offset
	}
	w.c.p.report(rule, w.doc, valuePos(w.doc, n.x, name, text, offset), valueFix(a, text), "%s%s", subject, describeValueError(a, text, err))
}

// validationRule returns the rule of a value its validator rejects.
func validationRule(val *schema.Validation) string {
	if val != nil && (val.Kind == schema.IntegerRange || val.Kind == schema.TimeSpanRange) {
		return RuleOutOfRange
	}
	return RuleInvalidString
}

// describeValueError turns a parse or validation error into the end of a message that starts
// with the attribute and its quoted value.
func describeValueError(a *schema.Attribute, text string, err error) string {
	// Not err.Error() for a ValueError: it quotes the whole value, which may be huge.
	var msg string
	if ve, ok := errors.AsType[*schema.ValueError](err); ok {
		msg = ve.Msg
	} else {
		msg = err.Error()
	}
	switch {
	case a.Type == schema.Enum && strings.HasPrefix(msg, "enum "):
		return " " + strings.TrimPrefix(msg, "enum ")
	case strings.HasPrefix(msg, "must "):
		return " " + msg
	case strings.HasPrefix(msg, "not "), strings.HasPrefix(msg, "out of "):
		return " is " + msg
	case a.Type == schema.TimeSpanType:
		return " is not a timeSpan ([-][d.]hh:mm:ss[.fffffff]): " + strings.TrimPrefix(msg, fmt.Sprintf("timespan %q: ", excerpt.String(text)))
	}
	return ": " + msg
}

// valueFix suggests a replacement for a value of the wrong type: the closest enum name.
func valueFix(a *schema.Attribute, text string) string {
	if a.Type != schema.Enum {
		return ""
	}
	names := make([]string, len(a.Enum))
	for i, e := range a.Enum {
		names[i] = e.Name
	}
	return didYouMean(text, names, "")
}

// acceptedSince returns the oldest version after the target whose schema accepts text
// for the node's attribute, when the latest version accepts it.
func (w *walker) acceptedSince(n node, name, text string) (schema.Version, bool) {
	la := latestAttribute(n, name)
	if la == nil {
		return 0, false
	}
	if _, err := la.ParseAndValidate(text); err != nil {
		return 0, false
	}
	tags := tagPath(w.root, n.x)
	for _, v := range schema.Versions() {
		if v <= w.target() {
			continue
		}
		if a := w.attributeIn(v, tags, name); a != nil {
			if _, err := a.ParseAndValidate(text); err == nil {
				return v, true
			}
		}
	}
	return 0, false
}

// attributeIn returns version v's declaration of the attribute name of the element at
// tags (from the section's element), or nil.
func (w *walker) attributeIn(v schema.Version, tags []string, name string) *schema.Attribute {
	sec := w.c.schemaFor(v).Section(w.section)
	if sec == nil {
		return nil
	}
	e := sec.Root
	for _, t := range tags {
		if e = childDecl(e, t); e == nil {
			return nil
		}
	}
	return e.Attribute(name)
}

// tagPath returns the tags of the elements from below root down to x.
func tagPath(root, x *etree.Element) []string {
	var tags []string
	for e := x; e != nil && e != root; e = e.Parent() {
		tags = append(tags, e.FullTag())
	}
	for i, j := 0, len(tags)-1; i < j; i, j = i+1, j-1 {
		tags[i], tags[j] = tags[j], tags[i]
	}
	return tags
}

// valueNotes explain values whose meaning is not obvious from the text, by
// "attribute=canonical value".
var valueNotes = map[string]string{
	"maxProcesses=0": "one worker per NUMA node",
}

// valueNote returns " (what the value means)" for values valueNotes explains.
func (w *walker) valueNote(n node, name, text string) string {
	la := latestAttribute(n, name)
	if la == nil {
		return ""
	}
	v, err := la.Parse(text)
	if err != nil {
		return ""
	}
	if note, ok := valueNotes[name+"="+v.String()]; ok {
		return " (" + note + ")"
	}
	return ""
}

// spelling reports an enum, flags or bool value not written as the schema spells it.
func (w *walker) spelling(n node, a *schema.Attribute, name string, v schema.Value) {
	if v.Spelling == schema.Exact {
		return
	}
	canon := v.String()
	pos, _ := w.doc.AttrValuePos(n.x, name)
	fix := fmt.Sprintf("%s=%q", name, canon)
	subject := n.subject(name, v.Text)
	switch {
	case v.Spelling == schema.OtherCase:
		w.c.p.report(RuleNonCanonical, w.doc, pos, fix,
			"%s is spelled %q in the schema; IIS matches it case-insensitively", subject, canon)
	case a.Type == schema.Enum:
		w.c.p.report(RuleNonCanonical, w.doc, pos, fix,
			"%s is the number of %q; write the name (whether IIS accepts numbers is not documented)", subject, canon)
	default:
		w.c.p.report(RuleNonCanonical, w.doc, pos, fix,
			"%s gives flags by number; the schema spells them %q (whether IIS accepts numbers is not documented)", subject, canon)
	}
}

// valuePos returns the position of the character at byte offset in the attribute's
// value text, or of the value's start when offset is not positive or the value's
// source cannot be followed that far on its line. The value text is the decoded value:
// an entity or character reference in the source stands for one character of it.
func valuePos(doc *parse.Document, x *etree.Element, name, text string, offset int) parse.Pos {
	pos, ok := doc.AttrValuePos(x, name)
	if !ok || offset <= 0 || offset > len(text) {
		return pos
	}
	line := doc.Line(pos.Line)
	start := 0
	for col := 1; col < pos.Col && start < len(line); col++ {
		_, size := utf8.DecodeRuneInString(line[start:])
		start += size
	}
	raw := line[start:]
	rawBytes, runes := 0, 0
	for i := 0; i < offset; {
		if rawBytes >= len(raw) {
			return pos
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
		step := 1
		if raw[rawBytes] == '&' {
			if semi := strings.IndexByte(raw[rawBytes:], ';'); semi > 0 {
				step = semi + 1
			}
		} else {
			_, step = utf8.DecodeRuneInString(raw[rawBytes:])
		}
		runes += utf8.RuneCountInString(raw[rawBytes : rawBytes+step])
		rawBytes += step
	}
	pos.Col += runes
	pos.Offset += rawBytes
	return pos
}
