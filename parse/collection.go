package parse

import (
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/schema"
)

// Item is one effective entry of a collection, such as a recycling schedule time or an
// environment variable.
type Item struct {
	// Key is the text of the item's key attribute ("03:00:00", "ASPNETCORE_ENVIRONMENT").
	Key     string
	Element *etree.Element
	Doc     *Document
	Origin  Origin
}

// Pos returns the position of the item's <add> element.
func (it Item) Pos() Pos { return it.Doc.Pos(it.Element) }

// Attr returns the text of one attribute of the item and whether it is set.
func (it Item) Attr(name string) (string, bool) {
	return Attr(it.Element, name)
}

// Collection returns the effective items of one of the pool's collections, named by the
// dotted path of the element that holds it: "recycling.periodicRestart.schedule" or
// "environmentVariables". Inheritance follows IIS's collection rules: the items of each
// <applicationPoolDefaults> in order, then the pool's; <clear/> drops every item
// inherited so far, <remove key=.../> drops the matching inherited item, and <add>
// appends (a duplicate key is kept, for lint to report). ok is false when the target
// version has no such collection.
func (p *Pool) Collection(path string) (items []Item, ok bool) {
	segs := strings.Split(path, ".")
	se := p.cfg.Schema.Pool()
	for _, seg := range segs {
		if se = se.Element(seg); se == nil {
			return nil, false
		}
	}
	coll := se.Collection
	if coll == nil {
		return nil, false
	}
	keys := coll.Key()
	for _, l := range descend(p.layers(), segs) {
		if l.elem != nil {
			items = applyDirectives(items, coll, keys, l)
		}
	}
	return items, true
}

// CollectionPaths returns the element paths of the pool's collections that the target
// version knows.
func (p *Pool) CollectionPaths() []string {
	var out []string
	var walk func(e *schema.Element, prefix string)
	walk = func(e *schema.Element, prefix string) {
		for _, c := range e.Elements {
			if c.Collection != nil {
				out = append(out, prefix+c.Name)
			}
			walk(c, prefix+c.Name+".")
		}
	}
	walk(p.cfg.Schema.Pool(), "")
	return out
}

func applyDirectives(items []Item, coll *schema.Collection, keys []*schema.Attribute, l layer) []Item {
	for e := range l.elem.ChildElementsSeq() {
		switch e.FullTag() {
		case coll.AddElement:
			items = append(items, Item{Key: keyOf(e, keys), Element: e, Doc: l.doc, Origin: l.origin})
		case coll.RemoveElement:
			items = removeKey(items, keys, keyOf(e, keys))
		case coll.ClearElement:
			items = items[:0:0]
		}
	}
	return items
}

func keyOf(e *etree.Element, keys []*schema.Attribute) string {
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, attrOr(e, k.Name, ""))
	}
	return strings.Join(parts, "|")
}

// removeKey drops the first item whose key equals key. Keys compare by value for
// typed attributes (a schedule's "3:00:00" is "03:00:00") and case-insensitively for
// strings that are not case-sensitive.
func removeKey(items []Item, keys []*schema.Attribute, key string) []Item {
	for i, it := range items {
		if SameKey(keys, it.Key, key) {
			return append(items[:i:i], items[i+1:]...)
		}
	}
	return items
}

// SameKey reports whether two collection keys, as Item.Key spells them, name the same
// item.
func SameKey(keys []*schema.Attribute, a, b string) bool {
	if len(keys) != 1 {
		return a == b
	}
	k := keys[0]
	if k.Type != schema.String {
		va, errA := k.Parse(a)
		vb, errB := k.Parse(b)
		if errA == nil && errB == nil {
			return va.Equal(vb)
		}
		return a == b
	}
	if k.CaseSensitive {
		return a == b
	}
	return strings.EqualFold(a, b)
}
