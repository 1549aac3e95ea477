package parse

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/internal/excerpt"
)

// WriteTo writes the document to w. It walks d.Tree and, for every token
// read from the source that has not changed since, writes its original
// bytes; it writes new and changed tokens as follows:
//
//   - A start tag whose attributes changed keeps the bytes of its unchanged
//     attributes, with the white space before them. A changed value keeps
//     its attribute's name, quote character and place; a removed attribute
//     goes with the white space before it; an added one goes at the end,
//     after a single space, in the quote character the element (or else the
//     document) mostly uses. The white space and "/>" or ">" that ended the
//     tag are kept.
//   - An empty-element tag whose element gained children becomes a start
//     tag and an end tag; an element that lost its children keeps its end
//     tag. A renamed element gets its new name in both tags.
//   - New elements are written "<a b="c"/>", or "<a b="c" />" if the
//     document mostly writes empty elements so. Values are escaped; tabs
//     and line breaks in attribute values are written as character
//     references, and line breaks in new text, comments and processing
//     instructions are written as LineEnding. In a document that declares
//     encoding="us-ascii", other characters of new values and text are
//     written as character references.
//
// A UTF-16 document is written in UTF-16 with the same byte order mark; a
// UTF-8 one with a byte order mark if it had one. WriteTo fails, writing
// nothing, when the tree cannot be written as well-formed XML: an invalid
// name, a character XML does not allow, a comment holding "--", text
// outside the root element, or other than one root element.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	b, err := d.Bytes()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

// Bytes returns the document as WriteTo writes it.
func (d *Document) Bytes() ([]byte, error) {
	p := &printer{
		d:   d,
		nl:  d.LineEnding(),
		out: make([]byte, 0, len(d.text)+len(d.text)/64+64),
	}
	if err := p.document(); err != nil {
		return nil, err
	}
	if d.enc != encUTF8 {
		return encodeUTF16(p.out, d.enc), nil
	}
	return p.out, nil
}

// printer writes a document's tree.
type printer struct {
	d    *Document
	nl   string // the line break of new text
	out  []byte // UTF-8, converted to UTF-16 at the end if need be
	elem int    // index in d.elems of the origin the next element likely has
	leaf int    // index in d.leaves of the origin the next leaf likely has
	// spaces holds texts found to stand for their source: the white space between
	// elements comes in a few spellings, each checked once.
	spaces map[string]string
}

// lookahead is how many origins past the likely one the printer tries
// before it looks a token up in the document's index: enough to step over
// a removed pool, few enough to cost little for a token created after
// reading. An unchanged tree, or one whose tokens were only changed, never
// needs the index.
const lookahead = 64

// elemOrigin returns the origin of e, or nil when e was created after
// reading.
func (p *printer) elemOrigin(e *etree.Element) *elemOrigin {
	return findOrigin(&p.d.elems, &p.elem, func(o *elemOrigin) bool { return &o.e == e },
		func() int { return p.d.elemIndex(e) })
}

// leafOrigin returns the origin of t, or nil when t was created after
// reading.
func (p *printer) leafOrigin(t etree.Token) *leafOrigin {
	return findOrigin(&p.d.leaves, &p.leaf, func(o *leafOrigin) bool { return o.t == t },
		func() int { return p.d.leafIndex(t) })
}

// findOrigin looks for the origin that is reports true for in the lookahead
// entries of tab from *cursor on, then through index (which returns -1 when
// the token has no origin), and moves *cursor past the origin found.
func findOrigin[T any](tab *table[T], cursor *int, is func(*T) bool, index func() int) *T {
	for i := *cursor; i < min(*cursor+lookahead, tab.len()); i++ {
		if o := tab.at(i); is(o) {
			*cursor = i + 1
			return o
		}
	}
	i := index()
	if i < 0 {
		return nil
	}
	*cursor = i + 1
	return tab.at(i)
}

func (p *printer) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: cannot write: %s", p.d.Name, fmt.Sprintf(format, excerpt.Args(args)...))
}

// copy writes the source bytes text[start:end].
func (p *printer) copy(start, end int32) {
	p.out = append(p.out, p.d.text[start:end]...)
}

func (p *printer) document() error {
	d := p.d
	p.out = append(p.out, d.text[:d.bomLen]...)
	roots := 0
	for _, t := range d.Tree.Child {
		switch t := t.(type) {
		case *etree.Element:
			roots++
		case *etree.CharData:
			if t.IsCData() || strings.TrimLeft(t.Data, " \t\r\n") != "" {
				return p.errorf("text outside the root element: %q", t.Data)
			}
		}
		if err := p.token(t); err != nil {
			return err
		}
	}
	if roots != 1 {
		return p.errorf("a document needs exactly one root element, not %d", roots)
	}
	return nil
}

func (p *printer) token(t etree.Token) error {
	switch t := t.(type) {
	case *etree.Element:
		return p.element(t)
	case *etree.CharData:
		if o := p.leafOrigin(t); o != nil && p.sameCharData(t, o) {
			p.copy(o.start, o.end)
			return nil
		}
		return p.charData(t)
	case *etree.Comment:
		if o := p.leafOrigin(t); o != nil && normalizedEqual(p.d.text[o.start+4:o.end-3], t.Data, normLines) {
			p.copy(o.start, o.end)
			return nil
		}
		return p.comment(t)
	case *etree.ProcInst:
		if o := p.leafOrigin(t); o != nil && p.sameProcInst(t, o) {
			p.copy(o.start, o.end)
			return nil
		}
		return p.procInst(t)
	case *etree.Directive:
		return p.errorf("directive <!%s>: declarations are not allowed", t.Data)
	}
	return p.errorf("unknown token type %T", t)
}

func (p *printer) sameCharData(c *etree.CharData, o *leafOrigin) bool {
	raw := p.d.text[o.start:o.end]
	if data, ok := strings.CutPrefix(raw, "<![CDATA["); ok {
		return c.IsCData() && normalizedEqual(data[:len(data)-3], c.Data, normLines)
	}
	if c.IsCData() {
		return false
	}
	if data, ok := p.spaces[raw]; ok && data == c.Data {
		return true
	}
	if !normalizedEqual(raw, c.Data, normText) {
		return false
	}
	if c.IsWhitespace() && len(p.spaces) < 1024 {
		if p.spaces == nil {
			p.spaces = map[string]string{}
		}
		p.spaces[raw] = c.Data
	}
	return true
}

func (p *printer) sameProcInst(pi *etree.ProcInst, o *leafOrigin) bool {
	raw := p.d.text[o.start : o.end-2]
	k := 2
	for k < len(raw) && !isSpace(raw[k]) {
		k++
	}
	return raw[2:k] == pi.Target && normalizedEqual(raw[skipSpace(raw, k):], pi.Inst, normLines)
}

func (p *printer) element(e *etree.Element) error {
	o := p.elemOrigin(e)
	if o == nil {
		return p.newElement(e)
	}
	text := p.d.text
	nameEnd := o.start + 1
	for nameEnd < o.startEnd && !isSpace(text[nameEnd]) && text[nameEnd] != '/' && text[nameEnd] != '>' {
		nameEnd++
	}
	sameName := nameIs(e.Space, e.Tag, text[o.start+1:nameEnd])
	open := len(e.Child) > 0 || !o.empty() // written as start tag, children, end tag
	if sameName && !(o.empty() && open) && p.sameAttrs(e, o) {
		p.copy(o.start, o.startEnd)
	} else if err := p.startTag(e, o, nameEnd, sameName, open); err != nil {
		return err
	}
	if !open {
		return nil
	}
	for _, t := range e.Child {
		if err := p.token(t); err != nil {
			return err
		}
	}
	if sameName && !o.empty() {
		p.copy(o.endStart, o.endEnd)
	} else {
		p.out = append(p.out, "</"...)
		p.out = append(p.out, e.FullTag()...)
		p.out = append(p.out, '>')
	}
	return nil
}

// nameIs reports whether the prefix space and local name make name.
func nameIs(space, local, name string) bool {
	if space == "" {
		return local == name
	}
	return len(name) == len(space)+1+len(local) && name[len(space)] == ':' &&
		strings.HasPrefix(name, space) && strings.HasSuffix(name, local)
}

func (p *printer) sameAttrs(e *etree.Element, o *elemOrigin) bool {
	if len(e.Attr) != len(o.attrs) {
		return false
	}
	text := p.d.text
	for i := range o.attrs {
		a, oa := &e.Attr[i], &o.attrs[i]
		if !nameIs(a.Space, a.Key, text[oa.name:oa.nameEnd]) || !normalizedEqual(text[oa.val:oa.valEnd], a.Value, normAttr) {
			return false
		}
	}
	return true
}

// startTag rewrites the start tag of e, which was read as o and whose name
// ends at nameEnd in the source.
func (p *printer) startTag(e *etree.Element, o *elemOrigin, nameEnd int32, sameName, open bool) error {
	text := p.d.text
	p.out = append(p.out, '<')
	if sameName {
		p.copy(o.start+1, nameEnd)
	} else if err := p.name(e.FullTag(), "element name"); err != nil {
		return err
	}
	q := p.elemQuote(o)
	for i := range e.Attr {
		a := &e.Attr[i]
		if err := p.checkDup(e, i); err != nil {
			return err
		}
		k := p.findAttr(o, a)
		if k < 0 {
			if err := p.newAttr(e, a, q); err != nil {
				return err
			}
			continue
		}
		oa := &o.attrs[k]
		wsStart := nameEnd
		if k > 0 {
			wsStart = o.attrs[k-1].end()
		}
		p.copy(wsStart, oa.name)
		if normalizedEqual(text[oa.val:oa.valEnd], a.Value, normAttr) {
			p.copy(oa.name, oa.end())
			continue
		}
		p.copy(oa.name, oa.val)
		if err := p.attrValue(e, a, text[oa.val-1]); err != nil {
			return err
		}
		p.out = append(p.out, text[oa.val-1])
	}
	tail := text[nameEnd:o.startEnd]
	if n := len(o.attrs); n > 0 {
		tail = text[o.attrs[n-1].end():o.startEnd]
	}
	if o.empty() && open {
		// "/>" becomes ">"; white space before it is kept only when it
		// breaks the line.
		tail = strings.TrimSuffix(tail, "/>")
		if !strings.ContainsAny(tail, "\r\n") {
			tail = ""
		}
		tail += ">"
	}
	p.out = append(p.out, tail...)
	return nil
}

// findAttr returns the index in o.attrs of the attribute named as a, or -1.
func (p *printer) findAttr(o *elemOrigin, a *etree.Attr) int {
	for k := range o.attrs {
		oa := &o.attrs[k]
		if nameIs(a.Space, a.Key, p.d.text[oa.name:oa.nameEnd]) {
			return k
		}
	}
	return -1
}

// elemQuote returns the quote character most of o's attributes use, or the
// document's if o has none.
func (p *printer) elemQuote(o *elemOrigin) byte {
	dq, sq := 0, 0
	for _, a := range o.attrs {
		if p.d.text[a.val-1] == '"' {
			dq++
		} else {
			sq++
		}
	}
	switch {
	case dq > sq:
		return '"'
	case sq > dq:
		return '\''
	}
	return p.d.quote
}

func (p *printer) checkDup(e *etree.Element, i int) error {
	a := &e.Attr[i]
	for j := range i {
		if e.Attr[j].Space == a.Space && e.Attr[j].Key == a.Key {
			return p.errorf("element <%s>: duplicate attribute %q", e.FullTag(), a.FullKey())
		}
	}
	return nil
}

// name writes a new name, checking it.
func (p *printer) name(name, what string) error {
	if !isName(name) {
		return p.errorf("invalid %s %q", what, name)
	}
	if p.d.ascii {
		for i := range len(name) {
			if name[i] >= utf8.RuneSelf {
				return p.errorf("%s %q is not ASCII, but the document declares encoding \"us-ascii\"", what, name)
			}
		}
	}
	p.out = append(p.out, name...)
	return nil
}

// newAttr writes a new attribute of e, a space before it.
func (p *printer) newAttr(e *etree.Element, a *etree.Attr, q byte) error {
	p.out = append(p.out, ' ')
	if err := p.name(a.FullKey(), "attribute name"); err != nil {
		return err
	}
	p.out = append(p.out, '=', q)
	if err := p.attrValue(e, a, q); err != nil {
		return err
	}
	p.out = append(p.out, q)
	return nil
}

// attrValue writes the value of a, escaped for quote q.
func (p *printer) attrValue(e *etree.Element, a *etree.Attr, q byte) error {
	if err := p.escape(a.Value, q); err != nil {
		return p.errorf("element <%s>: attribute %q: %v", e.FullTag(), a.FullKey(), err)
	}
	return nil
}

// escape writes v as text (q == 0) or as an attribute value quoted with q.
func (p *printer) escape(v string, q byte) error {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				p.out = append(p.out, "&amp;"...)
			case c == '<':
				p.out = append(p.out, "&lt;"...)
			case c == '>' && q == 0:
				p.out = append(p.out, "&gt;"...)
			case c == '"' && q == '"':
				p.out = append(p.out, "&quot;"...)
			case c == '\'' && q == '\'':
				p.out = append(p.out, "&apos;"...)
			case c == '\r':
				p.out = append(p.out, "&#xD;"...)
			case c == '\n' && q == 0:
				p.out = append(p.out, p.nl...)
			case c == '\n':
				p.out = append(p.out, "&#xA;"...)
			case c == '\t' && q != 0:
				p.out = append(p.out, "&#x9;"...)
			case c < 0x20 && c != '\t':
				return fmt.Errorf("character %U is not allowed in XML", rune(c))
			default:
				p.out = append(p.out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return fmt.Errorf("invalid UTF-8")
		case !isXMLChar(r):
			return fmt.Errorf("character %U is not allowed in XML", r)
		case p.d.ascii:
			p.out = fmt.Appendf(p.out, "&#x%X;", r)
		default:
			p.out = append(p.out, v[i:i+n]...)
		}
		i += n
	}
	return nil
}

// raw writes v, a comment, CDATA section or processing instruction, with
// its line breaks made p.nl, after checking that it holds only characters
// that XML allows and the document's encoding can hold.
func (p *printer) raw(v, what string) error {
	for i, r := range v {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(v[i:], "\uFFFD"):
			return p.errorf("%s: invalid UTF-8", what)
		case !isXMLChar(r):
			return p.errorf("%s: character %U is not allowed in XML", what, r)
		case r >= utf8.RuneSelf && p.d.ascii:
			return p.errorf("%s: non-ASCII character, but the document declares encoding \"us-ascii\"", what)
		}
	}
	for {
		i := strings.IndexAny(v, "\r\n")
		if i < 0 {
			break
		}
		p.out = append(p.out, v[:i]...)
		p.out = append(p.out, p.nl...)
		if strings.HasPrefix(v[i:], "\r\n") {
			i++
		}
		v = v[i+1:]
	}
	p.out = append(p.out, v...)
	return nil
}

// charData writes a new or changed text or CDATA section.
func (p *printer) charData(c *etree.CharData) error {
	if c.IsCData() && !p.d.ascii && strings.IndexByte(c.Data, '\r') < 0 {
		p.out = append(p.out, "<![CDATA["...)
		// "]]>" cannot be part of a CDATA section: end the section between
		// "]]" and ">", and start a new one.
		if err := p.raw(strings.ReplaceAll(c.Data, "]]>", "]]]]><![CDATA[>"), "CDATA section"); err != nil {
			return err
		}
		p.out = append(p.out, "]]>"...)
		return nil
	}
	// Text, or a CDATA section that only text with references can hold.
	if err := p.escape(c.Data, 0); err != nil {
		return p.errorf("text %q: %v", c.Data, err)
	}
	return nil
}

// comment writes a new or changed comment.
func (p *printer) comment(c *etree.Comment) error {
	if strings.Contains(c.Data, "--") || strings.HasSuffix(c.Data, "-") {
		return p.errorf(`comment %q: a comment cannot hold "--" or end with "-"`, c.Data)
	}
	p.out = append(p.out, "<!--"...)
	if err := p.raw(c.Data, "comment"); err != nil {
		return err
	}
	p.out = append(p.out, "-->"...)
	return nil
}

// procInst writes a new or changed processing instruction.
func (p *printer) procInst(pi *etree.ProcInst) error {
	switch {
	case strings.EqualFold(pi.Target, "xml") && (pi.Target != "xml" || len(p.out) != p.d.bomLen):
		return p.errorf("processing instruction <?%s?>: the XML declaration must come first, and its target is reserved otherwise", pi.Target)
	case strings.Contains(pi.Inst, "?>"):
		return p.errorf("processing instruction <?%s?>: it cannot hold \"?>\"", pi.Target)
	}
	p.out = append(p.out, "<?"...)
	if err := p.name(pi.Target, "processing instruction target"); err != nil {
		return err
	}
	if pi.Inst != "" {
		p.out = append(p.out, ' ')
		if err := p.raw(pi.Inst, "processing instruction"); err != nil {
			return err
		}
	}
	p.out = append(p.out, "?>"...)
	return nil
}

// newElement writes an element created after reading, and its children.
func (p *printer) newElement(e *etree.Element) error {
	p.out = append(p.out, '<')
	if err := p.name(e.FullTag(), "element name"); err != nil {
		return err
	}
	for i := range e.Attr {
		if err := p.checkDup(e, i); err != nil {
			return err
		}
		if err := p.newAttr(e, &e.Attr[i], p.d.quote); err != nil {
			return err
		}
	}
	if len(e.Child) == 0 {
		p.out = append(p.out, p.d.emptyTag...)
		return nil
	}
	p.out = append(p.out, '>')
	for _, t := range e.Child {
		if err := p.token(t); err != nil {
			return err
		}
	}
	p.out = append(p.out, "</"...)
	p.out = append(p.out, e.FullTag()...)
	p.out = append(p.out, '>')
	return nil
}

// encodeUTF16 encodes the UTF-8 text b, byte order mark included, as
// UTF-16.
func encodeUTF16(b []byte, enc encoding) []byte {
	out := make([]byte, 0, 2*len(b))
	put := func(u uint16) {
		if enc == encUTF16LE {
			out = append(out, byte(u), byte(u>>8))
		} else {
			out = append(out, byte(u>>8), byte(u))
		}
	}
	for _, r := range string(b) {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			put(uint16(r1))
			put(uint16(r2))
			continue
		}
		put(uint16(r))
	}
	return out
}
