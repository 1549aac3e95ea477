package appcmd

import "strings"

// Pool is one APPPOOL object as appcmd lists it: its object attributes and its
// configuration, the effective <add> element.
type Pool struct {
	Name, RuntimeVersion, PipelineMode, State string
	// Config is the pool's <add> element with every effective attribute, child
	// element and collection item.
	Config Element
}

// Element is one configuration element of a pool, as appcmd's /text:* nests them.
type Element struct {
	Name     string
	Attrs    []Attr
	Children []*Element
}

// Attr is one attribute's name and text.
type Attr struct{ Name, Value string }

// objectAttrs returns the attributes of the APPPOOL object itself, in appcmd's order.
func (p *Pool) objectAttrs() []Attr {
	return []Attr{
		{"APPPOOL.NAME", p.Name},
		{"PipelineMode", p.PipelineMode},
		{"RuntimeVersion", p.RuntimeVersion},
		{"state", p.State},
	}
}

// Value returns the text of an object attribute (state, RuntimeVersion...) or of a
// configuration attribute at a dotted path (processModel.identityType); names compare
// case-insensitively, as appcmd compares them.
func (p *Pool) Value(name string) (string, bool) {
	for _, a := range p.objectAttrs() {
		if strings.EqualFold(a.Name, name) {
			return a.Value, true
		}
	}
	return p.Config.lookup(name)
}

// lookup finds the attribute at a dotted path beneath e.
func (e *Element) lookup(path string) (string, bool) {
	if i := strings.IndexByte(path, '.'); i >= 0 {
		for _, c := range e.Children {
			if strings.EqualFold(c.Name, path[:i]) {
				return c.lookup(path[i+1:])
			}
		}
		return "", false
	}
	for _, a := range e.Attrs {
		if strings.EqualFold(a.Name, path) {
			return a.Value, true
		}
	}
	return "", false
}

// Child returns e's child element name, adding it when there is none.
func (e *Element) Child(name string) *Element {
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	c := &Element{Name: name}
	e.Children = append(e.Children, c)
	return c
}

// Matches reports whether p has every filter's value, compared case-insensitively;
// ok is false, with the filter's name, when p has no such attribute.
func (p *Pool) Matches(filters []Filter) (match bool, unknown string) {
	for _, f := range filters {
		v, ok := p.Value(f.Path)
		if !ok {
			return false, f.Path
		}
		if !strings.EqualFold(v, f.Value) {
			return false, ""
		}
	}
	return true, ""
}
