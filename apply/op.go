package apply

import (
	"fmt"
	"strings"

	"github.com/poolctl/poolctl/schema"
)

// OpKind says what an Op does.
type OpKind int

// The kinds of Op.
const (
	// SetAttr sets an attribute: processModel.idleTimeout=00:30:00.
	SetAttr OpKind = iota + 1
	// AddItem adds a collection item: recycling.periodicRestart.schedule+=03:00:00.
	AddItem
	// RemoveItem removes a collection item: environmentVariables-=TEMP.
	RemoveItem
)

// Op is one edit of a pool or of <applicationPoolDefaults>, as ParseOp reads it.
type Op struct {
	Kind OpKind
	// Path is the dotted path of the attribute (SetAttr) or of the element that holds
	// the collection (AddItem, RemoveItem), as `poolctl schema` prints it.
	Path string
	// Value is the attribute's new text (SetAttr).
	Value string
	// Item holds the item's attributes (AddItem) or its key (RemoveItem), in order.
	Item []Attr
}

// Attr is an attribute name and value.
type Attr struct{ Name, Value string }

// String returns the op in poolctl's own spelling.
func (op Op) String() string {
	switch op.Kind {
	case SetAttr:
		return op.Path + "=" + op.Value
	case AddItem:
		return op.Path + "+=" + itemText(op.Item)
	case RemoveItem:
		return op.Path + "-=" + itemText(op.Item)
	}
	return "?"
}

// itemText writes item attributes as appcmd's [name='value',...].
func itemText(item []Attr) string {
	parts := make([]string, len(item))
	for i, a := range item {
		parts[i] = fmt.Sprintf("%s='%s'", a.Name, a.Value)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// ParseOp reads one edit of a pool (element pool of schema s) in poolctl's spelling
// or in appcmd's, so that appcmd command lines can be pasted:
//
//	processModel.idleTimeout=00:30:00        /processModel.idleTimeout:00:30:00
//	recycling.periodicRestart.schedule+=03:00:00
//	environmentVariables+=NAME=VALUE         /+environmentVariables.[name='NAME',value='VALUE']
//	environmentVariables-=NAME               /-environmentVariables.[name='NAME']
//
// An item is written [attr='value',...] as appcmd writes it, or as a shorthand: its key
// attribute's value, followed for an item that requires one more attribute (an
// environment variable's value) by "=" and that attribute's value.
func ParseOp(arg string, pool *schema.Element) (Op, error) {
	op, err := splitOp(arg)
	if err != nil {
		return Op{}, err
	}
	if op.Kind == SetAttr {
		if a := attributeAt(pool, op.Path); a == nil {
			return Op{}, fmt.Errorf("%q: %s", arg, unknownPath(pool, op.Path, "attribute"))
		}
		return op, nil
	}
	coll := collectionAt(pool, op.Path)
	if coll == nil {
		return Op{}, fmt.Errorf("%q: %s", arg, unknownPath(pool, op.Path, "collection"))
	}
	if op.Item, err = parseItem(op.Item[0].Value, coll, op.Kind); err != nil {
		return Op{}, fmt.Errorf("%q: %w", arg, err)
	}
	return op, nil
}

// splitOp splits an edit into its kind, path and value; the value of an item op is
// left, unparsed, in Item[0].Value.
func splitOp(arg string) (Op, error) {
	if rest, ok := strings.CutPrefix(arg, "/"); ok {
		return splitAppcmd(arg, rest)
	}
	i := strings.IndexByte(arg, '=')
	if i <= 0 {
		return Op{}, fmt.Errorf("%q: want KEY=VALUE, KEY+=ITEM, KEY-=ITEM or appcmd's /KEY:VALUE", arg)
	}
	path, value := arg[:i], arg[i+1:]
	kind := SetAttr
	switch {
	case strings.HasSuffix(path, "+"):
		kind, path = AddItem, path[:len(path)-1]
	case strings.HasSuffix(path, "-"):
		kind, path = RemoveItem, path[:len(path)-1]
	}
	if path == "" {
		return Op{}, fmt.Errorf("%q: no key before %q", arg, arg[i:])
	}
	if kind == SetAttr {
		return Op{Kind: kind, Path: path, Value: value}, nil
	}
	return Op{Kind: kind, Path: path, Item: []Attr{{Value: value}}}, nil
}

// splitAppcmd splits appcmd's /path:value, /+path.[...] and /-path.[...].
func splitAppcmd(arg, rest string) (Op, error) {
	kind := SetAttr
	switch {
	case strings.HasPrefix(rest, "+"):
		kind, rest = AddItem, rest[1:]
	case strings.HasPrefix(rest, "-"):
		kind, rest = RemoveItem, rest[1:]
	}
	if kind == SetAttr {
		path, value, ok := strings.Cut(rest, ":")
		if !ok || path == "" {
			return Op{}, fmt.Errorf("%q: want appcmd's /KEY:VALUE", arg)
		}
		return Op{Kind: kind, Path: path, Value: value}, nil
	}
	path, item, ok := strings.Cut(rest, ".[")
	if !ok || path == "" || !strings.HasSuffix(item, "]") {
		return Op{}, fmt.Errorf("%q: want appcmd's /+KEY.[name='value',...] or /-KEY.[name='value']", arg)
	}
	return Op{Kind: kind, Path: path, Item: []Attr{{Value: "[" + item}}}, nil
}

// parseItem reads an item: [name='value',...] or the shorthand, for coll.
func parseItem(text string, coll *schema.Collection, kind OpKind) ([]Attr, error) {
	var item []Attr
	if strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]") {
		var err error
		if item, err = parseBracketItem(text[1 : len(text)-1]); err != nil {
			return nil, err
		}
	} else if len(coll.Key()) == 1 {
		item = shorthandItem(text, coll, kind)
	} else {
		return nil, fmt.Errorf("give the item as [name='value',...]: <%s> items have a key of several attributes", coll.AddElement)
	}
	for _, a := range item {
		if coll.Item.Attribute(a.Name) == nil {
			return nil, fmt.Errorf("<%s> items have no attribute %q (they have %s)", coll.AddElement, a.Name, strings.Join(attrNames(coll.Item), ", "))
		}
	}
	for _, k := range coll.Key() {
		if _, ok := lookupAttr(item, k.Name); !ok {
			return nil, fmt.Errorf("the item needs its key attribute %s", k.Name)
		}
	}
	return item, nil
}

// shorthandItem reads an item given by the value of its one key attribute, and for an addition of an item
// that requires one more attribute, "=" and its value.
func shorthandItem(text string, coll *schema.Collection, kind OpKind) []Attr {
	key := coll.Key()
	if other := otherRequired(coll.Item, key[0]); kind == AddItem && other != nil {
		if k, v, ok := strings.Cut(text, "="); ok {
			return []Attr{{key[0].Name, k}, {other.Name, v}}
		}
	}
	return []Attr{{key[0].Name, text}}
}

// otherRequired returns the one required attribute of item besides key, or nil when
// there is none or more than one.
func otherRequired(item *schema.Element, key *schema.Attribute) *schema.Attribute {
	var found *schema.Attribute
	for _, a := range item.Attributes {
		if a.Required && a != key {
			if found != nil {
				return nil
			}
			found = a
		}
	}
	return found
}

// parseBracketItem reads appcmd's name='value',name2='value2'.
func parseBracketItem(s string) ([]Attr, error) {
	var item []Attr
	for s != "" {
		name, rest, ok := strings.Cut(s, "=")
		if !ok || name == "" || !strings.HasPrefix(rest, "'") {
			return nil, fmt.Errorf("want [name='value',...], found %q", s)
		}
		end := strings.IndexByte(rest[1:], '\'')
		if end < 0 {
			return nil, fmt.Errorf("unterminated value in %q", s)
		}
		item = append(item, Attr{strings.TrimSpace(name), rest[1 : 1+end]})
		s = strings.TrimPrefix(strings.TrimSpace(rest[end+2:]), ",")
	}
	if len(item) == 0 {
		return nil, fmt.Errorf("empty item []")
	}
	return item, nil
}

// lookupAttr returns the value of the attribute name in item.
func lookupAttr(item []Attr, name string) (string, bool) {
	for _, a := range item {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// attrNames returns the names of e's attributes.
func attrNames(e *schema.Element) []string {
	names := make([]string, len(e.Attributes))
	for i, a := range e.Attributes {
		names[i] = a.Name
	}
	return names
}

// elementAt returns the schema element at the dotted element path below e ("" is e).
func elementAt(e *schema.Element, path string) *schema.Element {
	if path == "" {
		return e
	}
	for seg := range strings.SplitSeq(path, ".") {
		if e = e.Element(seg); e == nil {
			return nil
		}
	}
	return e
}

// attributeAt returns the attribute at the dotted path below e, or nil.
func attributeAt(e *schema.Element, path string) *schema.Attribute {
	elemPath, name := splitPath(path)
	if e = elementAt(e, elemPath); e == nil {
		return nil
	}
	return e.Attribute(name)
}

// collectionAt returns the collection of the element at the dotted path below e, or nil.
func collectionAt(e *schema.Element, path string) *schema.Collection {
	if e = elementAt(e, path); e == nil || path == "" {
		return nil
	}
	return e.Collection
}

// splitPath splits a dotted attribute path into its element path and its name.
func splitPath(path string) (elemPath, name string) {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i], path[i+1:]
	}
	return "", path
}

// unknownPath says that path names no attribute (or collection) of a pool, and lists
// the ones whose last part matches, or suggests running poolctl schema.
func unknownPath(pool *schema.Element, path, what string) string {
	_, name := splitPath(path)
	var near []string
	for _, f := range schema.Flatten(pool) {
		if _, n := splitPath(f.Path); strings.EqualFold(n, name) && f.Path != path {
			near = append(near, f.Path)
		}
	}
	msg := fmt.Sprintf("a pool has no %s %s", what, path)
	if len(near) > 0 {
		return msg + " (did you mean " + strings.Join(near, " or ") + "?)"
	}
	return msg + " (poolctl schema lists them)"
}
