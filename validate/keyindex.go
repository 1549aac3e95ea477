package validate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// keyIndex tracks the keys of one collection level, to find duplicates: the items
// added so far, less those a <remove> or <clear/> of the same level dropped. Each
// unique key attribute is a key of its own (a site's name and its id are each unique);
// the combined key attributes together are one key.
type keyIndex struct {
	// groups are the keys, as groupsOf returns them.
	groups [][]*schema.Attribute
	// items holds the items while there are at most smallKeys of them, in document
	// order; most collections, such as a pool's schedule, never have more. Then maps
	// holds them instead: per group, each normalized key's item.
	items []keyed
	maps  []map[string]keyed
	// allowDuplicates turns the index off for collections that allow duplicates.
	allowDuplicates bool
	// size is about how many items the collection may have, to size the maps once.
	size int
}

// keyed is a collection item.
type keyed struct {
	x   *etree.Element  // the item's element
	doc *parse.Document // the document that holds x
}

// initKeyIndex makes k an empty index for the collection coll, which may be nil, of
// at most about size items.
func (c *schemaCheck) initKeyIndex(k *keyIndex, coll *schema.Collection, size int) {
	*k = keyIndex{size: size}
	if coll != nil && coll.Item != nil {
		k.groups, k.allowDuplicates = c.groupsOf(coll), coll.AllowDuplicates
	}
}

// groupsOf returns the keys of a collection's items: each unique key attribute alone,
// and the combined key attributes together.
func (c *schemaCheck) groupsOf(coll *schema.Collection) [][]*schema.Attribute {
	if g, ok := c.keyGroups[coll]; ok {
		return g
	}
	var groups [][]*schema.Attribute
	var combined []*schema.Attribute
	for _, a := range coll.Key() {
		if a.UniqueKey {
			groups = append(groups, []*schema.Attribute{a})
		} else {
			combined = append(combined, a)
		}
	}
	if len(combined) > 0 {
		groups = append(groups, combined)
	}
	c.keyGroups[coll] = groups
	return groups
}

// clear forgets every item, as <clear/> does.
func (k *keyIndex) clear() {
	k.items, k.maps = nil, nil
}

// smallKeys is how many items the index holds in a slice before it moves them to maps.
const smallKeys = 16

// add records the item x of parent's collection and reports it for each group whose
// key an item already there has. An item that lacks a key attribute is PC106's.
func (k *keyIndex) add(w *walker, parent node, x *etree.Element, itemName string) {
	if k.allowDuplicates {
		return
	}
	it := keyed{x: x, doc: w.doc}
	for gi, g := range k.groups {
		var buf [4]string
		texts, ok := appendKeyTexts(buf[:0], x, g)
		if !ok {
			continue
		}
		if first, _, dup := k.find(gi, g, texts); dup {
			w.reportDuplicateKey(parent, x, itemName, g, texts, first)
		} else if k.maps != nil {
			k.maps[gi][string(appendNormalKey(nil, g, texts))] = it
		}
	}
	if k.maps == nil {
		if k.items == nil {
			k.items = make([]keyed, 0, min(max(k.size, 1), smallKeys+1))
		}
		k.items = append(k.items, it)
		if len(k.items) > smallKeys {
			k.index()
		}
	}
}

// index moves the items into maps. The first item of a key stays: later ones were
// reported as its duplicates.
func (k *keyIndex) index() {
	k.maps = make([]map[string]keyed, len(k.groups))
	for gi, g := range k.groups {
		k.maps[gi] = make(map[string]keyed, max(k.size, 2*len(k.items)))
		for _, it := range k.items {
			texts, ok := appendKeyTexts(nil, it.x, g)
			if !ok {
				continue
			}
			key := string(appendNormalKey(nil, g, texts))
			if _, dup := k.maps[gi][key]; !dup {
				k.maps[gi][key] = it
			}
		}
	}
	k.items = nil
}

// find returns the first item whose key g, of group gi, is the same as texts, and its
// index in k.items while the index has no maps.
func (k *keyIndex) find(gi int, g []*schema.Attribute, texts []string) (keyed, int, bool) {
	if k.maps != nil {
		var buf [64]byte
		it, ok := k.maps[gi][string(appendNormalKey(buf[:0], g, texts))]
		return it, -1, ok
	}
	for i, it := range k.items {
		if hasKey(it.x, g, texts) {
			return it, i, true
		}
	}
	return keyed{}, -1, false
}

// remove forgets the item a <remove> names by its key.
func (k *keyIndex) remove(x *etree.Element) {
	for gi, g := range k.groups {
		texts, ok := appendKeyTexts(nil, x, g)
		if !ok {
			continue
		}
		if it, i, found := k.find(gi, g, texts); found {
			k.drop(it, i)
			return
		}
	}
}

// drop forgets the item it, at index i of k.items while the index has no maps.
func (k *keyIndex) drop(it keyed, i int) {
	if k.maps == nil {
		k.items = slices.Delete(k.items, i, i+1)
		return
	}
	for gi, g := range k.groups {
		texts, ok := appendKeyTexts(nil, it.x, g)
		if !ok {
			continue
		}
		key := string(appendNormalKey(nil, g, texts))
		if k.maps[gi][key].x == it.x {
			delete(k.maps[gi], key)
		}
	}
}

// hasKey reports whether the key g of x is the same as texts, attribute by attribute,
// as parse.SameKey compares them.
func hasKey(x *etree.Element, g []*schema.Attribute, texts []string) bool {
	for i, attr := range g {
		v, ok := parse.Attr(x, attr.Name)
		if !ok || !parse.SameKey([]*schema.Attribute{attr}, v, texts[i]) {
			return false
		}
	}
	return true
}

// appendKeyTexts appends the values of x's key attributes g to dst; ok is false when
// one is missing.
func appendKeyTexts(dst []string, x *etree.Element, g []*schema.Attribute) ([]string, bool) {
	for _, a := range g {
		v, ok := parse.Attr(x, a.Name)
		if !ok {
			return nil, false
		}
		dst = append(dst, v)
	}
	return dst, true
}

// appendNormalKey appends to dst a text that is the same for keys hasKey finds the
// same, so that a map lookup finds an item: strings case-folded unless case-sensitive,
// typed values by value, attributes separated by NUL (which XML text cannot hold).
func appendNormalKey(dst []byte, g []*schema.Attribute, texts []string) []byte {
	for i, a := range g {
		if i > 0 {
			dst = append(dst, 0)
		}
		dst = appendNormalValue(dst, a, texts[i])
	}
	return dst
}

// appendNormalValue appends one key attribute's normalized value; a value that does
// not parse stays as written.
func appendNormalValue(dst []byte, a *schema.Attribute, text string) []byte {
	if a.Type == schema.String {
		if a.CaseSensitive {
			return append(dst, text...)
		}
		return appendFold(dst, text)
	}
	v, err := a.Parse(text)
	if err != nil {
		return append(append(dst, "text:"...), text...)
	}
	switch a.Type {
	case schema.TimeSpanType:
		return strconv.AppendInt(dst, v.Span.Ticks(), 10)
	case schema.Bool:
		return strconv.AppendBool(dst, v.Bool)
	}
	return strconv.AppendInt(dst, v.Int, 10)
}

// appendFold appends s with each rune mapped to the smallest rune of its simple
// case-folding orbit, so that two strings strings.EqualFold finds equal fold to the
// same text. An ASCII letter folds to its upper case: the orbit of k is K, k and the
// Kelvin sign, and K is the smallest.
func appendFold(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return appendFoldRunes(dst, s[i:])
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendFoldRunes is appendFold for any text.
func appendFoldRunes(dst []byte, s string) []byte {
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		dst = utf8.AppendRune(dst, least)
	}
	return dst
}

// reportDuplicateKey reports the item x, whose key g equals that of first.
func (w *walker) reportDuplicateKey(parent node, x *etree.Element, itemName string, g []*schema.Attribute, texts []string, first keyed) {
	pos, _ := w.doc.AttrValuePos(x, g[0].Name)
	firstPos, _ := first.doc.AttrValuePos(first.x, g[0].Name)
	firstTexts, _ := appendKeyTexts(nil, first.x, g)
	where := posRef(pos, firstPos)
	detail := "already used at " + where
	for i, a := range g {
		if texts[i] != firstTexts[i] {
			detail = fmt.Sprintf("the same as %s at %s (%s)", keyText(g, firstTexts), where, comparison(a))
			break
		}
	}
	w.c.p.report(RuleDuplicateKey, w.doc, pos, "remove one of the two entries, or change this one's key",
		"%sduplicate %s %s: %s", parent.prefix(), itemName, keyText(g, texts), detail)
}

// keyText formats a key: `name "Shop"` or `protocol "http", bindingInformation "*:80:"`.
func keyText(g []*schema.Attribute, texts []string) string {
	parts := make([]string, len(g))
	for i, a := range g {
		parts[i] = fmt.Sprintf("%s %q", a.Name, texts[i])
	}
	return strings.Join(parts, ", ")
}

// comparison says how IIS compares values of a key attribute.
func comparison(a *schema.Attribute) string {
	switch a.Type {
	case schema.String:
		return "compared case-insensitively"
	case schema.TimeSpanType:
		return "compared as times"
	}
	return "compared as numbers"
}
