package schema

import "slices"

// The tables in this package declare each attribute once, as the oldest version that
// knows it declares it, followed by the changes later versions made. build functions
// turn a declaration into the model of one version.

// attrSpec declares an attribute across versions.
type attrSpec struct {
	a       Attribute
	changes []change
}

// change is what a later version changed in an attribute's declaration.
type change struct {
	from Version
	opts []attrOpt
}

type attrOpt func(*attrSpec)

// attr declares an attribute known since IIS 7.0 unless a since option says otherwise.
func attr(name string, t Type, opts ...attrOpt) attrSpec {
	s := attrSpec{a: Attribute{Name: name, Type: t, Since: IIS70}}
	for _, o := range opts {
		o(&s)
	}
	return s
}

func def(v string) attrOpt {
	return func(s *attrSpec) { s.a.Default, s.a.HasDefault = v, true }
}

func since(v Version) attrOpt { return func(s *attrSpec) { s.a.Since = v } }

func intRange(min, max int64) attrOpt {
	return func(s *attrSpec) { s.a.Validation = &Validation{Kind: IntegerRange, Min: min, Max: max} }
}

func timeRange(min, max, granularity int64) attrOpt {
	return func(s *attrSpec) {
		s.a.Validation = &Validation{Kind: TimeSpanRange, Min: min, Max: max, Granularity: granularity}
	}
}

func validator(k ValidationKind) attrOpt {
	return func(s *attrSpec) { s.a.Validation = &Validation{Kind: k} }
}

func required(s *attrSpec)      { s.a.Required = true }
func uniqueKey(s *attrSpec)     { s.a.UniqueKey = true }
func combinedKey(s *attrSpec)   { s.a.CombinedKey = true }
func encrypted(s *attrSpec)     { s.a.Encrypted = true }
func caseSensitive(s *attrSpec) { s.a.CaseSensitive = true }
func expanded(s *attrSpec)      { s.a.Expanded = true }

func enum(values ...EnumValue) attrOpt {
	return func(s *attrSpec) { s.a.Enum = append(s.a.Enum, values...) }
}

func flags(values ...EnumValue) attrOpt {
	return func(s *attrSpec) { s.a.Flags = append(s.a.Flags, values...) }
}

// ev is an enum or flag value known since the attribute itself.
func ev(name string, value int64) EnumValue { return EnumValue{Name: name, Value: value} }

// evSince is an enum or flag value added by a later version.
func evSince(v Version, name string, value int64) EnumValue {
	return EnumValue{Name: name, Value: value, Since: v}
}

// from records options that apply from version v on.
func from(v Version, opts ...attrOpt) attrOpt {
	return func(s *attrSpec) { s.changes = append(s.changes, change{from: v, opts: opts}) }
}

// build returns the attribute as version v declares it, or nil when v does not know it.
// An attribute is never older than its element: floor is the element's Since.
func (s attrSpec) build(v, floor Version) *Attribute {
	if s.a.Since < floor {
		s.a.Since = floor
	}
	if v < s.a.Since {
		return nil
	}
	t := attrSpec{a: s.a}
	t.a.Enum = slices.Clone(s.a.Enum)
	t.a.Flags = slices.Clone(s.a.Flags)
	if s.a.Validation != nil {
		val := *s.a.Validation
		t.a.Validation = &val
	}
	for _, c := range s.changes {
		if c.from <= v {
			for _, o := range c.opts {
				o(&t)
			}
		}
	}
	t.a.Enum = valuesAt(t.a.Enum, t.a.Since, v)
	t.a.Flags = valuesAt(t.a.Flags, t.a.Since, v)
	return &t.a
}

// valuesAt keeps the enum values that version v knows, giving values without a Since
// the attribute's own.
func valuesAt(values []EnumValue, attrSince, v Version) []EnumValue {
	var out []EnumValue
	for _, e := range values {
		if e.Since == 0 {
			e.Since = attrSince
		}
		if e.Since <= v {
			out = append(out, e)
		}
	}
	return out
}

// elemSpec declares an element across versions.
type elemSpec struct {
	name      string
	since     Version
	attrs     []attrSpec
	elems     []elemSpec
	coll      *collSpec
	isDefault bool
	partial   bool
}

// collSpec declares a collection; item holds the attributes and elements of its items.
type collSpec struct {
	add, remove, clear, defaultElement string
	allowDuplicates                    bool
	item                               elemSpec
}

// build returns the element as version v declares it, or nil when v does not know it.
func (s elemSpec) build(v Version) *Element {
	if s.since == 0 {
		s.since = IIS70
	}
	if v < s.since {
		return nil
	}
	e := &Element{Name: s.name, IsCollectionDefault: s.isDefault, Partial: s.partial, Since: s.since}
	for _, as := range s.attrs {
		if a := as.build(v, s.since); a != nil {
			e.Attributes = append(e.Attributes, a)
		}
	}
	for _, es := range s.elems {
		if es.since < s.since {
			es.since = s.since
		}
		if c := es.build(v); c != nil {
			e.Elements = append(e.Elements, c)
		}
	}
	if s.coll != nil {
		item := s.coll.item
		item.name = s.coll.add
		if item.since == 0 {
			item.since = s.since
		}
		e.Collection = &Collection{
			AddElement:      s.coll.add,
			RemoveElement:   s.coll.remove,
			ClearElement:    s.coll.clear,
			DefaultElement:  s.coll.defaultElement,
			AllowDuplicates: s.coll.allowDuplicates,
			Item:            item.build(v),
		}
	}
	return e
}
