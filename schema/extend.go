package schema

// Extend adds to s's sections what the extensions declare that no IIS version does:
// attributes, elements and collections, with their validators and defaults, available
// in s's version. A name IIS declares keeps IIS's declaration, and stays "not in this
// version" for an older target (IIS's own schema files, which repeat every built-in
// attribute, change nothing). An element poolctl models only in part
// (Element.Partial) is left as it is, and sections s does not model are left out.
func (s *Schema) Extend(exts ...*Extension) {
	if len(exts) == 0 {
		return
	}
	s.exts = append(s.exts, exts...)
	latest := MustFor(IIS10)
	for _, ext := range exts {
		for _, sec := range s.sections {
			if e := ext.sections[sec.Path]; e != nil {
				m := merger{v: s.Version, file: ext.File}
				var iis *Element
				if l := latest.Section(sec.Path); l != nil {
					iis = l.Root
				}
				m.merge(sec.Root, iis, e)
			}
		}
	}
}

// merger adds one extension file's declarations to a schema of version v.
type merger struct {
	v    Version
	file string
}

// merge adds to dst what src declares and neither dst nor iis (the same element in the
// newest IIS schema, nil when it has none) does.
func (m merger) merge(dst, iis, src *Element) {
	if dst.Partial {
		return // what poolctl does not model is not checked, declared or not
	}
	for _, a := range src.Attributes {
		if dst.Attribute(a.Name) == nil && (iis == nil || iis.Attribute(a.Name) == nil) {
			c := *a
			c.Since, c.Extension = m.v, m.file
			dst.Attributes = append(dst.Attributes, &c)
		}
	}
	for _, e := range src.Elements {
		var ie *Element
		if iis != nil {
			ie = iis.Element(e.Name)
		}
		switch d := dst.Element(e.Name); {
		case d != nil:
			m.merge(d, ie, e)
		case ie == nil:
			dst.Elements = append(dst.Elements, m.adopt(e))
		}
	}
	m.mergeCollection(dst, iis, src)
}

// mergeCollection adds src's collection to dst, or its items' declarations to dst's.
func (m merger) mergeCollection(dst, iis, src *Element) {
	if src.Collection == nil {
		return
	}
	var ic *Collection
	if iis != nil {
		ic = iis.Collection
	}
	switch {
	case dst.Collection == nil && ic == nil:
		c := *src.Collection
		c.Item = m.adopt(src.Collection.Item)
		dst.Collection = &c
	case dst.Collection != nil && dst.Collection.AddElement == src.Collection.AddElement:
		var item *Element
		if ic != nil {
			item = ic.Item
		}
		m.merge(dst.Collection.Item, item, src.Collection.Item)
	}
}

// adopt returns a copy of e, and of everything in it, as the extension declares it.
func (m merger) adopt(e *Element) *Element {
	c := &Element{Name: e.Name, Since: m.v, Extension: m.file}
	m.merge(c, nil, e)
	return c
}
