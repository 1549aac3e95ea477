package schema

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// JSONSchemaDraft is the JSON Schema dialect JSONSchema produces.
const JSONSchemaDraft = "https://json-schema.org/draft/2020-12/schema"

// timeSpanPattern matches the spellings of a timeSpan that the JSON form accepts:
// [-][d.]hh:mm[:ss[.fffffff]] or a whole number of days. ParseTimeSpan has the last word
// on ranges of each field.
const timeSpanPattern = `^\s*-?(\d+\.)?\d+:\d{1,2}(:\d{1,2}(\.\d{1,7})?)?\s*$|^\s*-?\d+\s*$`

// JSONSchema returns a JSON Schema (draft 2020-12) of the section's JSON form, the form
// `poolctl apply` accepts:
//
//	{"applicationPoolDefaults": {...}, "applicationPools": [{"name": "Shop", ...}]}
//
// An element is an object whose properties are its attributes and child elements; a
// collection is an array of its items (recycling.periodicRestart.schedule is
// [{"value": "03:00:00"}]). Values are JSON booleans, integers and strings by type;
// enum and flags values use the schema's names. Granularity, key uniqueness and the
// version rules that JSON Schema cannot say are left to poolctl's own checks.
func (s *Schema) JSONSchema() map[string]any {
	return map[string]any{
		"$schema":     JSONSchemaDraft,
		"$id":         "urn:poolctl:schema:" + s.Version.String() + ":applicationPools",
		"title":       fmt.Sprintf("%s for %s", ApplicationPoolsPath, s.Version),
		"description": "The JSON form of the <applicationPools> section that poolctl apply accepts.",
		"type":        "object",
		"properties": map[string]any{
			"applicationPoolDefaults": map[string]any{"$ref": "#/$defs/applicationPoolDefaults"},
			"applicationPools": map[string]any{
				"type":  "array",
				"items": map[string]any{"$ref": "#/$defs/pool"},
			},
		},
		"additionalProperties": false,
		"$defs": map[string]any{
			"pool":                    elementSchema(s.Pool()),
			"applicationPoolDefaults": elementSchema(s.PoolDefaults()),
		},
	}
}

// WriteJSONSchema writes JSONSchema() indented, with a final newline.
func (s *Schema) WriteJSONSchema(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s.JSONSchema())
}

func elementSchema(e *Element) map[string]any {
	props := map[string]any{}
	var required []string
	for _, a := range e.Attributes {
		props[a.Name] = attributeSchema(a)
		if a.Required {
			required = append(required, a.Name)
		}
	}
	for _, c := range e.Elements {
		if c.Collection != nil && len(c.Attributes) == 0 && len(c.Elements) == 0 {
			props[c.Name] = map[string]any{"type": "array", "items": elementSchema(c.Collection.Item)}
			continue
		}
		props[c.Name] = elementSchema(c)
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func attributeSchema(a *Attribute) map[string]any {
	out := map[string]any{}
	desc := []string{fmt.Sprintf("%s; since %s", a.Type, a.Since)}
	switch a.Type {
	case Bool:
		out["type"] = "boolean"
	case Uint, Int, Int64:
		out["type"] = "integer"
		min, max := typeRange(a.Type)
		if v := a.Validation; v != nil && v.Kind == IntegerRange && !v.Exclude {
			min, max = v.Min, v.Max
		}
		out["minimum"], out["maximum"] = min, max
		if v := a.Validation; v != nil && v.Kind == IntegerRange && v.Exclude {
			out["not"] = map[string]any{"minimum": v.Min, "maximum": v.Max}
		}
	case Enum:
		out["enum"] = names(a.Enum)
	case Flags:
		alt := "(" + strings.Join(quoteNames(a.Flags), "|") + ")"
		out["type"] = "string"
		out["pattern"] = `^\s*(` + alt + `(\s*,\s*` + alt + `)*)?\s*$`
	case TimeSpanType:
		out["type"] = "string"
		out["pattern"] = timeSpanPattern
		if v := a.Validation; v != nil && v.Kind == TimeSpanRange {
			desc = append(desc, fmt.Sprintf("from %d to %d seconds in steps of %d", v.Min, v.Max, v.Granularity))
		}
	case String:
		out["type"] = "string"
		stringValidation(a, out)
	}
	if a.HasDefault {
		if d, ok := defaultJSON(a); ok {
			out["default"] = d
		}
	}
	if a.Encrypted {
		desc = append(desc, "encrypted at rest")
	}
	out["description"] = strings.Join(desc, "; ")
	return out
}

func typeRange(t Type) (int64, int64) {
	switch t {
	case Uint:
		return 0, 1<<32 - 1
	case Int:
		return -1 << 31, 1<<31 - 1
	}
	return -1 << 63, 1<<63 - 1
}

func stringValidation(a *Attribute, out map[string]any) {
	if a.Validation == nil {
		return
	}
	switch a.Validation.Kind {
	case NonEmptyString:
		out["minLength"] = 1
	case ApplicationPoolName:
		out["pattern"] = "^[^" + regexp.QuoteMeta(applicationPoolNameChars) + "]*$"
	case RequireTrimmedString:
		out["pattern"] = `^(\S(.*\S)?)?$`
	}
}

func names(values []EnumValue) []string {
	out := make([]string, len(values))
	for i, e := range values {
		out[i] = e.Name
	}
	return out
}

func quoteNames(values []EnumValue) []string {
	out := names(values)
	for i := range out {
		out[i] = regexp.QuoteMeta(out[i])
	}
	return out
}

// defaultJSON returns the attribute's default as a JSON value of its type.
func defaultJSON(a *Attribute) (any, bool) {
	v, err := a.Parse(a.Default)
	if err != nil {
		return nil, false
	}
	switch a.Type {
	case Bool:
		return v.Bool, true
	case Uint, Int, Int64:
		return v.Int, true
	}
	return a.Default, true
}
