package desired

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/poolctl/poolctl/internal/excerpt"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// desiredSource is the text of a JSON or YAML desired state, with the start of each
// line, for positions. Lines end at LF, CR LF and a CR alone, and in YAML also at the
// line breaks YAML 1.1 adds (U+0085, U+2028 and U+2029), as yaml.v3 counts them.
// Columns count characters, as parse.Pos does, and a byte order mark is not one.
type desiredSource struct {
	name   string
	data   []byte
	starts []int
}

func newDesiredSource(name string, data []byte, yamlBreaks bool) *desiredSource {
	src := &desiredSource{name: name, data: data, starts: []int{0}}
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++
			src.starts = append(src.starts, i+1)
		case data[i] == '\r' || data[i] == '\n':
			src.starts = append(src.starts, i+1)
		case yamlBreaks && data[i] >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(data[i:])
			i += n - 1
			if r == '\u0085' || r == '\u2028' || r == '\u2029' {
				src.starts = append(src.starts, i+1)
			}
		}
	}
	return src
}

// pos returns the position of the byte at offset.
func (src *desiredSource) pos(offset int) parse.Pos {
	offset = min(max(offset, 0), len(src.data))
	line, found := slices.BinarySearch(src.starts, offset)
	if !found {
		line--
	}
	start := src.lineStart(line)
	col := 1 + utf8.RuneCount(src.data[min(start, offset):offset])
	return parse.Pos{File: src.name, Line: line + 1, Col: col, Offset: offset}
}

// at returns the position of line and col (1-based, col in characters), with its
// offset.
func (src *desiredSource) at(line, col int) parse.Pos {
	p := parse.Pos{File: src.name, Line: line, Col: col}
	if line < 1 || line > len(src.starts) {
		return p
	}
	off := src.lineStart(line - 1)
	for n := 1; n < col && off < len(src.data); n++ {
		_, size := utf8.DecodeRune(src.data[off:])
		off += size
	}
	p.Offset = off
	return p
}

// lineStart returns the offset of the first character of line (0-based).
func (src *desiredSource) lineStart(line int) int {
	if line == 0 && bytes.HasPrefix(src.data, []byte(desiredBOM)) {
		return len(desiredBOM)
	}
	return src.starts[line]
}

// desiredErrorAt returns a *parse.Error at pos.
func desiredErrorAt(pos parse.Pos, format string, args ...any) *parse.Error {
	return &parse.Error{Pos: pos, Msg: fmt.Sprintf(format, excerpt.Args(args)...)}
}

// desiredMaxDepth bounds the nesting of JSON and YAML values: a desired state nests six
// deep at most, and a bound keeps hostile input from growing the stack.
const desiredMaxDepth = 64

// desiredTree is a desired state read from JSON or YAML: its value in the generic form
// that encoding/json gives with UseNumber (map[string]any, []any, string, bool,
// json.Number, nil), and the position of every value and of every object key, by the
// JSON pointer of the value.
type desiredTree struct {
	src    *desiredSource
	value  any
	values map[string]parse.Pos
	keys   map[string]parse.Pos
}

func newDesiredTree(src *desiredSource) *desiredTree {
	return &desiredTree{src: src, values: map[string]parse.Pos{}, keys: map[string]parse.Pos{}}
}

// addKey records the position of the key that names sub in the object at parent, and
// reports a key that the object has twice.
func (t *desiredTree) addKey(parent, sub []string, pos parse.Pos) error {
	ptr := desiredPointer(sub)
	if first, ok := t.keys[ptr]; ok {
		return desiredErrorAt(pos, "%sduplicate key %q (first at %d:%d)", t.where(parent), sub[len(sub)-1], first.Line, first.Col)
	}
	t.keys[ptr] = pos
	return nil
}

// desiredPointer returns the JSON pointer of tokens.
func desiredPointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// desiredChild returns the pointer of key under ptr.
func desiredChild(ptr, key string) string { return ptr + desiredPointer([]string{key}) }

// check validates the tree against s's JSON Schema, then checks what the schema cannot
// say: that pools are named, once each, and that every string can be written in XML.
func (t *desiredTree) check(s *schema.Schema, compile func() (*jsonschema.Schema, error)) error {
	sch, err := compile()
	if err != nil {
		return fmt.Errorf("%s: the JSON Schema of %s: %w", t.src.name, s.Version, err)
	}
	if err := sch.Validate(t.value); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("%s: validating against the JSON Schema: %w", t.src.name, err)
		}
		return t.schemaError(ve, s)
	}
	if err := t.checkPoolNames(); err != nil {
		return err
	}
	return t.checkChars(t.value, nil)
}

// compileDesiredSchema compiles s's JSON Schema.
func compileDesiredSchema(s *schema.Schema) (*jsonschema.Schema, error) {
	var buf bytes.Buffer
	if err := s.WriteJSONSchema(&buf); err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(&buf)
	if err != nil {
		return nil, err
	}
	const url = "poolctl-desired.schema.json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// schemaError turns a validation error into a *parse.Error at the first problem in
// the input; the message counts the others.
func (t *desiredTree) schemaError(ve *jsonschema.ValidationError, s *schema.Schema) error {
	var problems []*parse.Error
	for _, leaf := range desiredLeaves(ve, nil) {
		problems = append(problems, t.problems(leaf, s)...)
	}
	if len(problems) == 0 {
		return fmt.Errorf("%s: %w", t.src.name, ve)
	}
	slices.SortFunc(problems, func(a, b *parse.Error) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col), strings.Compare(a.Msg, b.Msg))
	})
	first := problems[0]
	if n := len(problems) - 1; n == 1 {
		first.Msg += " (and 1 more problem)"
	} else if n > 1 {
		first.Msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return first
}

// desiredLeaves appends the errors of ve's tree that have no causes: the problems
// themselves, without the $ref and schema levels above them.
func desiredLeaves(ve *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(out, ve)
	}
	for _, c := range ve.Causes {
		out = desiredLeaves(c, out)
	}
	return out
}

// problems describes one failed keyword: an unknown property is reported at its key,
// one problem per property; anything else at the value.
func (t *desiredTree) problems(leaf *jsonschema.ValidationError, s *schema.Schema) []*parse.Error {
	tokens := leaf.InstanceLocation
	if k, ok := leaf.ErrorKind.(*kind.AdditionalProperties); ok {
		var out []*parse.Error
		for _, p := range k.Properties {
			pos := t.keys[desiredChild(desiredPointer(tokens), p)]
			out = append(out, desiredErrorAt(pos, "%sunknown property %q", t.where(tokens), p))
		}
		return out
	}
	pos := t.values[desiredPointer(tokens)]
	msg := t.where(tokens) + t.message(tokens, leaf.ErrorKind, desiredAttribute(s, tokens))
	return []*parse.Error{{Pos: pos, Msg: msg}}
}

// message says what is wrong with the value at tokens, whose attribute is a (nil for
// an element). The attribute's own parser and validator word the messages about values
// that have the right type, as poolctl lint would.
func (t *desiredTree) message(tokens []string, k jsonschema.ErrorKind, a *schema.Attribute) string {
	v := t.lookup(tokens)
	switch k := k.(type) {
	case *kind.Type:
		return fmt.Sprintf("want %s, got %s", strings.Join(k.Want, " or "), desiredTyped(v))
	case *kind.Required:
		quoted := make([]string, len(k.Missing))
		for i, m := range k.Missing {
			quoted[i] = strconv.Quote(m)
		}
		if len(quoted) == 1 {
			return "missing required property " + quoted[0]
		}
		return "missing required properties " + strings.Join(quoted, ", ")
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return fmt.Sprintf("invalid value %s: must be one of %s", desiredLiteral(v), strings.Join(want, ", "))
	}
	if text, ok := desiredText(v); ok && a != nil {
		var ve *schema.ValueError
		if _, err := a.ParseAndValidate(text); errors.As(err, &ve) {
			return fmt.Sprintf("invalid value %s: %s", desiredLiteral(v), ve.Msg)
		}
	}
	return fmt.Sprintf("invalid value %s: fails the JSON Schema keyword %q", desiredLiteral(v), strings.Join(k.KeywordPath(), "/"))
}

// lookup returns the value at tokens, or nil.
func (t *desiredTree) lookup(tokens []string) any {
	v := t.value
	for _, tok := range tokens {
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// where names the place of tokens for a message, with a colon and a space: a pool by
// its name (`pool "Shop": processModel.idleTimeout: `) unless the name is what is
// wrong, the defaults as "applicationPoolDefaults", array indexes in brackets, and the
// top-level object as "top level".
func (t *desiredTree) where(tokens []string) string {
	if len(tokens) == 0 {
		return "top level: "
	}
	head, rest := "", tokens
	switch {
	case tokens[0] == "applicationPools" && len(tokens) > 1:
		head, rest = "applicationPools["+tokens[1]+"]", tokens[2:]
		if name := desiredPoolName(t.lookup(tokens[:2])); name != "" && !slices.Equal(rest, []string{"name"}) {
			head = fmt.Sprintf("pool %q", excerpt.String(name))
		}
	case tokens[0] == "applicationPoolDefaults":
		head, rest = tokens[0], tokens[1:]
	}
	var path strings.Builder
	for _, tok := range rest {
		if _, err := strconv.Atoi(tok); err == nil {
			path.WriteString("[" + tok + "]")
			continue
		}
		if path.Len() > 0 {
			path.WriteByte('.')
		}
		path.WriteString(tok)
	}
	parts := slices.DeleteFunc([]string{head, path.String()}, func(s string) bool { return s == "" })
	return strings.Join(parts, ": ") + ": "
}

// desiredAttribute returns the schema attribute at tokens, or nil when they do not lead
// to one.
func desiredAttribute(s *schema.Schema, tokens []string) *schema.Attribute {
	if len(tokens) < 2 {
		return nil
	}
	var e *schema.Element
	switch tokens[0] {
	case "applicationPoolDefaults":
		e, tokens = s.PoolDefaults(), tokens[1:]
	case "applicationPools":
		e, tokens = s.Pool(), tokens[2:]
	default:
		return nil
	}
	for len(tokens) > 0 {
		if len(tokens) == 1 {
			return e.Attribute(tokens[0])
		}
		c := e.Element(tokens[0])
		switch {
		case c == nil:
			return nil
		case desiredIsArray(c):
			e, tokens = c.Collection.Item, tokens[2:]
		default:
			e, tokens = c, tokens[1:]
		}
	}
	return nil
}

// desiredIsArray reports whether the JSON form writes element c as an array of its
// collection's items, as schema.JSONSchema does: a collection without attributes or
// child elements of its own.
func desiredIsArray(c *schema.Element) bool {
	return c.Collection != nil && len(c.Attributes) == 0 && len(c.Elements) == 0
}

// desiredTyped describes v with its JSON type, for type errors: `string "many"`.
func desiredTyped(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string " + desiredLiteral(v)
	case json.Number:
		return "number " + desiredLiteral(v)
	case bool:
		return "boolean " + desiredLiteral(v)
	}
	return "null"
}

// desiredLiteral writes v as JSON would.
func desiredLiteral(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", excerpt.String(x))
	case map[string]any:
		return "{...}"
	case []any:
		return "[...]"
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

// desiredText returns the attribute text of a scalar: strings as they are, booleans
// "true" and "false", and numbers with an integral value in decimal ("1e3" is "1000").
// A number that is not an integer is written as it was spelled.
func desiredText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(x)); ok && r.IsInt() {
			return r.Num().String(), true
		}
		return string(x), true
	}
	return "", false
}

// desiredPoolName returns the name of the pool object p, or "".
func desiredPoolName(p any) string {
	obj, _ := p.(map[string]any)
	name, _ := obj["name"].(string)
	return name
}

// checkPoolNames reports a pool with an empty name and two pools with the same name.
func (t *desiredTree) checkPoolNames() error {
	top, _ := t.value.(map[string]any)
	pools, _ := top["applicationPools"].([]any)
	seen := map[string]parse.Pos{}
	for i, p := range pools {
		name := desiredPoolName(p)
		tokens := []string{"applicationPools", strconv.Itoa(i), "name"}
		pos := t.values[desiredPointer(tokens)]
		if name == "" {
			return desiredErrorAt(pos, "%sa pool name must not be empty", t.where(tokens))
		}
		if err := desiredDuplicate(seen, name, pos); err != nil {
			return err
		}
	}
	return nil
}

// checkChars reports the first string (in document order of keys sorted by name) that
// holds a character XML cannot carry, such as U+0001.
func (t *desiredTree) checkChars(v any, tokens []string) error {
	switch x := v.(type) {
	case string:
		for _, r := range x {
			if !desiredXMLChar(r) {
				return desiredErrorAt(t.values[desiredPointer(tokens)], "%scharacter %U cannot be written in XML", t.where(tokens), r)
			}
		}
	case []any:
		for i, c := range x {
			if err := t.checkChars(c, append(slices.Clip(tokens), strconv.Itoa(i))); err != nil {
				return err
			}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if err := t.checkChars(x[k], append(slices.Clip(tokens), k)); err != nil {
				return err
			}
		}
	}
	return nil
}

// desiredXMLChar reports whether XML 1.0 allows the character r.
func desiredXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		0x20 <= r && r <= 0xD7FF ||
		0xE000 <= r && r <= 0xFFFD ||
		0x10000 <= r && r <= unicode.MaxRune
}
