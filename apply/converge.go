package apply

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// ConvergeOptions tune Converge.
type ConvergeOptions struct {
	// Prune removes the pools that the desired state does not name.
	Prune bool
}

// Converge makes the section hold the desired state: desired is an <applicationPools>
// element whose <applicationPoolDefaults> and <add> children name what must be so.
// Pools and attributes it names are made so, pools it names that are missing are
// added, and everything else is left alone, unless opt.Prune, which removes the pools
// it does not name. A collection it names (a recycling schedule, environment variables)
// is made to hold exactly the items it lists, among the pool's own; items inherited
// from <applicationPoolDefaults> are the defaults' business. The changes are recorded
// in ed.Changes: converging again changes nothing.
func (ed *Editor) Converge(desired *etree.Element, opt ConvergeOptions) error {
	named := map[string]bool{}
	for x := range desired.ChildElementsSeq() {
		var err error
		switch x.FullTag() {
		case "applicationPoolDefaults":
			err = ed.convergeDefaults(x)
		case "add":
			name, _ := parse.Attr(x, "name")
			named[strings.ToLower(name)] = true
			err = ed.convergePool(name, x)
		default:
			err = fmt.Errorf("desired state: unexpected <%s> in <applicationPools> (only <applicationPoolDefaults> and <add> describe pools)", x.FullTag())
		}
		if err != nil {
			return err
		}
	}
	if opt.Prune {
		for _, name := range ed.PoolNames() {
			if !named[strings.ToLower(name)] {
				if err := ed.DeletePool(name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// convergeDefaults makes <applicationPoolDefaults> hold what want says.
func (ed *Editor) convergeDefaults(want *etree.Element) error {
	if len(want.Attr) == 0 && firstChildElement(want) == nil {
		return nil
	}
	return ed.converge(ed.Defaults(true), DefaultsScope, want, "")
}

// convergePool makes the pool name hold what want says, adding it when missing.
func (ed *Editor) convergePool(name string, want *etree.Element) error {
	if name == "" {
		return fmt.Errorf("desired state: a pool <add> has no name")
	}
	p := ed.Pool(name)
	if p == nil {
		var err error
		if p, err = ed.AddPool(name); err != nil {
			return err
		}
	}
	written, _ := parse.Attr(p, "name") // the file's spelling names the pool in changes
	return ed.converge(p, PoolScope(written), want, "")
}

// converge sets the attributes of want, and of its child elements, on target's element
// at path prefix.
func (ed *Editor) converge(target *etree.Element, scope string, want *etree.Element, prefix string) error {
	for _, a := range want.Attr {
		if prefix == "" && a.FullKey() == "name" && target.FullTag() == "add" {
			continue // the pool's key: it matched already
		}
		if err := ed.Apply(target, scope, Op{Kind: SetAttr, Path: prefix + a.FullKey(), Value: a.Value}); err != nil {
			return err
		}
	}
	for c := range want.ChildElementsSeq() {
		path := prefix + c.FullTag()
		if collectionAt(ed.pool, path) != nil {
			if err := ed.convergeItems(target, scope, c, path); err != nil {
				return err
			}
			continue
		}
		if elementAt(ed.pool, path) == nil {
			return fmt.Errorf("desired state: %s: a pool has no element %s", scope, path)
		}
		if err := ed.converge(target, scope, c, path+"."); err != nil {
			return err
		}
	}
	return nil
}

// convergeItems makes the collection at path of target hold the items of want, its own
// attributes aside, which converge sets.
func (ed *Editor) convergeItems(target *etree.Element, scope string, want *etree.Element, path string) error {
	coll := collectionAt(ed.pool, path)
	var wanted [][]Attr
	for x := range want.ChildElementsSeq() {
		if x.FullTag() != coll.AddElement {
			return fmt.Errorf("desired state: %s: %s: only <%s> items describe a collection, not <%s>", scope, path, coll.AddElement, x.FullTag())
		}
		item := make([]Attr, len(x.Attr))
		for i, a := range x.Attr {
			item[i] = Attr{a.FullKey(), a.Value}
		}
		wanted = append(wanted, item)
		if err := ed.Apply(target, scope, Op{Kind: AddItem, Path: path, Item: item}); err != nil {
			return err
		}
	}
	holder := descend(target, path, false)
	if holder == nil {
		return nil
	}
	keys := coll.Key()
	var extra [][]Attr
	for x := range holder.ChildElementsSeq() {
		if x.FullTag() != coll.AddElement || wantedItem(x, keys, wanted) {
			continue
		}
		var key []Attr
		for _, k := range keys {
			v, _ := parse.Attr(x, k.Name)
			key = append(key, Attr{k.Name, v})
		}
		extra = append(extra, key)
	}
	for _, key := range extra {
		if err := ed.Apply(target, scope, Op{Kind: RemoveItem, Path: path, Item: key}); err != nil {
			return err
		}
	}
	return nil
}

// wantedItem reports whether x's key is one of the wanted items'.
func wantedItem(x *etree.Element, keys []*schema.Attribute, wanted [][]Attr) bool {
	for _, item := range wanted {
		if sameItemKey(x, keys, item) {
			return true
		}
	}
	return false
}
