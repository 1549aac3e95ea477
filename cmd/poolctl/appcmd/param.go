package appcmd

import (
	"fmt"
	"strings"

	"github.com/poolctl/poolctl/schema"
)

// Canonical returns the parameter /path:value, /+path.[...] or /-path.[...] with its
// path spelled as the schema spells it (appcmd compares attribute names
// case-insensitively; poolctl's edits take IIS's spelling). A path that names no
// attribute or collection of e is appcmd's "Unknown attribute" error.
func Canonical(e *schema.Element, param string) (string, error) {
	rest := strings.TrimPrefix(param, "/")
	sign := ""
	if rest != "" && (rest[0] == '+' || rest[0] == '-') {
		sign, rest = rest[:1], rest[1:]
	}
	sep := ":"
	if sign != "" {
		sep = ".["
	}
	path, tail, ok := strings.Cut(rest, sep)
	if !ok {
		return param, nil // not appcmd's form: poolctl's parser says why
	}
	canon, found := CanonicalPath(e, path, sign != "")
	if !found {
		return "", UnknownAttribute(path)
	}
	return "/" + sign + canon + sep + tail, nil
}

// CanonicalPath returns the schema's spelling of a dotted path beneath e, compared
// case-insensitively: of an attribute, or with collection true of an element that
// holds a collection.
func CanonicalPath(e *schema.Element, path string, collection bool) (string, bool) {
	segs := strings.Split(path, ".")
	out := make([]string, 0, len(segs))
	last := len(segs) - 1
	for i, seg := range segs {
		if i == last && !collection {
			for _, a := range e.Attributes {
				if strings.EqualFold(a.Name, seg) {
					return strings.Join(append(out, a.Name), "."), true
				}
			}
			return "", false
		}
		child := childFold(e, seg)
		if child == nil {
			return "", false
		}
		e = child
		out = append(out, child.Name)
	}
	return strings.Join(out, "."), e.Collection != nil
}

// childFold returns e's child element whose name is name in any case, or nil.
func childFold(e *schema.Element, name string) *schema.Element {
	for _, c := range e.Elements {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// Target says what a parameter of "set config -section:system.applicationHost/
// applicationPools" edits.
type Target int

// The targets of set config's parameters.
const (
	// Defaults is <applicationPoolDefaults>: /applicationPoolDefaults.path:value.
	Defaults Target = iota + 1
	// PoolAttr is one pool: /[name='P'].path:value, /+[name='P'].path.[...].
	PoolAttr
	// AddPool adds a pool: /+[name='P',attr='value',...].
	AddPool
	// RemovePool removes a pool: /-[name='P'].
	RemovePool
)

// ConfigParam is one parameter of set config, read.
type ConfigParam struct {
	Target Target
	// Pool is the pool's name (PoolAttr, AddPool, RemovePool).
	Pool string
	// Attrs are the attributes of a pool added, name aside.
	Attrs []Attr
	// Param is the edit in appcmd's spelling relative to the pool or the defaults
	// (/path:value, /+path.[...], /-path.[...]), for PoolAttr and Defaults.
	Param string
}

// ParseConfigParam reads one parameter of set config on the applicationPools section.
func ParseConfigParam(p string) (ConfigParam, error) {
	rest := strings.TrimPrefix(p, "/")
	sign := ""
	if rest != "" && (rest[0] == '+' || rest[0] == '-') {
		sign, rest = rest[:1], rest[1:]
	}
	if after, ok := cutPrefixFold(rest, "applicationPoolDefaults."); ok {
		return ConfigParam{Target: Defaults, Param: "/" + sign + after}, nil
	}
	if !strings.HasPrefix(rest, "[") {
		return ConfigParam{}, fmt.Errorf("%q: want /applicationPoolDefaults.KEY:VALUE, /[name='POOL'].KEY:VALUE, /+[name='POOL'] or /-[name='POOL']", p)
	}
	item, tail, err := cutItem(rest)
	if err != nil {
		return ConfigParam{}, fmt.Errorf("%q: %w", p, err)
	}
	name, others := splitName(item)
	if name == "" {
		return ConfigParam{}, fmt.Errorf("%q: a pool is named [name='POOL']", p)
	}
	if tail == "" {
		switch sign {
		case "+":
			return ConfigParam{Target: AddPool, Pool: name, Attrs: others}, nil
		case "-":
			return ConfigParam{Target: RemovePool, Pool: name}, nil
		}
		return ConfigParam{}, fmt.Errorf("%q: want .KEY:VALUE after the pool", p)
	}
	after, ok := strings.CutPrefix(tail, ".")
	if !ok || len(others) > 0 {
		return ConfigParam{}, fmt.Errorf("%q: want [name='POOL'].KEY:VALUE", p)
	}
	return ConfigParam{Target: PoolAttr, Pool: name, Param: "/" + sign + after}, nil
}

// cutItem splits "[a='x',b='y']rest" into its attributes and rest.
func cutItem(s string) ([]Attr, string, error) {
	var attrs []Attr
	s = s[1:]
	for {
		name, after, ok := strings.Cut(s, "=")
		if !ok {
			return nil, "", fmt.Errorf("want [name='value',...]")
		}
		value, after, err := cutValue(after)
		if err != nil {
			return nil, "", err
		}
		attrs = append(attrs, Attr{strings.TrimSpace(name), value})
		switch {
		case strings.HasPrefix(after, ","):
			s = after[1:]
		case strings.HasPrefix(after, "]"):
			return attrs, after[1:], nil
		default:
			return nil, "", fmt.Errorf("want , or ] after %s='%s'", name, value)
		}
	}
}

// cutValue reads a value quoted with ' (or not quoted) up to , or ].
func cutValue(s string) (value, rest string, err error) {
	if q, ok := strings.CutPrefix(s, "'"); ok {
		i := strings.IndexByte(q, '\'')
		if i < 0 {
			return "", "", fmt.Errorf("no closing ' in %q", s)
		}
		return q[:i], q[i+1:], nil
	}
	i := strings.IndexAny(s, ",]")
	if i < 0 {
		return "", "", fmt.Errorf("no closing ] in %q", s)
	}
	return s[:i], s[i:], nil
}

// splitName returns the name attribute's value and the other attributes.
func splitName(attrs []Attr) (string, []Attr) {
	name := ""
	var others []Attr
	for _, a := range attrs {
		if strings.EqualFold(a.Name, "name") {
			name = a.Value
		} else {
			others = append(others, a)
		}
	}
	return name, others
}

// cutPrefixFold is strings.CutPrefix comparing the prefix case-insensitively.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
