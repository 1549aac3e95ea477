package apply

import (
	"fmt"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// addItem adds op.Item to the collection at op.Path of target. An item with the same
// key that target already holds is changed to op.Item's values instead.
func (ed *Editor) addItem(target *etree.Element, scope string, op Op) error {
	coll := collectionAt(ed.pool, op.Path)
	if coll == nil {
		return fmt.Errorf("%s", unknownPath(ed.pool, op.Path, "collection"))
	}
	path := op.Path + keyLabel(coll, op.Item)
	if holder := descend(target, op.Path, false); holder != nil {
		if x := findItem(holder, coll, op.Item); x != nil {
			ed.updateItem(x, coll, scope, path, op.Item)
			return nil
		}
	}
	x := etree.NewElement(coll.AddElement)
	for _, a := range op.Item {
		x.CreateAttr(a.Name, a.Value)
	}
	appendChild(descend(target, op.Path, true), x)
	ed.Changes = append(ed.Changes, Change{Kind: Added, Scope: scope, Path: path, New: itemValues(coll, op.Item)})
	return nil
}

// updateItem sets the attributes of the existing item x to item's values, recording
// one change for the values that differ.
func (ed *Editor) updateItem(x *etree.Element, coll *schema.Collection, scope, path string, item []Attr) {
	for _, a := range item {
		sa := coll.Item.Attribute(a.Name)
		if sa.UniqueKey || sa.CombinedKey {
			continue // the same key, however it is spelled
		}
		old, had := parse.Attr(x, a.Name)
		if had && old == a.Value { // a.Value is canonical: another spelling is rewritten
			continue
		}
		x.CreateAttr(a.Name, a.Value)
		c := Change{Kind: Modified, Scope: scope, Path: path + "." + a.Name, Old: old, New: a.Value, Secret: sa.Encrypted}
		if c.Secret {
			c.Old, c.New = "", ""
		}
		ed.Changes = append(ed.Changes, c)
	}
}

// removeItem removes the item op.Item names from the collection at op.Path of target:
// the <add> that target holds, or, for an item target inherits from
// <applicationPoolDefaults>, a <remove> directive where the collection has one.
func (ed *Editor) removeItem(target *etree.Element, scope string, op Op) error {
	coll := collectionAt(ed.pool, op.Path)
	if coll == nil {
		return fmt.Errorf("%s", unknownPath(ed.pool, op.Path, "collection"))
	}
	path := op.Path + keyLabel(coll, op.Item)
	if holder := descend(target, op.Path, false); holder != nil {
		if x := findItem(holder, coll, op.Item); x != nil {
			removeElement(x)
			ed.Changes = append(ed.Changes, Change{Kind: Removed, Scope: scope, Path: path})
			return nil
		}
	}
	if !ed.inherits(target, op.Path, coll, op.Item) {
		return nil // nothing to remove: the edit changes nothing
	}
	if coll.RemoveElement == "" {
		return fmt.Errorf("%s: %s is inherited from <applicationPoolDefaults>, and <%s> has no <remove>: edit the defaults (--defaults) instead",
			scope, path, lastSegment(op.Path))
	}
	x := etree.NewElement(coll.RemoveElement)
	for _, k := range coll.Key() {
		v, _ := lookupAttr(op.Item, k.Name)
		x.CreateAttr(k.Name, v)
	}
	appendChild(descend(target, op.Path, true), x)
	ed.Changes = append(ed.Changes, Change{Kind: Removed, Scope: scope, Path: path})
	return nil
}

// inherits reports whether target, a pool, inherits the item from the defaults.
func (ed *Editor) inherits(target *etree.Element, path string, coll *schema.Collection, item []Attr) bool {
	if target.FullTag() != "add" {
		return false
	}
	d := ed.Defaults(false)
	if d == nil {
		return false
	}
	holder := descend(d, path, false)
	return holder != nil && findItem(holder, coll, item) != nil
}

// findItem returns the <add> child of holder whose key is item's, compared as IIS
// compares keys, or nil.
func findItem(holder *etree.Element, coll *schema.Collection, item []Attr) *etree.Element {
	keys := coll.Key()
	for x := range holder.ChildElementsSeq() {
		if x.FullTag() != coll.AddElement {
			continue
		}
		if sameItemKey(x, keys, item) {
			return x
		}
	}
	return nil
}

// sameItemKey reports whether x's key attributes equal item's.
func sameItemKey(x *etree.Element, keys []*schema.Attribute, item []Attr) bool {
	for _, k := range keys {
		have, ok1 := parse.Attr(x, k.Name)
		want, ok2 := lookupAttr(item, k.Name)
		if !ok1 || !ok2 || !parse.SameKey([]*schema.Attribute{k}, have, want) {
			return false
		}
	}
	return true
}

// keyLabel writes an item's key for a change's path: [value='03:00:00'].
func keyLabel(coll *schema.Collection, item []Attr) string {
	var key []Attr
	for _, k := range coll.Key() {
		v, _ := lookupAttr(item, k.Name)
		key = append(key, Attr{k.Name, v})
	}
	return itemText(key)
}

// itemValues writes the values of an item's attributes that are not its key, for a
// change: "value='C:\temp'"; "" when the item has only its key. Encrypted values are
// never written.
func itemValues(coll *schema.Collection, item []Attr) string {
	var rest []Attr
	for _, a := range item {
		sa := coll.Item.Attribute(a.Name)
		if sa == nil || sa.UniqueKey || sa.CombinedKey {
			continue
		}
		if sa.Encrypted {
			a.Value = "(secret)"
		}
		rest = append(rest, a)
	}
	if len(rest) == 0 {
		return ""
	}
	return itemText(rest)
}

// lastSegment returns the last part of a dotted path.
func lastSegment(path string) string {
	_, name := splitPath(path)
	return name
}
