package metabase

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/internal/saferead"
	"github.com/poolctl/poolctl/parse"
)

// ReadFile reads the metabase file at path, which must be a regular file of at most
// opt.Limit() bytes. Errors name the path.
func ReadFile(path string, opt parse.Options) (*Metabase, error) {
	data, err := saferead.ReadFile(path, opt.Limit())
	if err != nil {
		return nil, err // an *fs.PathError or a saferead error, which name the path
	}
	return Read(path, data)
}

// Read reads a metabase from data; name is used in positions and errors.
//
// data may be UTF-8, with or without a byte order mark, or UTF-16 (little- or
// big-endian), with or without one: IIS writes MetaBase.xml in UTF-8 and "iiscnfg
// /export" may write UTF-16. parse reads UTF-16 only with a byte order mark, so Read
// gives a file without one the mark its first character calls for; lines and columns
// stay those of the file, and offsets, as for any UTF-16 file parse reads, count the
// bytes of its UTF-8 decoding after a three-byte mark. A file that is not well-formed
// XML, or whose root is not <configuration>, is a *parse.Error at the file, line and
// column of the problem; so are a key without a Location, two keys at one location and
// a <Custom> property without a Name.
func Read(name string, data []byte) (*Metabase, error) {
	src := withUTF16BOM(data)
	doc, err := parse.ReadBytes(name, src, parse.Options{})
	if err != nil {
		return nil, err
	}
	root := doc.Root()
	if root == nil || root.FullTag() != "configuration" {
		pos := parse.Pos{File: name, Line: 1, Col: 1}
		tag := ""
		if root != nil {
			pos, tag = doc.Pos(root), root.FullTag()
		}
		return nil, &parse.Error{Pos: pos, Kind: parse.ErrRoot,
			Msg: fmt.Sprintf("root element is <%s>, want <configuration> (MetaBase.xml or an iiscnfg /export file)", tag)}
	}
	r := &reader{m: &Metabase{Name: name, Doc: doc, index: map[string]*Key{}}, text: utf8Text(src)}
	if err := r.walk(root); err != nil {
		return nil, err
	}
	return r.m, nil
}

// withUTF16BOM returns data with a UTF-16 byte order mark in front when data is UTF-16
// without one: its first character is ASCII (as '<' and white space are), so one of
// its first two bytes is zero.
func withUTF16BOM(data []byte) []byte {
	if len(data) < 2 || len(data)%2 != 0 {
		return data
	}
	var bom []byte
	switch {
	case data[0] != 0 && data[1] == 0 && isXMLStart(data[0]):
		bom = []byte{0xFF, 0xFE}
	case data[0] == 0 && data[1] != 0 && isXMLStart(data[1]):
		bom = []byte{0xFE, 0xFF}
	default:
		return data
	}
	return append(bom, data...)
}

// isXMLStart reports whether c can start an XML document: '<' or white space.
func isXMLStart(c byte) bool { return c == '<' || c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// utf8Text returns the UTF-8 text parse builds from src, byte for byte: src itself
// unless it starts with a UTF-16 byte order mark, which becomes U+FEFF. parse has read
// src without an error, so src is valid.
func utf8Text(src []byte) string {
	var le bool
	switch {
	case len(src) >= 2 && src[0] == 0xFF && src[1] == 0xFE:
		le = true
	case len(src) >= 2 && src[0] == 0xFE && src[1] == 0xFF:
	default:
		return string(src)
	}
	units := make([]uint16, len(src)/2)
	for i := range units {
		if le {
			units[i] = uint16(src[2*i]) | uint16(src[2*i+1])<<8
		} else {
			units[i] = uint16(src[2*i])<<8 | uint16(src[2*i+1])
		}
	}
	return string(utf16.Decode(units))
}

// reader builds a Metabase from a document.
type reader struct {
	m    *Metabase
	text string // the document's UTF-8 text, for raw attribute values
}

// walk reads the keys among e's descendants: every element with a Location attribute
// but <Custom>, which holds a property of the key it is in.
func (r *reader) walk(e *etree.Element) error {
	for c := range e.ChildElementsSeq() {
		if c.FullTag() == "Custom" {
			continue
		}
		if _, ok := parse.Attr(c, "Location"); ok {
			if err := r.key(c); err != nil {
				return err
			}
		}
		if err := r.walk(c); err != nil {
			return err
		}
	}
	return nil
}

// key reads the key e and indexes it by location.
func (r *reader) key(e *etree.Element) error {
	doc := r.m.Doc
	loc, _ := parse.Attr(e, "Location")
	locPos, _ := doc.AttrValuePos(e, "Location")
	if cleanLocation(loc) == "" {
		return &parse.Error{Pos: locPos, Msg: fmt.Sprintf("<%s> has an empty Location", e.FullTag())}
	}
	lower := strings.ToLower(cleanLocation(loc))
	if first, ok := r.m.index[lower]; ok {
		return &parse.Error{Pos: locPos, Msg: fmt.Sprintf("key %q appears twice (first at %d:%d)", loc, first.Pos.Line, first.Pos.Col)}
	}
	k := &Key{Type: e.FullTag(), Location: loc, Pos: doc.Pos(e), LocationPos: locPos}
	for _, a := range e.Attr {
		if a.FullKey() == "Location" || a.Space == "xmlns" || a.Space == "" && a.Key == "xmlns" {
			continue
		}
		k.Props = append(k.Props, r.attrProp(e, a))
	}
	for c := range e.ChildElementsSeq() {
		if c.FullTag() != "Custom" {
			continue
		}
		p, err := r.customProp(c)
		if err != nil {
			return err
		}
		k.Props = append(k.Props, p)
	}
	r.m.Keys = append(r.m.Keys, k)
	r.m.index[lower] = k
	return nil
}

// attrProp returns the property that attribute a of e holds.
func (r *reader) attrProp(e *etree.Element, a etree.Attr) Property {
	pos, _ := r.m.Doc.AttrPos(e, a.FullKey())
	raw, vpos := r.raw(e, a.FullKey())
	return Property{Name: a.FullKey(), Value: a.Value, Raw: raw, Pos: pos, ValuePos: vpos}
}

// customProp returns the property that the <Custom> element c holds.
func (r *reader) customProp(c *etree.Element) (Property, error) {
	name, ok := parse.Attr(c, "Name")
	if !ok || strings.TrimSpace(name) == "" {
		return Property{}, &parse.Error{Pos: r.m.Doc.Pos(c), Msg: `<Custom> property without a Name`}
	}
	value, _ := parse.Attr(c, "Value")
	attrs, _ := parse.Attr(c, "Attributes")
	raw, vpos := r.raw(c, "Value")
	if !vpos.IsValid() {
		vpos = r.m.Doc.Pos(c)
	}
	return Property{Name: strings.TrimSpace(name), Value: value, Raw: raw, Pos: r.m.Doc.Pos(c), ValuePos: vpos,
		Custom: true, Attributes: attrs}, nil
}

// raw returns the value of e's attribute key as written between its quotes, and the
// position of its first character; "" and the zero Pos when e has no such attribute.
func (r *reader) raw(e *etree.Element, key string) (string, parse.Pos) {
	pos, ok := r.m.Doc.AttrValuePos(e, key)
	if !ok || pos.Offset < 1 || pos.Offset > len(r.text) {
		return "", parse.Pos{}
	}
	quote := r.text[pos.Offset-1]
	end := strings.IndexByte(r.text[pos.Offset:], quote)
	if end < 0 {
		return "", pos
	}
	return r.text[pos.Offset : pos.Offset+end], pos
}

// decodeRefs replaces the predefined entity and character references of raw, which
// the XML reader has already checked, by the characters they stand for.
func decodeRefs(raw string) string {
	if !strings.Contains(raw, "&") {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		end := strings.IndexByte(raw[i:], ';')
		if raw[i] != '&' || end < 0 {
			b.WriteByte(raw[i])
			continue
		}
		if s, ok := refText(raw[i+1 : i+end]); ok {
			b.WriteString(s)
			i += end
			continue
		}
		b.WriteByte(raw[i])
	}
	return b.String()
}

// refText returns the text that the reference &name; stands for.
func refText(name string) (string, bool) {
	switch name {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return `"`, true
	case "apos":
		return "'", true
	}
	num, ok := strings.CutPrefix(name, "#")
	if !ok {
		return "", false
	}
	base := 10
	if h, ok := strings.CutPrefix(num, "x"); ok {
		num, base = h, 16
	}
	n, err := strconv.ParseUint(num, base, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return "", false
	}
	return string(rune(n)), true
}
