package parse

import (
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/schema"
)

// Pool is one application pool: an <add> element of the applicationPools section, with
// the defaults that apply to it.
type Pool struct {
	// Name is the pool's name as written.
	Name    string
	Element *etree.Element
	Doc     *Document
	cfg     *Config
}

// Pos returns the position of the pool's <add> element.
func (p *Pool) Pos() Pos { return p.Doc.Pos(p.Element) }

// Pools returns every pool of the server-level applicationPools sections, in document
// order, duplicates included (lint reports them; Pool finds the first).
func (c *Config) Pools() []*Pool { return c.poolList }

// Pool returns the first pool with the given name, compared case-insensitively as IIS
// compares pool names, or nil.
func (c *Config) Pool(name string) *Pool {
	var buf [64]byte
	if lower, ok := appendLowerASCII(buf[:0], name); ok {
		// strings.ToLower and strings.EqualFold agree on ASCII. The conversion in the
		// index expression does not allocate.
		return c.poolIndex[string(lower)]
	}
	if p, ok := c.poolIndex[strings.ToLower(name)]; ok {
		return p
	}
	// A non-ASCII name may fold to another name without lowering to it (the Kelvin
	// sign and "k").
	for _, p := range c.poolList {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// appendLowerASCII appends s in lower case to dst when s is ASCII; ok is false
// otherwise.
func appendLowerASCII(dst []byte, s string) (lower []byte, ok bool) {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= 0x80 {
			return dst, false
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst, true
}

// PoolDefaults returns the <applicationPoolDefaults> elements of the server-level
// sections, in document order, with their documents. A later one overrides an earlier.
func (c *Config) PoolDefaults() []Located { return c.defaults }

// Located is an element together with the document that holds it.
type Located struct {
	Element *etree.Element
	Doc     *Document
}

func (c *Config) resolvePools() {
	c.poolIndex = make(map[string]*Pool)
	for _, ref := range c.pools {
		for e := range ref.Element.ChildElementsSeq() {
			switch e.FullTag() {
			case "add":
				p := &Pool{Name: attrOr(e, "name", ""), Element: e, Doc: ref.Doc, cfg: c}
				c.poolList = append(c.poolList, p)
				if key := strings.ToLower(p.Name); c.poolIndex[key] == nil {
					c.poolIndex[key] = p
				}
			case "applicationPoolDefaults":
				c.defaults = append(c.defaults, Located{Element: e, Doc: ref.Doc})
			}
		}
	}
}

// Settings returns the effective value of every attribute of the pool that the target
// version knows (collections aside: see Collection), in schema order: the pool's own
// value, else the last <applicationPoolDefaults> value, else the schema default.
func (p *Pool) Settings() []Setting {
	attrs := p.cfg.poolOrder
	out := make([]Setting, 0, len(attrs))
	root := p.layers()
	ls := make([]layer, len(root))
	var at []string // the element path ls has descended to
	for i, pa := range attrs {
		if i == 0 || !slices.Equal(pa.elems, at) {
			copy(ls, root)
			descendInto(ls, pa.elems)
			at = pa.elems
		}
		out = append(out, resolve(pa.attr, pa.path, ls))
	}
	return out
}

// poolAttr is an attribute of the pool schema with its dotted path and the path to
// its element.
type poolAttr struct {
	path  string   // "processModel.idleTimeout"
	elems []string // the element names from the pool's <add> down: ["processModel"]
	attr  *schema.Attribute
}

// poolAttrsOf appends to out the attributes of se, whose element is at elems beneath
// the pool, and of its descendants, in schema order (an element's attributes, then
// each child's), and returns out.
func poolAttrsOf(se *schema.Element, elems []string, out []poolAttr) []poolAttr {
	prefix := strings.Join(elems, ".")
	if prefix != "" {
		prefix += "."
	}
	for _, a := range se.Attributes {
		out = append(out, poolAttr{path: prefix + a.Name, elems: elems, attr: a})
	}
	for _, c := range se.Elements {
		out = poolAttrsOf(c, append(slices.Clip(elems), c.Name), out)
	}
	return out
}

// indexPoolAttrs returns the attributes by path, the first of each path.
func indexPoolAttrs(attrs []poolAttr) map[string]poolAttr {
	m := make(map[string]poolAttr, len(attrs))
	for _, pa := range attrs {
		if _, dup := m[pa.path]; !dup {
			m[pa.path] = pa
		}
	}
	return m
}

// Setting returns the effective value of the attribute at a dotted path such as
// "processModel.idleTimeout"; ok is false when the target version has no such attribute.
// It allocates nothing: checks call it for every pool, and find the path's attribute
// resolved in advance.
func (p *Pool) Setting(path string) (Setting, bool) {
	if pa, ok := p.cfg.poolAttrs[path]; ok {
		return p.setting(path, pa.elems, pa.attr), true
	}
	return p.settingBySchema(path)
}

// settingBySchema is Setting for a path that poolAttrs does not have: it finds the
// attribute in the schema, as the path's segments lead.
func (p *Pool) settingBySchema(path string) (Setting, bool) {
	elemPath, name := path, path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		elemPath, name = path[:i], path[i+1:]
	} else {
		elemPath = ""
	}
	se := p.cfg.Schema.Pool()
	for seg, rest := cutPath(elemPath); seg != ""; seg, rest = cutPath(rest) {
		if se = se.Element(seg); se == nil {
			return Setting{}, false
		}
	}
	a := se.Attribute(name)
	if a == nil {
		return Setting{}, false
	}
	var elems [8]string
	segs := elems[:0]
	for seg, rest := cutPath(elemPath); seg != ""; seg, rest = cutPath(rest) {
		segs = append(segs, seg)
	}
	return p.setting(path, segs, a), true
}

// setting returns the effective value of attribute a of the element at elems beneath
// the pool: the pool's, else the last <applicationPoolDefaults>'s, else the schema
// default.
func (p *Pool) setting(path string, elems []string, a *schema.Attribute) Setting {
	if s, ok := settingIn(p.Element, p.Doc, FromPool, elems, a, path); ok {
		return s
	}
	for i := len(p.cfg.defaults) - 1; i >= 0; i-- {
		d := p.cfg.defaults[i]
		if s, ok := settingIn(d.Element, d.Doc, FromPoolDefaults, elems, a, path); ok {
			return s
		}
	}
	return Setting{Path: path, Attr: a, Text: a.Default, Origin: FromSchema}
}

// cutPath splits the first segment off a dotted path.
func cutPath(path string) (seg, rest string) {
	seg, rest, _ = strings.Cut(path, ".")
	return seg, rest
}

// settingIn returns the attribute a of the element at elems beneath e, when set.
func settingIn(e *etree.Element, doc *Document, o Origin, elems []string, a *schema.Attribute, path string) (Setting, bool) {
	for _, seg := range elems {
		if e = Child(e, seg); e == nil {
			break
		}
	}
	if e == nil {
		return Setting{}, false
	}
	text, ok := Attr(e, a.Name)
	if !ok {
		return Setting{}, false
	}
	return Setting{Path: path, Attr: a, Text: text, Origin: o, Element: e, Doc: doc}, true
}

// layer is one source of values, weakest first: each <applicationPoolDefaults> in
// order, then the pool. A nil element means the source has no such element.
type layer struct {
	elem   *etree.Element
	doc    *Document
	origin Origin
}

func (p *Pool) layers() []layer {
	var ls []layer
	for _, d := range p.cfg.PoolDefaults() {
		ls = append(ls, layer{d.Element, d.Doc, FromPoolDefaults})
	}
	return append(ls, layer{p.Element, p.Doc, FromPool})
}

// descend returns the layers moved to their child elements along path (the first child
// of each name, as IIS reads one element of a name).
func descend(ls []layer, path []string) []layer {
	out := slices.Clone(ls)
	descendInto(out, path)
	return out
}

// descendInto moves every layer of ls to its child element along path, in place.
func descendInto(ls []layer, path []string) {
	for _, seg := range path {
		for i := range ls {
			if ls[i].elem != nil {
				ls[i].elem = Child(ls[i].elem, seg)
			}
		}
	}
}

// resolve picks the strongest layer that sets the attribute.
func resolve(a *schema.Attribute, path string, ls []layer) Setting {
	for i := len(ls) - 1; i >= 0; i-- {
		l := ls[i]
		if l.elem == nil {
			continue
		}
		if text, ok := Attr(l.elem, a.Name); ok {
			return Setting{Path: path, Attr: a, Text: text, Origin: l.origin, Element: l.elem, Doc: l.doc}
		}
	}
	return Setting{Path: path, Attr: a, Text: a.Default, Origin: FromSchema}
}
