package parse

import (
	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/schema"
)

// Origin says where an effective value comes from.
type Origin int

// The origins of an effective value, from the weakest to the strongest.
const (
	// FromSchema is the schema's default for the target version.
	FromSchema Origin = iota
	// FromPoolDefaults is <applicationPoolDefaults> (or one of its child elements).
	FromPoolDefaults
	// FromPool is the pool's own <add> element (or one of its child elements): the value
	// is locally set, even when it equals the default.
	FromPool
)

// String returns "default", "applicationPoolDefaults" or "pool".
func (o Origin) String() string {
	switch o {
	case FromPoolDefaults:
		return "applicationPoolDefaults"
	case FromPool:
		return "pool"
	}
	return "default"
}

// Setting is the effective value of one attribute of a pool.
type Setting struct {
	// Path is the attribute's dotted path, as schema.Flatten spells it.
	Path string
	Attr *schema.Attribute
	// Text is the value as written, or the schema's default.
	Text   string
	Origin Origin
	// Element is the element that carries the attribute, and Doc the document that
	// holds it; both are nil for schema defaults.
	Element *etree.Element
	Doc     *Document
}

// Pos returns where the value is written (the first character inside the quotes), or
// the zero Pos for schema defaults. It is computed on demand: resolving every setting
// of every pool should not pay for positions nobody prints.
func (s Setting) Pos() Pos {
	if s.Element == nil || s.Doc == nil {
		return Pos{}
	}
	p, _ := s.Doc.AttrValuePos(s.Element, s.Attr.Name)
	return p
}

// Value parses and validates the setting's text by its attribute's type and validator.
func (s Setting) Value() (schema.Value, error) { return s.Attr.ParseAndValidate(s.Text) }

// IsSet reports whether the pool itself sets the attribute.
func (s Setting) IsSet() bool { return s.Origin == FromPool }
