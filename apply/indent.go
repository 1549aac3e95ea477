package apply

import (
	"strings"

	"github.com/beevik/etree"
)

// The functions below add and remove elements so that the file keeps its layout: a new
// element goes on its own line, indented like its siblings (or one step deeper than
// its parent), and a removed element takes its line with it. New text is written with
// "\n": parse's writer turns it into the file's own line ending.

// defaultIndentUnit is the indentation step of a file that shows none: IIS writes four
// spaces.
const defaultIndentUnit = "    "

// appendChild adds child as the last element child of parent, indented.
func appendChild(parent, child *etree.Element) {
	if last := lastChildElement(parent); last != nil {
		i := last.Index() + 1
		if ind, ok := indentOf(last); ok {
			parent.InsertChildAt(i, etree.NewText("\n"+ind))
			i++
		}
		parent.InsertChildAt(i, child)
		return
	}
	ind, ok := indentOf(parent)
	if !ok {
		parent.AddChild(child)
		return
	}
	// Only white space (or nothing) between the tags: replace it.
	for i := len(parent.Child) - 1; i >= 0; i-- {
		if cd, isText := parent.Child[i].(*etree.CharData); isText && isSpace(cd.Data) {
			parent.RemoveChildAt(i)
		}
	}
	parent.AddChild(etree.NewText("\n" + ind + indentUnit(parent)))
	parent.AddChild(child)
	parent.AddChild(etree.NewText("\n" + ind))
}

// insertFirstChild adds child as the first child element of parent, indented; used for
// <applicationPoolDefaults>, which IIS writes before the pools.
func insertFirstChild(parent, child *etree.Element) {
	first := firstChildElement(parent)
	if first == nil {
		appendChild(parent, child)
		return
	}
	i := first.Index()
	ind, ok := indentOf(first)
	parent.InsertChildAt(i, child)
	if ok {
		parent.InsertChildAt(i+1, etree.NewText("\n"+ind))
	}
}

// removeElement removes e from its parent together with the white space that starts
// its line, so that its line goes.
func removeElement(e *etree.Element) {
	p := e.Parent()
	if p == nil {
		return
	}
	if i := e.Index(); i > 0 {
		if cd, ok := p.Child[i-1].(*etree.CharData); ok && isSpace(cd.Data) && strings.ContainsAny(cd.Data, "\r\n") {
			p.RemoveChildAt(i - 1)
		}
	}
	p.RemoveChild(e)
}

// indentOf returns the white space that begins e's line, when e starts its line. The
// root element starts its line, unindented.
func indentOf(e *etree.Element) (string, bool) {
	p := e.Parent()
	i := e.Index()
	if p != nil && p.Parent() == nil && p.Tag == "" {
		return "", true // the root element; p is the document
	}
	if p == nil || i <= 0 {
		return "", false
	}
	cd, ok := p.Child[i-1].(*etree.CharData)
	if !ok || !isSpace(cd.Data) {
		return "", false
	}
	j := strings.LastIndexAny(cd.Data, "\r\n")
	if j < 0 {
		return "", false
	}
	return cd.Data[j+1:], true
}

// indentUnit returns the step by which the file indents a child beyond its parent,
// looking at e's ancestors first, then the whole document.
func indentUnit(e *etree.Element) string {
	for a := e; a != nil; a = a.Parent() {
		if u, ok := childStep(a); ok {
			return u
		}
	}
	var root *etree.Element
	for a := e; a != nil; a = a.Parent() {
		root = a
	}
	if u, ok := findStep(root, 0); ok {
		return u
	}
	return defaultIndentUnit
}

// findStep looks for an indentation step below e, to a limited depth.
func findStep(e *etree.Element, depth int) (string, bool) {
	if depth > 4 {
		return "", false
	}
	if u, ok := childStep(e); ok {
		return u, true
	}
	for c := range e.ChildElementsSeq() {
		if u, ok := findStep(c, depth+1); ok {
			return u, true
		}
	}
	return "", false
}

// childStep returns how much deeper than e its first indented child element is.
func childStep(e *etree.Element) (string, bool) {
	outer, ok := indentOf(e)
	if !ok {
		return "", false
	}
	for c := range e.ChildElementsSeq() {
		if inner, ok := indentOf(c); ok && len(inner) > len(outer) && strings.HasPrefix(inner, outer) {
			return inner[len(outer):], true
		}
	}
	return "", false
}

// lastChildElement returns e's last child element, or nil.
func lastChildElement(e *etree.Element) *etree.Element {
	for i := len(e.Child) - 1; i >= 0; i-- {
		if c, ok := e.Child[i].(*etree.Element); ok {
			return c
		}
	}
	return nil
}

// firstChildElement returns e's first child element, or nil.
func firstChildElement(e *etree.Element) *etree.Element {
	for c := range e.ChildElementsSeq() {
		return c
	}
	return nil
}

// isSpace reports whether s is XML white space only.
func isSpace(s string) bool {
	return strings.Trim(s, " \t\r\n") == ""
}
