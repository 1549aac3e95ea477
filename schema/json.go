package schema

import (
	"encoding/json"
	"io"
)

// AttributeJSON is the JSON form of one attribute in `poolctl schema --format json`.
type AttributeJSON struct {
	Path       string          `json:"path"`
	Type       string          `json:"type"`
	Default    *string         `json:"default,omitempty"`
	Required   bool            `json:"required,omitempty"`
	Encrypted  bool            `json:"encrypted,omitempty"`
	Enum       []ValueJSON     `json:"enum,omitempty"`
	Flags      []ValueJSON     `json:"flags,omitempty"`
	Validation *ValidationJSON `json:"validation,omitempty"`
	Since      string          `json:"since"`
}

// ValueJSON is the JSON form of an enum or flag value.
type ValueJSON struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// ValidationJSON is the JSON form of a validator. Min, Max and Granularity are
// omitted for validators without parameters; Granularity and Min/Max are seconds for
// timeSpanRange.
type ValidationJSON struct {
	Type        string `json:"type"`
	Min         *int64 `json:"min,omitempty"`
	Max         *int64 `json:"max,omitempty"`
	Granularity *int64 `json:"granularity,omitempty"`
	Exclude     bool   `json:"exclude,omitempty"`
}

// DocumentJSON is the whole of `poolctl schema --format json`.
type DocumentJSON struct {
	Target     string          `json:"target"`
	Attributes []AttributeJSON `json:"attributes"`
}

// JSON returns the pool attributes of the schema, with paths dotted from the pool's
// <add> element, in the form `poolctl schema --format json` prints.
func (s *Schema) JSON() DocumentJSON {
	doc := DocumentJSON{Target: s.Version.String(), Attributes: []AttributeJSON{}}
	for _, pa := range Flatten(s.Pool()) {
		doc.Attributes = append(doc.Attributes, attributeJSON(pa))
	}
	return doc
}

func attributeJSON(pa PathAttribute) AttributeJSON {
	a := pa.Attribute
	j := AttributeJSON{Path: pa.Path, Type: a.Type.String(), Required: a.Required, Encrypted: a.Encrypted, Since: a.Since.String()}
	if a.HasDefault {
		d := a.Default
		j.Default = &d
	}
	j.Enum = valuesJSON(a.Enum)
	j.Flags = valuesJSON(a.Flags)
	if v := a.Validation; v != nil {
		j.Validation = &ValidationJSON{Type: v.Kind.String(), Exclude: v.Exclude}
		switch v.Kind {
		case IntegerRange:
			j.Validation.Min, j.Validation.Max = ptr(v.Min), ptr(v.Max)
		case TimeSpanRange:
			j.Validation.Min, j.Validation.Max, j.Validation.Granularity = ptr(v.Min), ptr(v.Max), ptr(v.Granularity)
		}
	}
	return j
}

func ptr(n int64) *int64 { return &n }

func valuesJSON(values []EnumValue) []ValueJSON {
	var out []ValueJSON
	for _, e := range values {
		out = append(out, ValueJSON{Name: e.Name, Value: e.Value})
	}
	return out
}

// WriteJSON writes JSON() indented, with a final newline.
func (s *Schema) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s.JSON())
}
