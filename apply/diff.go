package apply

import (
	"strings"
	"unicode"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// DiffOptions tune Diff.
type DiffOptions struct {
	// Declared compares what each pool's own element declares, an unset attribute
	// counting as the schema default, instead of the effective values IIS runs (the
	// schema default, then <applicationPoolDefaults>, then the pool's own element).
	Declared bool
}

// DiffKind says how an entry or a collection item differs: added, removed or changed.
type DiffKind int

// The kinds of difference.
const (
	// DiffAdded is an entry or item that only the second configuration has.
	DiffAdded DiffKind = iota + 1
	// DiffRemoved is an entry or item that only the first configuration has.
	DiffRemoved
	// DiffChanged is an entry or item that both have, with different values.
	DiffChanged
)

// String returns "added", "removed" or "changed".
func (k DiffKind) String() string {
	switch k {
	case DiffAdded:
		return "added"
	case DiffRemoved:
		return "removed"
	case DiffChanged:
		return "changed"
	}
	return "unknown"
}

// Symbol returns the mark of a difference in a listing: "+" added, "-" removed,
// "~" changed.
func (k DiffKind) Symbol() string {
	switch k {
	case DiffAdded:
		return "+"
	case DiffRemoved:
		return "-"
	}
	return "~"
}

// Difference is what Diff found between the application pools of two configurations.
type Difference struct {
	// A and B are the files' names, as parse.Document.Name gives them.
	A, B string
	// Declared is DiffOptions.Declared: the pools' own values were compared, not their
	// effective values.
	Declared bool
	// Defaults is the difference between the <applicationPoolDefaults> of the two files,
	// or nil when they are equal. Its Change is always DiffChanged: a file without the
	// element has the schema defaults. When comparing effective values, the pools that
	// inherit a changed value show it too; the entry itself says what a pool added later
	// would inherit.
	Defaults *EntryDiff
	// Pools are the added, removed and changed pools: B's pool order for added and
	// changed ones, then the removed ones in A's order.
	Pools []EntryDiff
}

// Equal reports whether Diff found no difference.
func (d *Difference) Equal() bool { return d.Defaults == nil && len(d.Pools) == 0 }

// EntryDiff is the difference of one pool, or of the <applicationPoolDefaults>.
type EntryDiff struct {
	// Name is the pool's name as B writes it (as A writes it for a removed pool); "" for
	// the defaults.
	Name   string
	Change DiffKind
	// PosA and PosB are the positions of the pool's <add> (or of the first
	// <applicationPoolDefaults>) in each file; zero where there is none.
	PosA, PosB parse.Pos
	// Attrs are the attributes that differ, in schema order. For an added or removed
	// pool they are the attributes whose value is not the schema default, with the
	// values of the side that has the pool only.
	Attrs []AttrDiff
	// Items are the collection items that differ, collection by collection in schema
	// order; for an added or removed pool, every item it has.
	Items []ItemDiff
}

// AttrDiff is one attribute whose values differ.
type AttrDiff struct {
	// Path is the attribute's dotted path as schema.Flatten spells it, such as
	// "processModel.idleTimeout" or "environmentVariables[].value".
	Path string
	// Old and New are the values as written, or the schema default as the schema spells
	// it; "" on the side that lacks the entry, and both "" when Secret.
	Old, New string
	// Secret marks an encrypted attribute (processModel.password): its values are never
	// kept, let alone printed.
	Secret bool
	// PosA and PosB are where each value is written; zero for a schema default.
	PosA, PosB parse.Pos
	// OriginA and OriginB say where each side's value comes from: the pool's own
	// element, <applicationPoolDefaults> or the schema default. Only the sides that have
	// the entry count.
	OriginA, OriginB parse.Origin
}

// ItemDiff is one collection item that differs.
type ItemDiff struct {
	// Collection is the dotted path of the element that holds the collection:
	// "recycling.periodicRestart.schedule" or "environmentVariables".
	Collection string
	// Key is the item's key as written (B's spelling for an item both have), such as
	// "03:00:00" or a variable's name; "" for a clear directive.
	Key string
	// Directive is "" for an item that an add element declares. When comparing what each
	// file says rather than effective items, the remove and clear directives of a pool's
	// own collection are items too: Directive is then the element's name ("remove",
	// "clear").
	Directive string
	Change    DiffKind
	// Attrs are the item's attributes that differ, for a changed item (such as an
	// environment variable's value).
	Attrs []AttrDiff
	// PosA and PosB are the positions of the item's element in each file; zero where
	// there is none.
	PosA, PosB parse.Pos
	// OriginA and OriginB say which element declares the item on each side that has it:
	// the pool's own or <applicationPoolDefaults>.
	OriginA, OriginB parse.Origin
}

// Diff compares the application pools of a and b, both loaded for the same IIS
// version, whose schema (a.Schema) gives the attributes, types and defaults. It
// compares effective values, as IIS runs them and "poolctl show" prints them, unless
// opt.Declared; the <applicationPoolDefaults> are compared as one more entry in both
// modes.
//
// Values compare as the schema compares them: parsed by the attribute's type
// (timeSpans by duration, enums, flags and bools by value whatever their case,
// numbers by value), as text when they do not parse, and as raw text for encrypted
// attributes. An unset attribute is the schema default, so writing the default is no
// difference. Pools pair by name, case-insensitively, as IIS compares them; the name
// itself is not compared. Attributes the schema does not know are not compared: lint
// reports them. Collections compare as sets of items paired by key.
func Diff(a, b *parse.Config, opt DiffOptions) *Difference {
	d := &Difference{A: a.Doc.Name, B: b.Doc.Name, Declared: opt.Declared}
	defShape := newDiffShape(a.Schema.PoolDefaults(), false)
	if e, ok := diffEntry(defShape, diffDefaultsSide(a), diffDefaultsSide(b)); ok {
		d.Defaults = &e
	}
	shape := newDiffShape(a.Schema.Pool(), true)
	for _, pr := range diffPairPools(a.Pools(), b.Pools()) {
		if e, ok := diffEntry(shape, diffPoolSide(pr.a, opt), diffPoolSide(pr.b, opt)); ok {
			e.Name = pr.name()
			d.Pools = append(d.Pools, e)
		}
	}
	return d
}

// diffShape lists what Diff compares in an entry: its attributes and its collections,
// in schema order.
type diffShape struct {
	attrs []diffAttrSpec
	colls []diffCollSpec
}

// diffAttrSpec is one attribute of an entry: its dotted path and the element path to
// the element that carries it.
type diffAttrSpec struct {
	path  string
	elems []string
	attr  *schema.Attribute
}

// diffCollSpec is one collection of an entry: the dotted path of the element that holds
// it, as segments too, and its key attributes.
type diffCollSpec struct {
	path  string
	elems []string
	coll  *schema.Collection
	keys  []*schema.Attribute
}

// newDiffShape walks e; skipKey leaves out the key attribute (a pool's name).
func newDiffShape(e *schema.Element, skipKey bool) *diffShape {
	s := &diffShape{}
	s.walk(e, nil, skipKey)
	return s
}

func (s *diffShape) walk(e *schema.Element, elems []string, skipKey bool) {
	prefix := strings.Join(elems, ".")
	if prefix != "" {
		prefix += "."
	}
	for _, a := range e.Attributes {
		if !(skipKey && a.UniqueKey) {
			s.attrs = append(s.attrs, diffAttrSpec{path: prefix + a.Name, elems: elems, attr: a})
		}
	}
	for _, c := range e.Elements {
		sub := append(elems[:len(elems):len(elems)], c.Name)
		if c.Collection != nil {
			s.colls = append(s.colls, diffCollSpec{path: prefix + c.Name, elems: sub, coll: c.Collection, keys: c.Collection.Key()})
		}
		s.walk(c, sub, skipKey)
	}
}

// diffPair is a pool of A and the pool of B with the same name; either is nil when the
// other file has no such pool.
type diffPair struct{ a, b *parse.Pool }

// name returns the pool's name as B writes it, or as A does when B has no such pool.
func (pr diffPair) name() string {
	if pr.b != nil {
		return pr.b.Name
	}
	return pr.a.Name
}

// diffPairPools pairs the pools of A and B by name, case-insensitively, in B's order, then
// lists the pools only A has in A's order. Duplicate names pair in document order.
func diffPairPools(as, bs []*parse.Pool) []diffPair {
	byName := make(map[string][]int, len(as))
	for i, p := range as {
		k := diffFoldName(p.Name)
		byName[k] = append(byName[k], i)
	}
	paired := make([]bool, len(as))
	pairs := make([]diffPair, 0, len(bs))
	for _, p := range bs {
		k := diffFoldName(p.Name)
		q := byName[k]
		if len(q) == 0 {
			pairs = append(pairs, diffPair{b: p})
			continue
		}
		byName[k] = q[1:]
		paired[q[0]] = true
		pairs = append(pairs, diffPair{a: as[q[0]], b: p})
	}
	for i, p := range as {
		if !paired[i] {
			pairs = append(pairs, diffPair{a: p})
		}
	}
	return pairs
}

// diffFoldName returns a key under which two names that strings.EqualFold calls equal are
// equal: each rune becomes the smallest rune of its case-folding orbit.
func diffFoldName(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

// diffSide is one file's side of an entry: whether the file has it, where, and where
// its values come from.
type diffSide struct {
	present bool
	pos     parse.Pos
	// pool gives effective values when comparing them; nil otherwise.
	pool *parse.Pool
	// layers are the elements whose own values count, weakest first, and origin is the
	// origin of their values.
	layers []parse.Located
	origin parse.Origin
}

// diffPoolSide returns the side of pool p, which may be nil.
func diffPoolSide(p *parse.Pool, opt DiffOptions) diffSide {
	if p == nil {
		return diffSide{}
	}
	s := diffSide{present: true, pos: p.Pos(), origin: parse.FromPool}
	if opt.Declared {
		s.layers = []parse.Located{{Element: p.Element, Doc: p.Doc}}
	} else {
		s.pool = p
	}
	return s
}

// diffDefaultsSide returns the side of cfg's <applicationPoolDefaults>: always present,
// since a file without the element has the schema defaults.
func diffDefaultsSide(cfg *parse.Config) diffSide {
	s := diffSide{present: true, layers: cfg.PoolDefaults(), origin: parse.FromPoolDefaults}
	if len(s.layers) > 0 {
		s.pos = s.layers[0].Doc.Pos(s.layers[0].Element)
	}
	return s
}

// setting returns the side's value of one attribute: the effective value, or the
// strongest layer's own value, else the schema default.
func (s diffSide) setting(spec diffAttrSpec) parse.Setting {
	if s.pool != nil {
		if st, ok := s.pool.Setting(spec.path); ok {
			return st
		}
	}
	for i := len(s.layers) - 1; i >= 0; i-- {
		l := s.layers[i]
		e := diffChildAt(l.Element, spec.elems)
		if e == nil {
			continue
		}
		if text, ok := parse.Attr(e, spec.attr.Name); ok {
			return parse.Setting{Path: spec.path, Attr: spec.attr, Text: text, Origin: s.origin, Element: e, Doc: l.Doc}
		}
	}
	return parse.Setting{Path: spec.path, Attr: spec.attr, Text: spec.attr.Default, Origin: parse.FromSchema}
}

// diffChildAt follows path from e, taking the first child element of each name, as IIS
// reads one element of a name; nil when one is missing.
func diffChildAt(e *etree.Element, path []string) *etree.Element {
	for _, seg := range path {
		var next *etree.Element
		for c := range e.ChildElementsSeq() {
			if c.Space == "" && c.Tag == seg {
				next = c
				break
			}
		}
		if next == nil {
			return nil
		}
		e = next
	}
	return e
}

// diffEntry compares the two sides of an entry; ok is false when they do not differ.
func diffEntry(shape *diffShape, sa, sb diffSide) (e EntryDiff, ok bool) {
	e = EntryDiff{Change: diffChangeOf(sa.present, sb.present), PosA: sa.pos, PosB: sb.pos}
	for _, spec := range shape.attrs {
		x, y := sa.setting(spec), sb.setting(spec)
		if !sameValue(spec.attr, x.Text, y.Text) {
			e.Attrs = append(e.Attrs, newAttrDiff(spec.path, spec.attr, sa.present, x, sb.present, y))
		}
	}
	for _, spec := range shape.colls {
		e.Items = append(e.Items, diffItems(spec, sa.items(spec), sb.items(spec))...)
	}
	return e, sa.present != sb.present || len(e.Attrs) > 0 || len(e.Items) > 0
}

// diffChangeOf returns the kind of difference of an entry present (or not) on each side.
func diffChangeOf(inA, inB bool) DiffKind {
	switch {
	case !inA:
		return DiffAdded
	case !inB:
		return DiffRemoved
	}
	return DiffChanged
}

// newAttrDiff describes a differing attribute from each side's setting, leaving out the
// values and positions of a side that lacks the entry and every value of a secret.
func newAttrDiff(path string, a *schema.Attribute, inA bool, x parse.Setting, inB bool, y parse.Setting) AttrDiff {
	d := AttrDiff{Path: path, Secret: a.Encrypted}
	if inA {
		d.PosA, d.OriginA = x.Pos(), x.Origin
		if !d.Secret {
			d.Old = x.Text
		}
	}
	if inB {
		d.PosB, d.OriginB = y.Pos(), y.Origin
		if !d.Secret {
			d.New = y.Text
		}
	}
	return d
}

// diffItem is one item of a collection on one side: an effective item, or one directive
// of the side's own elements.
type diffItem struct {
	directive string // "" for an add element, else the directive's element name
	key       string
	elem      *etree.Element
	doc       *parse.Document
	origin    parse.Origin
}

// pos returns the position of the item's element.
func (it diffItem) pos() parse.Pos { return it.doc.Pos(it.elem) }

// items returns the side's items of one collection: the effective items, or the add,
// remove and clear directives its own elements write.
func (s diffSide) items(spec diffCollSpec) []diffItem {
	var out []diffItem
	if s.pool != nil {
		items, _ := s.pool.Collection(spec.path)
		for _, it := range items {
			out = append(out, diffItem{key: it.Key, elem: it.Element, doc: it.Doc, origin: it.Origin})
		}
		return out
	}
	for _, l := range s.layers {
		holder := diffChildAt(l.Element, spec.elems)
		if holder == nil {
			continue
		}
		for e := range holder.ChildElementsSeq() {
			dir, ok := diffDirective(spec.coll, e)
			if !ok {
				continue
			}
			it := diffItem{directive: dir, elem: e, doc: l.Doc, origin: s.origin}
			if dir == "" || dir == spec.coll.RemoveElement {
				it.key = diffItemKey(e, spec.keys)
			}
			out = append(out, it)
		}
	}
	return out
}

// diffDirective returns the collection directive that e is: "" for the add element, the
// element's name for the remove and clear elements; ok is false for any other element.
func diffDirective(c *schema.Collection, e *etree.Element) (dir string, ok bool) {
	switch {
	case e.Space != "":
		return "", false
	case e.Tag == c.AddElement:
		return "", true
	case e.Tag == c.RemoveElement && c.RemoveElement != "", e.Tag == c.ClearElement && c.ClearElement != "":
		return e.Tag, true
	}
	return "", false
}

// diffItemKey returns the key of an add or remove element as parse.Item.Key spells it: the
// key attributes' values joined by "|".
func diffItemKey(e *etree.Element, keys []*schema.Attribute) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i], _ = parse.Attr(e, k.Name)
	}
	return strings.Join(parts, "|")
}

// diffItems compares the items of one collection: items pair by directive and key (in
// document order when a key repeats); B's unpaired items are added, A's removed, and
// paired add items whose other attributes differ are changed.
func diffItems(spec diffCollSpec, as, bs []diffItem) []ItemDiff {
	var out []ItemDiff
	paired := make([]bool, len(as))
	for _, y := range bs {
		i := diffPairItem(spec, as, paired, y)
		if i < 0 {
			d := spec.itemDiff(y, DiffAdded)
			d.PosB, d.OriginB = y.pos(), y.origin
			out = append(out, d)
			continue
		}
		paired[i] = true
		if attrs := diffItemAttrs(spec, as[i], y); len(attrs) > 0 {
			d := spec.itemDiff(y, DiffChanged)
			d.Attrs, d.PosA, d.PosB = attrs, as[i].pos(), y.pos()
			d.OriginA, d.OriginB = as[i].origin, y.origin
			out = append(out, d)
		}
	}
	for i, x := range as {
		if !paired[i] {
			d := spec.itemDiff(x, DiffRemoved)
			d.PosA, d.OriginA = x.pos(), x.origin
			out = append(out, d)
		}
	}
	return out
}

// itemDiff returns the difference of kind k for item it of the collection, without
// positions.
func (spec diffCollSpec) itemDiff(it diffItem, k DiffKind) ItemDiff {
	return ItemDiff{Collection: spec.path, Key: it.key, Directive: it.directive, Change: k}
}

// diffPairItem returns the index of the first unpaired item of as with y's directive and
// key, or -1.
func diffPairItem(spec diffCollSpec, as []diffItem, paired []bool, y diffItem) int {
	for i, x := range as {
		if !paired[i] && x.directive == y.directive && parse.SameKey(spec.keys, x.key, y.key) {
			return i
		}
	}
	return -1
}

// diffItemAttrs compares the attributes of two add items with the same key, but the
// key: an unset attribute is its schema default.
func diffItemAttrs(spec diffCollSpec, x, y diffItem) []AttrDiff {
	if x.directive != "" {
		return nil
	}
	var out []AttrDiff
	for _, a := range spec.coll.Item.Attributes {
		if a.UniqueKey || a.CombinedKey {
			continue
		}
		sx, sy := diffItemSetting(spec, a, x), diffItemSetting(spec, a, y)
		if !sameValue(a, sx.Text, sy.Text) {
			out = append(out, newAttrDiff(sx.Path, a, true, sx, true, sy))
		}
	}
	return out
}

// diffItemSetting returns one attribute of an item as a setting: its value as written,
// with the origin of the element that declares the item, or the schema default.
func diffItemSetting(spec diffCollSpec, a *schema.Attribute, it diffItem) parse.Setting {
	path := spec.path + "[]." + a.Name
	if text, ok := parse.Attr(it.elem, a.Name); ok {
		return parse.Setting{Path: path, Attr: a, Text: text, Origin: it.origin, Element: it.elem, Doc: it.doc}
	}
	return parse.Setting{Path: path, Attr: a, Text: a.Default, Origin: parse.FromSchema}
}
