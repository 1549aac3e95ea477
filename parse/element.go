package parse

import (
	"io"
	"strings"

	"github.com/beevik/etree"
)

// Style says how WriteElement lays out a tree built in memory.
type Style struct {
	Name     string // the file the tree goes to, for errors
	Indent   string // one level of indentation, such as "    "
	Depth    int    // the level of the element written: its indentation
	EmptyTag string // how an element without children ends: "/>" or " />"
}

// WriteElement writes e and its child elements, a tree built in memory rather than
// read, as XML: one element per line, indented as s says, attributes in their order
// and double-quoted, values escaped as Document.Bytes escapes new values (markup
// characters as entities; tabs and line breaks as character references, which
// attribute-value normalization would otherwise turn into spaces). Text, comments and
// the other tokens of the tree are not written. It fails, writing nothing, on a name
// or a character that XML does not allow or on a duplicate attribute.
func WriteElement(w io.Writer, e *etree.Element, s Style) error {
	p := &printer{d: &Document{Name: s.Name, quote: '"', emptyTag: s.EmptyTag}, nl: "\n"}
	if err := p.tree(e, s, s.Depth); err != nil {
		return err
	}
	_, err := w.Write(p.out)
	return err
}

// tree writes e and its child elements at depth, as WriteElement says.
func (p *printer) tree(e *etree.Element, s Style, depth int) error {
	indent := strings.Repeat(s.Indent, depth)
	p.out = append(p.out, indent...)
	p.out = append(p.out, '<')
	if err := p.name(e.FullTag(), "element name"); err != nil {
		return err
	}
	for i := range e.Attr {
		if err := p.checkDup(e, i); err != nil {
			return err
		}
		if err := p.newAttr(e, &e.Attr[i], '"'); err != nil {
			return err
		}
	}
	kids := e.ChildElements()
	if len(kids) == 0 {
		p.out = append(p.out, s.EmptyTag...)
		p.out = append(p.out, '\n')
		return nil
	}
	p.out = append(p.out, ">\n"...)
	for _, k := range kids {
		if err := p.tree(k, s, depth+1); err != nil {
			return err
		}
	}
	p.out = append(p.out, indent...)
	p.out = append(p.out, "</"...)
	p.out = append(p.out, e.FullTag()...)
	p.out = append(p.out, ">\n"...)
	return nil
}
