package schema

// PathAttribute is an attribute together with its dotted path from an element, such as
// "processModel.idleTimeout" or "recycling.periodicRestart.schedule[].value".
type PathAttribute struct {
	Path string
	*Attribute
}

// Flatten returns every attribute beneath e (its own, its child elements' and its
// collection items'), depth first in declaration order, with dotted paths. A collection
// contributes "name[]" to the path, where name is the element that holds it.
// Collection items' own nested elements are followed too.
func Flatten(e *Element) []PathAttribute {
	var out []PathAttribute
	flatten(e, "", &out)
	return out
}

func flatten(e *Element, prefix string, out *[]PathAttribute) {
	for _, a := range e.Attributes {
		*out = append(*out, PathAttribute{Path: prefix + a.Name, Attribute: a})
	}
	for _, c := range e.Elements {
		flatten(c, prefix+c.Name+".", out)
	}
	if c := e.Collection; c != nil && c.Item != nil && prefix != "" {
		flatten(c.Item, prefix[:len(prefix)-1]+"[].", out)
	}
}

// Lookup finds the attribute at a dotted path beneath e, as Flatten spells paths.
func Lookup(e *Element, path string) *Attribute {
	for _, pa := range Flatten(e) {
		if pa.Path == path {
			return pa.Attribute
		}
	}
	return nil
}
