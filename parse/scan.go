package parse

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/internal/excerpt"
)

// scanner reads a document's text into its tree and records the origin of
// every token. It keeps its own stack, so deep nesting costs no Go stack.
//
// Names and values are substrings of the text whenever they are spelled in
// the source as they read, so most tokens cost no allocation of their own;
// elements, texts, attributes and child lists come from arenas.
type scanner struct {
	d        *Document
	s        string
	maxDepth int

	stack []frame           // the open elements, innermost last
	kids  []etree.Token     // children read but not yet attached to their parent
	attrs []scannedAttr     // the attributes of the start tag being read
	buf   []byte            // scratch space for decoded values
	ws    map[string]string // white-space texts as written, decoded (see decodedSpace)

	texts       arena[etree.CharData]
	attrVals    arena[etree.Attr]
	children    arena[etree.Token]
	attrOrigins arena[attrOrigin]

	root          int32  // offset of the root element's '<', or -1 before it
	rootName      string // the root element's name as written
	dq, sq        int    // attributes quoted with '"' and with '\''
	tight, spaced int    // empty-element tags ending "/>" and " />"
}

// frame is an open element.
type frame struct {
	e    *etree.Element
	o    *elemOrigin
	name string // the name as written
	kids int    // index in scanner.kids of the element's first child
}

// scannedAttr is an attribute of the start tag being read.
type scannedAttr struct {
	attrOrigin
	plain bool // the value is the raw value: no references, no white space to normalise
}

// scan reads d.text into d.Tree and d's origins, with pf mapping the tree's memory
// ahead of the scanner when not nil.
func scan(d *Document, maxDepth int, pf *prefaulter) error {
	p := &scanner{d: d, s: d.text, maxDepth: maxDepth, root: -1}
	p.texts.pf, p.attrVals.pf, p.children.pf, p.attrOrigins.pf = pf, pf, pf, pf
	d.elems.pf, d.leaves.pf = pf, pf
	defer func() { d.elems.pf, d.leaves.pf = nil, nil }()
	if err := p.run(); err != nil {
		return err
	}
	d.Tree = etree.NewDocument()
	p.attach(&d.Tree.Element, 0)
	d.quote = '"'
	if p.sq > p.dq {
		d.quote = '\''
	}
	d.emptyTag = "/>"
	if p.spaced > p.tight {
		d.emptyTag = " />"
	}
	return nil
}

func (p *scanner) run() error {
	s := p.s
	i := p.d.bomLen
	if strings.TrimLeft(s[i:], " \t\r\n") == "" {
		return p.errorf(i, "empty document")
	}
	var err error
	for i < len(s) && err == nil {
		if s[i] != '<' {
			i, err = p.text(i)
			continue
		}
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "</"):
			i, err = p.endTag(i)
		case strings.HasPrefix(rest, "<?"):
			i, err = p.procInst(i)
		case strings.HasPrefix(rest, "<!--"):
			i, err = p.comment(i)
		case strings.HasPrefix(rest, "<![CDATA["):
			i, err = p.cdata(i)
		case strings.HasPrefix(rest, "<!"):
			err = p.markupDecl(i)
		default:
			i, err = p.startTag(i)
		}
	}
	if err != nil {
		return err
	}
	if n := len(p.stack); n > 0 {
		f := p.stack[n-1]
		return p.errorf(len(s), "unexpected end of file: element <%s> opened at %s is not closed", f.name, p.short(f.o.start))
	}
	if p.root < 0 {
		return p.errorf(len(s), "no root element")
	}
	return nil
}

// errorf returns an *Error at offset.
func (p *scanner) errorf(offset int, format string, args ...any) error {
	return p.d.errorf(offset, format, args...)
}

// short returns the line:col of offset, for messages that mention a second
// position.
func (p *scanner) short(offset int32) string {
	pos := p.d.PosAt(int(offset))
	return fmt.Sprintf("%d:%d", pos.Line, pos.Col)
}

// leaf records a text, CDATA section, comment or processing instruction
// spanning s[start:end].
func (p *scanner) leaf(t etree.Token, start, end int) {
	o := p.d.leaves.add()
	*o = leafOrigin{t: t, start: int32(start), end: int32(end)}
	p.kids = append(p.kids, t)
}

// attach makes p.kids[from:] the children of e.
func (p *scanner) attach(e *etree.Element, from int) {
	kids := p.kids[from:]
	e.Child = p.children.slice(len(kids))
	for _, t := range kids {
		e.AddChild(t)
	}
	clear(kids)
	p.kids = p.kids[:from]
}

// text reads the character data at s[i:].
func (p *scanner) text(i int) (int, error) {
	s := p.s
	end := len(s)
	if j := strings.IndexByte(s[i:], '<'); j >= 0 {
		end = i + j
	}
	ws, plain := true, true
	for k := i; k < end; k++ {
		switch charClass[s[k]] {
		case cBlank, cSpace:
		case cCR:
			plain = false
		case cAmp:
			ws, plain = false, false
			n, err := p.ref(k)
			if err != nil {
				return 0, err
			}
			k += n - 1
		case cBracket:
			ws = false
			if strings.HasPrefix(s[k:], "]]>") {
				return 0, p.errorf(k, `"]]>" is not allowed in text; write "]]&gt;"`)
			}
		case cCtl:
			return 0, p.badChar(k)
		case cEF:
			ws = false
			if err := p.checkEF(k); err != nil {
				return 0, err
			}
		default:
			ws = false
		}
	}
	if len(p.stack) == 0 && !ws {
		k := end - len(strings.TrimLeft(s[i:end], " \t\r\n"))
		if p.root < 0 {
			return 0, p.errorf(k, "text before the root element")
		}
		return 0, p.errorf(k, "text after the root element <%s>", p.rootName)
	}
	v := s[i:end]
	switch {
	case plain:
	case ws:
		v = p.decodedSpace(v)
	default:
		p.buf = appendNormalized(p.buf[:0], v, normText)
		v = string(p.buf)
	}
	c := p.texts.one()
	c.SetData(v)
	p.leaf(c, i, end)
	return end, nil
}

// decodedSpace returns the white space raw, as written, decoded (its line breaks
// normalized): the same string for every equal raw text. A file with CR LF line breaks
// repeats the white space between elements in a few spellings only, so each is
// decoded once, and the tree holds one string of each.
func (p *scanner) decodedSpace(raw string) string {
	if v, ok := p.ws[raw]; ok {
		return v
	}
	p.buf = appendNormalized(p.buf[:0], raw, normText)
	v := string(p.buf)
	if p.ws == nil {
		p.ws = make(map[string]string)
	}
	if len(p.ws) < 1024 {
		p.ws[raw] = v
	}
	return v
}

// ref checks the reference at s[i] and returns its length.
func (p *scanner) ref(i int) (int, error) {
	_, n, msg := parseRef(p.s[i:])
	if msg != "" {
		return 0, p.errorf(i, "%s", msg)
	}
	return n, nil
}

// badChar returns the error for the character at s[i], which XML does not
// allow.
func (p *scanner) badChar(i int) error {
	r, _ := utf8.DecodeRuneInString(p.s[i:])
	return p.errorf(i, "character %U is not allowed in XML", r)
}

// checkEF checks the character at s[i], whose first byte is 0xEF, for
// U+FFFE and U+FFFF, which XML does not allow.
func (p *scanner) checkEF(i int) error {
	s := p.s
	if i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF) {
		return p.badChar(i)
	}
	return nil
}

// checkChars checks that s[from:to] holds only characters XML allows.
func (p *scanner) checkChars(from, to int) error {
	for k := from; k < to; k++ {
		switch charClass[p.s[k]] {
		case cCtl:
			return p.badChar(k)
		case cEF:
			if err := p.checkEF(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// name returns the end of the XML name that starts at s[i]. It returns i,
// and no error, when no name starts there.
func (p *scanner) name(i int, what string) (int, error) {
	s := p.s
	k, colons := i, 0
	for k < len(s) {
		c := s[k]
		if c < utf8.RuneSelf {
			switch nameClass[c] {
			case nameStart:
				if c == ':' {
					colons++
				}
				k++
				continue
			case nameChar:
				if k > i {
					k++
					continue
				}
			}
			break
		}
		r, n := utf8.DecodeRuneInString(s[k:])
		if !unicode.Is(xmlNameStart, r) && (k == i || !unicode.Is(xmlNameChar, r)) {
			// No name is followed by a non-ASCII character: this one must
			// have been meant as part of the name.
			return 0, p.errorf(k, "character %q is not allowed in an XML name", r)
		}
		k += n
	}
	if colons > 0 && (colons > 1 || s[i] == ':' || s[k-1] == ':') {
		return 0, p.errorf(i, "invalid %s %q: a colon may only separate a prefix from a local name", what, s[i:k])
	}
	return k, nil
}

// missing returns the error for something expected at s[i] that is not
// there.
func (p *scanner) missing(i int, what string) error {
	if i >= len(p.s) {
		return p.errorf(i, "unexpected end of file: expected %s", what)
	}
	r, _ := utf8.DecodeRuneInString(p.s[i:])
	return p.errorf(i, "expected %s, found %q", what, r)
}

// startTag reads the start tag or empty-element tag at s[i].
func (p *scanner) startTag(i int) (int, error) {
	s := p.s
	nameEnd, err := p.name(i+1, "element name")
	if err != nil {
		return 0, err
	}
	if nameEnd == i+1 {
		return 0, p.missing(i+1, "an element name after '<'")
	}
	name := s[i+1 : nameEnd]
	if len(p.stack) == 0 {
		if p.root >= 0 {
			return 0, p.errorf(i, "second root element <%s>: a document has one root element, and it is <%s> at %s", name, p.rootName, p.short(p.root))
		}
		p.root, p.rootName = int32(i), name
	}
	if len(p.stack) >= p.maxDepth {
		return 0, p.errorf(i, "element <%s> is nested more than %d levels deep (Options.MaxDepth)", name, p.maxDepth)
	}

	p.attrs = p.attrs[:0]
	k, end, slash := nameEnd, 0, -1
	for end == 0 {
		j := skipSpace(s, k)
		if j == len(s) {
			return 0, p.errorf(j, "unexpected end of file inside start tag <%s> opened at %s", name, p.short(int32(i)))
		}
		switch {
		case s[j] == '>':
			end = j + 1
			continue
		case s[j] == '/':
			if j+1 < len(s) && s[j+1] == '>' {
				slash, end = j, j+2
				continue
			}
			return 0, p.missing(j+1, fmt.Sprintf("'>' after '/' in start tag <%s>", name))
		case j == k:
			return 0, p.missing(j, "white space, '>' or '/>'")
		}
		an, err := p.name(j, "attribute name")
		if err != nil {
			return 0, err
		}
		if an == j {
			return 0, p.missing(j, fmt.Sprintf("an attribute name, '>' or '/>' in start tag <%s>", name))
		}
		aname := s[j:an]
		for _, a := range p.attrs {
			if s[a.name:a.nameEnd] == aname {
				return 0, p.errorf(j, "duplicate attribute %q in <%s>, first at %s", aname, name, p.short(a.name))
			}
		}
		m := skipSpace(s, an)
		if m == len(s) || s[m] != '=' {
			return 0, p.missing(m, fmt.Sprintf("'=' after attribute name %q", excerpt.String(aname)))
		}
		m = skipSpace(s, m+1)
		if m == len(s) || s[m] != '"' && s[m] != '\'' {
			return 0, p.missing(m, fmt.Sprintf(`'"' or '\'' to start the value of attribute %q`, excerpt.String(aname)))
		}
		if s[m] == '"' {
			p.dq++
		} else {
			p.sq++
		}
		vEnd, plain, err := p.attrValue(m+1, s[m], aname)
		if err != nil {
			return 0, err
		}
		p.attrs = append(p.attrs, scannedAttr{
			attrOrigin: attrOrigin{name: int32(j), nameEnd: int32(an), val: int32(m + 1), valEnd: int32(vEnd)},
			plain:      plain,
		})
		k = vEnd + 1
	}

	o := p.d.elems.add()
	e := &o.e
	e.Space, e.Tag = splitName(name)
	o.start, o.startEnd = int32(i), int32(end)
	if n := len(p.attrs); n > 0 {
		attrs := p.attrVals.slice(n)
		o.attrs = p.attrOrigins.slice(n)
		for i, a := range p.attrs {
			v := s[a.val:a.valEnd]
			if !a.plain {
				p.buf = appendNormalized(p.buf[:0], v, normAttr)
				v = string(p.buf)
			}
			// CreateAttr first looks through the element's attributes for one of the
			// same name, to replace it. The loop above refused duplicates, so each
			// attribute is created on an empty view of its own slot: no search (5 ms
			// of the 85 ms that reading bench/lint.sh's 21 MB file takes).
			e.Attr = attrs[i:i]
			e.CreateAttr(s[a.name:a.nameEnd], v)
			o.attrs = append(o.attrs, a.attrOrigin)
		}
		e.Attr = attrs[:n]
	}
	if slash < 0 {
		p.stack = append(p.stack, frame{e: e, o: o, name: name, kids: len(p.kids)})
		return end, nil
	}
	o.endStart, o.endEnd = int32(slash), int32(end)
	if isSpace(s[slash-1]) {
		p.spaced++
	} else {
		p.tight++
	}
	p.kids = append(p.kids, e)
	return end, nil
}

// attrValue reads the value of attribute name that starts at s[i] and ends
// at the next quote q. It returns the offset of that quote and whether the
// value as written is the value.
func (p *scanner) attrValue(i int, q byte, name string) (int, bool, error) {
	s := p.s
	plain := true
	for k := i; k < len(s); k++ {
		c := s[k]
		if c == q {
			return k, plain, nil
		}
		switch charClass[c] {
		case cSpace, cCR:
			plain = false
		case cAmp:
			plain = false
			n, err := p.ref(k)
			if err != nil {
				return 0, false, err
			}
			k += n - 1
		case cLT:
			return 0, false, p.errorf(k, "'<' is not allowed in the value of attribute %q; write &lt;", name)
		case cCtl:
			return 0, false, p.badChar(k)
		case cEF:
			if err := p.checkEF(k); err != nil {
				return 0, false, err
			}
		}
	}
	return 0, false, p.errorf(len(s), "unexpected end of file in the value of attribute %q started at %s", name, p.short(int32(i-1)))
}

// endTag reads the end tag at s[i].
func (p *scanner) endTag(i int) (int, error) {
	s := p.s
	nameEnd, err := p.name(i+2, "element name")
	if err != nil {
		return 0, err
	}
	if nameEnd == i+2 {
		return 0, p.missing(i+2, "an element name after '</'")
	}
	name := s[i+2 : nameEnd]
	k := skipSpace(s, nameEnd)
	if k == len(s) || s[k] != '>' {
		return 0, p.missing(k, fmt.Sprintf("'>' to end the end tag </%s>", name))
	}
	n := len(p.stack)
	if n == 0 {
		return 0, p.errorf(i, "unexpected end tag </%s>: no element is open", name)
	}
	f := p.stack[n-1]
	if name != f.name {
		return 0, p.errorf(i, "end tag </%s> does not match <%s> opened at %s", name, f.name, p.short(f.o.start))
	}
	f.o.endStart, f.o.endEnd = int32(i), int32(k+1)
	p.stack = p.stack[:n-1]
	p.attach(f.e, f.kids)
	p.kids = append(p.kids, f.e)
	return k + 1, nil
}

// comment reads the comment at s[i].
func (p *scanner) comment(i int) (int, error) {
	s := p.s
	from := i + len("<!--")
	j := strings.Index(s[from:], "--")
	if j < 0 || from+j+2 == len(s) {
		return 0, p.errorf(len(s), "unexpected end of file inside comment started at %s", p.short(int32(i)))
	}
	j += from
	if s[j+2] != '>' {
		return 0, p.errorf(j, `"--" is not allowed inside a comment`)
	}
	if err := p.checkChars(from, j); err != nil {
		return 0, err
	}
	p.leaf(etree.NewComment(p.normalizeLines(s[from:j])), i, j+3)
	return j + 3, nil
}

// cdata reads the CDATA section at s[i].
func (p *scanner) cdata(i int) (int, error) {
	s := p.s
	if len(p.stack) == 0 {
		return 0, p.errorf(i, "CDATA section outside the root element")
	}
	from := i + len("<![CDATA[")
	j := strings.Index(s[from:], "]]>")
	if j < 0 {
		return 0, p.errorf(len(s), "unexpected end of file inside CDATA section started at %s", p.short(int32(i)))
	}
	j += from
	if err := p.checkChars(from, j); err != nil {
		return 0, err
	}
	p.leaf(etree.NewCData(p.normalizeLines(s[from:j])), i, j+3)
	return j + 3, nil
}

// markupDecl rejects the markup declaration at s[i]: DOCTYPE, ENTITY and
// the like.
func (p *scanner) markupDecl(i int) error {
	switch rest := p.s[i:]; {
	case strings.HasPrefix(rest, "<!DOCTYPE"):
		return p.errorf(i, "DOCTYPE is not allowed")
	case strings.HasPrefix(rest, "<!ENTITY"):
		return p.errorf(i, "entity declarations are not allowed")
	}
	return p.errorf(i, `unexpected "<!": only comments <!-- --> and CDATA sections <![CDATA[ ]]> start with it`)
}

// procInst reads the processing instruction or XML declaration at s[i].
func (p *scanner) procInst(i int) (int, error) {
	s := p.s
	tEnd, err := p.name(i+2, "processing instruction target")
	if err != nil {
		return 0, err
	}
	if tEnd == i+2 {
		return 0, p.missing(i+2, "a processing instruction target after '<?'")
	}
	target := s[i+2 : tEnd]
	from, to := tEnd, tEnd
	switch {
	case strings.HasPrefix(s[tEnd:], "?>"):
	case tEnd < len(s) && isSpace(s[tEnd]):
		from = skipSpace(s, tEnd)
		j := strings.Index(s[from:], "?>")
		if j < 0 {
			return 0, p.errorf(len(s), "unexpected end of file inside processing instruction started at %s", p.short(int32(i)))
		}
		to = from + j
	default:
		return 0, p.missing(tEnd, fmt.Sprintf("white space or '?>' after processing instruction target %q", excerpt.String(target)))
	}
	if strings.EqualFold(target, "xml") {
		switch {
		case target != "xml":
			return 0, p.errorf(i+2, "processing instruction target %q is reserved", target)
		case i != p.d.bomLen:
			return 0, p.errorf(i, "the XML declaration <?xml ...?> is only allowed at the very start of the file")
		}
		if err := p.xmlDecl(from, to); err != nil {
			return 0, err
		}
	}
	if err := p.checkChars(from, to); err != nil {
		return 0, err
	}
	p.leaf(etree.NewProcInst(target, p.normalizeLines(s[from:to])), i, to+2)
	return to + 2, nil
}

// xmlDecl checks the pseudo-attributes s[from:to] of the XML declaration:
// version, encoding and standalone, in this order, the first required.
func (p *scanner) xmlDecl(from, to int) error {
	s := p.s[:to]
	names := [...]string{"version", "encoding", "standalone"}
	next := 0 // index in names of the first pseudo-attribute still allowed
	for k := from; ; {
		j := skipSpace(s, k)
		if j == to {
			break
		}
		if j == k && k > from {
			return p.missing(j, "white space in the XML declaration")
		}
		k = j
		for j < to && ('a' <= s[j] && s[j] <= 'z' || 'A' <= s[j] && s[j] <= 'Z') {
			j++
		}
		name, idx := s[k:j], -1
		for x := next; x < len(names); x++ {
			if names[x] == name {
				idx = x
			}
		}
		switch {
		case next == 0 && idx != 0:
			return p.errorf(k, `the XML declaration must start with version="1.0"`)
		case idx < 0:
			return p.missing(k, "encoding, standalone or '?>' in the XML declaration")
		}
		m := skipSpace(s, j)
		if m == to || s[m] != '=' {
			return p.missing(m, fmt.Sprintf("'=' after %q in the XML declaration", excerpt.String(name)))
		}
		m = skipSpace(s, m+1)
		if m == to || s[m] != '"' && s[m] != '\'' {
			return p.missing(m, fmt.Sprintf("a quoted value for %q in the XML declaration", excerpt.String(name)))
		}
		e := strings.IndexByte(s[m+1:], s[m])
		if e < 0 {
			return p.errorf(m, "unterminated value of %q in the XML declaration", name)
		}
		v := s[m+1 : m+1+e]
		switch idx {
		case 0:
			if v != "1.0" {
				return p.errorf(m+1, "unsupported XML version %q: only 1.0 is supported", v)
			}
		case 1:
			if err := p.encoding(v, m+1); err != nil {
				return err
			}
		case 2:
			if v != "yes" && v != "no" {
				return p.errorf(m+1, `standalone must be "yes" or "no", not %q`, v)
			}
		}
		next = idx + 1
		k = m + 2 + e
	}
	if next == 0 {
		return p.errorf(from, `the XML declaration must declare version="1.0"`)
	}
	return nil
}

// encoding checks the encoding v declared at s[at] against the file.
func (p *scanner) encoding(v string, at int) error {
	d := p.d
	switch enc := strings.ToLower(v); enc {
	case "utf-8":
		if d.enc != encUTF8 {
			return p.errorf(at, "encoding %q declared, but the file starts with a UTF-16 byte order mark", v)
		}
	case "utf-16", "utf-16le", "utf-16be":
		switch {
		case d.enc == encUTF8:
			return p.errorf(at, "encoding %q declared, but the file has no UTF-16 byte order mark", v)
		case enc == "utf-16le" && d.enc != encUTF16LE, enc == "utf-16be" && d.enc != encUTF16BE:
			return p.errorf(at, "encoding %q declared, but the byte order mark says otherwise", v)
		}
	case "us-ascii":
		if d.bomLen > 0 {
			return p.errorf(at, "encoding %q declared, but the file starts with a byte order mark", v)
		}
		for k := 0; k < len(p.s); k++ {
			if p.s[k] >= utf8.RuneSelf {
				return p.errorf(k, "non-ASCII character in a file that declares encoding %q", v)
			}
		}
		d.ascii = true
	default:
		return p.errorf(at, "unsupported encoding %q: only UTF-8, UTF-16 and US-ASCII files can be read (save the file as UTF-8)", v)
	}
	return nil
}

// normalizeLines returns raw with its line breaks made LF.
func (p *scanner) normalizeLines(raw string) string {
	if strings.IndexByte(raw, '\r') < 0 {
		return raw
	}
	p.buf = appendNormalized(p.buf[:0], raw, normLines)
	return string(p.buf)
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// splitName splits a name into prefix and local name, as etree does.
func splitName(name string) (space, local string) {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// isXMLChar reports whether XML allows the character r.
func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		0x20 <= r && r <= 0xD7FF ||
		0xE000 <= r && r <= 0xFFFD ||
		0x10000 <= r && r <= unicode.MaxRune
}

// isName reports whether s is a name the scanner accepts.
func isName(s string) bool {
	colons := 0
	for i, r := range s {
		switch {
		case r == ':':
			colons++
		case r < utf8.RuneSelf && nameClass[r] == nameStart,
			i > 0 && r < utf8.RuneSelf && nameClass[r] == nameChar,
			r >= utf8.RuneSelf && unicode.Is(xmlNameStart, r),
			i > 0 && r >= utf8.RuneSelf && unicode.Is(xmlNameChar, r):
		default:
			return false
		}
	}
	return s != "" && (colons == 0 || colons == 1 && s[0] != ':' && s[len(s)-1] != ':')
}

// norm says how a value written in the source is turned into the value it
// stands for.
type norm uint8

const (
	normText  norm = iota // text: references, and line breaks become LF
	normAttr              // attribute values: references, and white space becomes ' '
	normLines             // CDATA, comments, processing instructions: line breaks become LF
)

// appendNormalized appends to b the value that raw, as written in the
// source and checked by the scanner, stands for.
func appendNormalized(b []byte, raw string, m norm) []byte {
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '&' && m != normLines:
			r, n, _ := parseRef(raw[i:])
			b = utf8.AppendRune(b, r)
			i += n - 1
		case c == '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			b = append(b, m.lineBreak())
		case m == normAttr && (c == '\n' || c == '\t'):
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return b
}

// normalizedEqual reports whether raw, as written in the source and checked
// by the scanner, stands for want. It is appendNormalized without the
// allocation.
func normalizedEqual(raw, want string, m norm) bool {
	if raw == want {
		return !m.changes(raw) // equal unless normalizing changes raw
	}
	j := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '&' && m != normLines:
			r, n, _ := parseRef(raw[i:])
			var tmp [utf8.UTFMax]byte
			enc := tmp[:utf8.EncodeRune(tmp[:], r)]
			if !strings.HasPrefix(want[j:], string(enc)) {
				return false
			}
			i += n - 1
			j += len(enc)
			continue
		case c == '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			c = m.lineBreak()
		case m == normAttr && (c == '\n' || c == '\t'):
			c = ' '
		}
		if j == len(want) || want[j] != c {
			return false
		}
		j++
	}
	return j == len(want)
}

// changes reports whether normalizing raw changes it: a reference, a CR, and for an
// attribute value a line feed or a tab. One pass, since the printer asks it of every
// attribute value and text it writes back.
func (m norm) changes(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '\r':
			return true
		case '&':
			if m != normLines {
				return true
			}
		case '\n', '\t':
			if m == normAttr {
				return true
			}
		}
	}
	return false
}

func (m norm) lineBreak() byte {
	if m == normAttr {
		return ' '
	}
	return '\n'
}

// parseRef parses the entity or character reference at the start of s,
// which starts with '&'. It returns the character the reference stands for
// and its length, or a message saying what is wrong with it.
func parseRef(s string) (r rune, n int, msg string) {
	if len(s) > 1 && s[1] == '#' {
		base, k := rune(10), 2
		if len(s) > 2 && s[2] == 'x' {
			base, k = 16, 3
		}
		digits := k
		for ; k < len(s); k++ {
			d := digitValue(s[k])
			if d >= base {
				break
			}
			if r <= unicode.MaxRune {
				r = r*base + d
			}
		}
		switch {
		case k == len(s):
			return 0, 0, "unexpected end of file inside a character reference"
		case k == digits || s[k] != ';':
			return 0, 0, fmt.Sprintf("malformed character reference %q: expected &#DDD; or &#xHHH;", excerpt.String(s[:k+1]))
		case !isXMLChar(r):
			return 0, 0, fmt.Sprintf("character reference %s stands for a character XML does not allow", s[:k+1])
		}
		return r, k + 1, ""
	}
	k := 1
	for k < len(s) && k < 32 && s[k] < utf8.RuneSelf && nameClass[s[k]] != 0 {
		k++
	}
	name := s[1:k]
	if k < len(s) && s[k] == ';' {
		switch name {
		case "lt":
			return '<', k + 1, ""
		case "gt":
			return '>', k + 1, ""
		case "amp":
			return '&', k + 1, ""
		case "quot":
			return '"', k + 1, ""
		case "apos":
			return '\'', k + 1, ""
		}
		if name != "" {
			return 0, 0, fmt.Sprintf("undefined entity &%s; (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)", name)
		}
	}
	return 0, 0, "'&' must be written &amp; unless it starts a reference such as &lt; or &#60;"
}

// digitValue returns the value of the hexadecimal digit c, or 16 when c is
// none.
func digitValue(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return 16
}

// Byte classes of charClass.
const (
	cOther   = iota // nothing special
	cBlank          // ' '
	cSpace          // '\t', '\n'
	cCR             // '\r'
	cAmp            // '&'
	cLT             // '<'
	cBracket        // ']'
	cCtl            // a control character XML does not allow
	cEF             // 0xEF, the first byte of U+FFFE and U+FFFF
)

// charClass classifies the bytes of text and attribute values.
var charClass = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = cCtl
	}
	t[' '], t['\t'], t['\n'], t['\r'] = cBlank, cSpace, cSpace, cCR
	t['&'], t['<'], t[']'], t[0xEF] = cAmp, cLT, cBracket, cEF
	return t
}()

// Byte classes of nameClass.
const (
	nameNone  = iota
	nameStart // may start a name
	nameChar  // may continue a name
)

// nameClass classifies the ASCII bytes of names.
var nameClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == ':':
			t[c] = nameStart
		case '0' <= c && c <= '9', c == '-', c == '.':
			t[c] = nameChar
		}
	}
	return t
}()

// xmlNameStart and xmlNameChar are the classes Letter | '_' | ':' and
// NameChar of Appendix B of XML 1.0 (fourth edition): the characters that
// may start and continue a name. They are the tables encoding/xml checks
// names with, so every name this package accepts, encoding/xml accepts too.
var xmlNameStart = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x003A, 0x003A, 1}, {0x0041, 0x005A, 1}, {0x005F, 0x005F, 1}, {0x0061, 0x007A, 1},
		{0x00C0, 0x00D6, 1}, {0x00D8, 0x00F6, 1}, {0x00F8, 0x00FF, 1}, {0x0100, 0x0131, 1},
		{0x0134, 0x013E, 1}, {0x0141, 0x0148, 1}, {0x014A, 0x017E, 1}, {0x0180, 0x01C3, 1},
		{0x01CD, 0x01F0, 1}, {0x01F4, 0x01F5, 1}, {0x01FA, 0x0217, 1}, {0x0250, 0x02A8, 1},
		{0x02BB, 0x02C1, 1}, {0x0386, 0x0386, 1}, {0x0388, 0x038A, 1}, {0x038C, 0x038C, 1},
		{0x038E, 0x03A1, 1}, {0x03A3, 0x03CE, 1}, {0x03D0, 0x03D6, 1}, {0x03DA, 0x03E0, 2},
		{0x03E2, 0x03F3, 1}, {0x0401, 0x040C, 1}, {0x040E, 0x044F, 1}, {0x0451, 0x045C, 1},
		{0x045E, 0x0481, 1}, {0x0490, 0x04C4, 1}, {0x04C7, 0x04C8, 1}, {0x04CB, 0x04CC, 1},
		{0x04D0, 0x04EB, 1}, {0x04EE, 0x04F5, 1}, {0x04F8, 0x04F9, 1}, {0x0531, 0x0556, 1},
		{0x0559, 0x0559, 1}, {0x0561, 0x0586, 1}, {0x05D0, 0x05EA, 1}, {0x05F0, 0x05F2, 1},
		{0x0621, 0x063A, 1}, {0x0641, 0x064A, 1}, {0x0671, 0x06B7, 1}, {0x06BA, 0x06BE, 1},
		{0x06C0, 0x06CE, 1}, {0x06D0, 0x06D3, 1}, {0x06D5, 0x06D5, 1}, {0x06E5, 0x06E6, 1},
		{0x0905, 0x0939, 1}, {0x093D, 0x093D, 1}, {0x0958, 0x0961, 1}, {0x0985, 0x098C, 1},
		{0x098F, 0x0990, 1}, {0x0993, 0x09A8, 1}, {0x09AA, 0x09B0, 1}, {0x09B2, 0x09B2, 1},
		{0x09B6, 0x09B9, 1}, {0x09DC, 0x09DD, 1}, {0x09DF, 0x09E1, 1}, {0x09F0, 0x09F1, 1},
		{0x0A05, 0x0A0A, 1}, {0x0A0F, 0x0A10, 1}, {0x0A13, 0x0A28, 1}, {0x0A2A, 0x0A30, 1},
		{0x0A32, 0x0A33, 1}, {0x0A35, 0x0A36, 1}, {0x0A38, 0x0A39, 1}, {0x0A59, 0x0A5C, 1},
		{0x0A5E, 0x0A5E, 1}, {0x0A72, 0x0A74, 1}, {0x0A85, 0x0A8B, 1}, {0x0A8D, 0x0A8D, 1},
		{0x0A8F, 0x0A91, 1}, {0x0A93, 0x0AA8, 1}, {0x0AAA, 0x0AB0, 1}, {0x0AB2, 0x0AB3, 1},
		{0x0AB5, 0x0AB9, 1}, {0x0B05, 0x0B0C, 1}, {0x0B0F, 0x0B10, 1}, {0x0B13, 0x0B28, 1},
		{0x0B2A, 0x0B30, 1}, {0x0B32, 0x0B33, 1}, {0x0B36, 0x0B39, 1}, {0x0B3D, 0x0B3D, 1},
		{0x0B5C, 0x0B5D, 1}, {0x0B5F, 0x0B61, 1}, {0x0B85, 0x0B8A, 1}, {0x0B8E, 0x0B90, 1},
		{0x0B92, 0x0B95, 1}, {0x0B99, 0x0B9A, 1}, {0x0B9C, 0x0B9C, 1}, {0x0B9E, 0x0B9F, 1},
		{0x0BA3, 0x0BA4, 1}, {0x0BA8, 0x0BAA, 1}, {0x0BAE, 0x0BB5, 1}, {0x0BB7, 0x0BB9, 1},
		{0x0C05, 0x0C0C, 1}, {0x0C0E, 0x0C10, 1}, {0x0C12, 0x0C28, 1}, {0x0C2A, 0x0C33, 1},
		{0x0C35, 0x0C39, 1}, {0x0C60, 0x0C61, 1}, {0x0C85, 0x0C8C, 1}, {0x0C8E, 0x0C90, 1},
		{0x0C92, 0x0CA8, 1}, {0x0CAA, 0x0CB3, 1}, {0x0CB5, 0x0CB9, 1}, {0x0CDE, 0x0CDE, 1},
		{0x0CE0, 0x0CE1, 1}, {0x0D05, 0x0D0C, 1}, {0x0D0E, 0x0D10, 1}, {0x0D12, 0x0D28, 1},
		{0x0D2A, 0x0D39, 1}, {0x0D60, 0x0D61, 1}, {0x0E01, 0x0E2E, 1}, {0x0E30, 0x0E30, 1},
		{0x0E32, 0x0E33, 1}, {0x0E40, 0x0E45, 1}, {0x0E81, 0x0E82, 1}, {0x0E84, 0x0E84, 1},
		{0x0E87, 0x0E88, 1}, {0x0E8A, 0x0E8D, 3}, {0x0E94, 0x0E97, 1}, {0x0E99, 0x0E9F, 1},
		{0x0EA1, 0x0EA3, 1}, {0x0EA5, 0x0EA7, 2}, {0x0EAA, 0x0EAB, 1}, {0x0EAD, 0x0EAE, 1},
		{0x0EB0, 0x0EB0, 1}, {0x0EB2, 0x0EB3, 1}, {0x0EBD, 0x0EBD, 1}, {0x0EC0, 0x0EC4, 1},
		{0x0F40, 0x0F47, 1}, {0x0F49, 0x0F69, 1}, {0x10A0, 0x10C5, 1}, {0x10D0, 0x10F6, 1},
		{0x1100, 0x1100, 1}, {0x1102, 0x1103, 1}, {0x1105, 0x1107, 1}, {0x1109, 0x1109, 1},
		{0x110B, 0x110C, 1}, {0x110E, 0x1112, 1}, {0x113C, 0x1140, 2}, {0x114C, 0x1150, 2},
		{0x1154, 0x1155, 1}, {0x1159, 0x1159, 1}, {0x115F, 0x1161, 1}, {0x1163, 0x1169, 2},
		{0x116D, 0x116E, 1}, {0x1172, 0x1173, 1}, {0x11AE, 0x11AF, 1}, {0x11B7, 0x11B8, 1},
		{0x11BA, 0x11BA, 1}, {0x11BC, 0x11C2, 1}, {0x11F9, 0x11F9, 1}, {0x1E00, 0x1E9B, 1},
		{0x1EA0, 0x1EF9, 1}, {0x1F00, 0x1F15, 1}, {0x1F18, 0x1F1D, 1}, {0x1F20, 0x1F45, 1},
		{0x1F48, 0x1F4D, 1}, {0x1F50, 0x1F57, 1}, {0x1F5D, 0x1F5D, 1}, {0x1F5F, 0x1F7D, 1},
		{0x1F80, 0x1FB4, 1}, {0x1FB6, 0x1FBC, 1}, {0x1FBE, 0x1FBE, 1}, {0x1FC2, 0x1FC4, 1},
		{0x1FC6, 0x1FCC, 1}, {0x1FD0, 0x1FD3, 1}, {0x1FD6, 0x1FDB, 1}, {0x1FE0, 0x1FEC, 1},
		{0x1FF2, 0x1FF4, 1}, {0x1FF6, 0x1FFC, 1}, {0x2126, 0x2126, 1}, {0x212A, 0x212B, 1},
		{0x212E, 0x212E, 1}, {0x2180, 0x2182, 1}, {0x3007, 0x3007, 1}, {0x3021, 0x3029, 1},
		{0x3041, 0x3094, 1}, {0x30A1, 0x30FA, 1}, {0x3105, 0x312C, 1}, {0x4E00, 0x9FA5, 1},
	},
}

var xmlNameChar = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x002D, 0x002E, 1}, {0x0030, 0x0039, 1}, {0x00B7, 0x00B7, 1}, {0x02D0, 0x02D1, 1},
		{0x0300, 0x0345, 1}, {0x0360, 0x0361, 1}, {0x0387, 0x0387, 1}, {0x0483, 0x0486, 1},
		{0x0591, 0x05A1, 1}, {0x05A3, 0x05B9, 1}, {0x05BB, 0x05BD, 1}, {0x05BF, 0x05BF, 1},
		{0x05C1, 0x05C2, 1}, {0x064B, 0x0652, 1}, {0x0660, 0x0669, 1}, {0x0670, 0x0670, 1},
		{0x06D6, 0x06DC, 1}, {0x06DD, 0x06DF, 1}, {0x06E0, 0x06E4, 1}, {0x06E7, 0x06E8, 1},
		{0x06EA, 0x06ED, 1}, {0x06F0, 0x06F9, 1}, {0x0901, 0x0903, 1}, {0x093C, 0x093C, 1},
		{0x093E, 0x094C, 1}, {0x094D, 0x094D, 1}, {0x0951, 0x0954, 1}, {0x0962, 0x0963, 1},
		{0x0966, 0x096F, 1}, {0x0981, 0x0983, 1}, {0x09BC, 0x09BC, 1}, {0x09BE, 0x09BF, 1},
		{0x09C0, 0x09C4, 1}, {0x09C7, 0x09C8, 1}, {0x09CB, 0x09CD, 1}, {0x09D7, 0x09D7, 1},
		{0x09E2, 0x09E3, 1}, {0x09E6, 0x09EF, 1}, {0x0A3E, 0x0A3F, 1}, {0x0A40, 0x0A42, 1},
		{0x0A47, 0x0A48, 1}, {0x0A4B, 0x0A4D, 1}, {0x0A66, 0x0A6F, 1}, {0x0A70, 0x0A71, 1},
		{0x0A81, 0x0A83, 1}, {0x0ABC, 0x0ABC, 1}, {0x0ABE, 0x0AC5, 1}, {0x0AC7, 0x0AC9, 1},
		{0x0ACB, 0x0ACD, 1}, {0x0AE6, 0x0AEF, 1}, {0x0B01, 0x0B03, 1}, {0x0B3C, 0x0B3C, 1},
		{0x0B3E, 0x0B43, 1}, {0x0B47, 0x0B48, 1}, {0x0B4B, 0x0B4D, 1}, {0x0B56, 0x0B57, 1},
		{0x0B66, 0x0B6F, 1}, {0x0B82, 0x0B83, 1}, {0x0BBE, 0x0BC2, 1}, {0x0BC6, 0x0BC8, 1},
		{0x0BCA, 0x0BCD, 1}, {0x0BD7, 0x0BD7, 1}, {0x0BE7, 0x0BEF, 1}, {0x0C01, 0x0C03, 1},
		{0x0C3E, 0x0C44, 1}, {0x0C46, 0x0C48, 1}, {0x0C4A, 0x0C4D, 1}, {0x0C55, 0x0C56, 1},
		{0x0C66, 0x0C6F, 1}, {0x0C82, 0x0C83, 1}, {0x0CBE, 0x0CC4, 1}, {0x0CC6, 0x0CC8, 1},
		{0x0CCA, 0x0CCD, 1}, {0x0CD5, 0x0CD6, 1}, {0x0CE6, 0x0CEF, 1}, {0x0D02, 0x0D03, 1},
		{0x0D3E, 0x0D43, 1}, {0x0D46, 0x0D48, 1}, {0x0D4A, 0x0D4D, 1}, {0x0D57, 0x0D57, 1},
		{0x0D66, 0x0D6F, 1}, {0x0E31, 0x0E31, 1}, {0x0E34, 0x0E3A, 1}, {0x0E46, 0x0E46, 1},
		{0x0E47, 0x0E4E, 1}, {0x0E50, 0x0E59, 1}, {0x0EB1, 0x0EB1, 1}, {0x0EB4, 0x0EB9, 1},
		{0x0EBB, 0x0EBC, 1}, {0x0EC6, 0x0EC6, 1}, {0x0EC8, 0x0ECD, 1}, {0x0ED0, 0x0ED9, 1},
		{0x0F18, 0x0F19, 1}, {0x0F20, 0x0F29, 1}, {0x0F35, 0x0F39, 2}, {0x0F3E, 0x0F3F, 1},
		{0x0F71, 0x0F84, 1}, {0x0F86, 0x0F8B, 1}, {0x0F90, 0x0F95, 1}, {0x0F97, 0x0F97, 1},
		{0x0F99, 0x0FAD, 1}, {0x0FB1, 0x0FB7, 1}, {0x0FB9, 0x0FB9, 1}, {0x20D0, 0x20DC, 1},
		{0x302A, 0x302F, 1}, {0x3031, 0x3035, 1}, {0x3099, 0x309A, 1}, {0x309D, 0x309E, 1},
	},
}
