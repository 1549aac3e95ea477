package desired

import (
	"bytes"
	"fmt"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// document writes the tree, which check accepted, as an <applicationPools> element and
// reads that text back as a document.
func (t *desiredTree) document(s *schema.Schema) (*parse.Document, *etree.Element, error) {
	name := t.src.name + desiredSuffix
	sec, err := section(t.value, s)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: writing the desired state as XML: %w", t.src.name, err)
	}
	var buf bytes.Buffer
	if err := parse.WriteElement(&buf, sec, parse.Style{Name: name, Indent: "  ", EmptyTag: "/>"}); err != nil {
		return nil, nil, fmt.Errorf("%s: writing the desired state as XML: %w", t.src.name, err)
	}
	doc, err := parse.ReadBytes(name, buf.Bytes(), parse.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: reading the desired state written as XML: %w", t.src.name, err)
	}
	return doc, doc.Root(), nil
}

// section returns the <applicationPools> element of the top-level object v:
// attributes and child elements in schema declaration order, collection items in the
// order of their arrays.
func section(v any, s *schema.Schema) (*etree.Element, error) {
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the desired state is a %T, not an object", v)
	}
	sec := etree.NewElement("applicationPools")
	if d, ok := top["applicationPoolDefaults"]; ok {
		e, err := element("applicationPoolDefaults", s.PoolDefaults(), d)
		if err != nil {
			return nil, err
		}
		sec.AddChild(e)
	}
	pools, _ := top["applicationPools"].([]any)
	for _, p := range pools {
		e, err := element(s.ApplicationPools().Collection.AddElement, s.Pool(), p)
		if err != nil {
			return nil, err
		}
		sec.AddChild(e)
	}
	return sec, nil
}

// element returns the object v as element e, tagged tag.
func element(tag string, e *schema.Element, v any) (*etree.Element, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("<%s> is a %T, not an object", tag, v)
	}
	x := etree.NewElement(tag)
	for _, a := range e.Attributes {
		if val, ok := obj[a.Name]; ok {
			text, ok := desiredText(val)
			if !ok {
				return nil, fmt.Errorf("attribute %s of <%s> is a %T, not a scalar", a.Name, tag, val)
			}
			x.Attr = append(x.Attr, etree.Attr{Key: a.Name, Value: text})
		}
	}
	for _, c := range e.Elements {
		if val, ok := obj[c.Name]; ok {
			child, err := childElement(c, val)
			if err != nil {
				return nil, err
			}
			x.AddChild(child)
		}
	}
	return x, nil
}

// childElement returns child element c: an object, or an array of collection items.
func childElement(c *schema.Element, v any) (*etree.Element, error) {
	if !desiredIsArray(c) {
		return element(c.Name, c, v)
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("<%s> is a %T, not an array", c.Name, v)
	}
	x := etree.NewElement(c.Name)
	for _, it := range items {
		e, err := element(c.Collection.AddElement, c.Collection.Item, it)
		if err != nil {
			return nil, err
		}
		x.AddChild(e)
	}
	return x, nil
}
