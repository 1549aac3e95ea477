package parse

import (
	"iter"

	"github.com/beevik/etree"
)

// IIS's configuration system does not know XML namespaces: "x:idleTimeout" is not the
// attribute idleTimeout, and lint reports it as unknown. etree's Select methods would
// match it, so names are looked up with the functions below.

// Attr returns the value of e's attribute named exactly name, without a namespace
// prefix, and whether e has it.
func Attr(e *etree.Element, name string) (string, bool) {
	for _, a := range e.Attr {
		if a.Space == "" && a.Key == name {
			return a.Value, true
		}
	}
	return "", false
}

// attrOr returns the value of e's attribute named exactly name, or def.
func attrOr(e *etree.Element, name, def string) string {
	if v, ok := Attr(e, name); ok {
		return v
	}
	return def
}

// Child returns e's first child element whose tag is exactly tag, without a namespace
// prefix, or nil.
func Child(e *etree.Element, tag string) *etree.Element {
	for _, t := range e.Child {
		if c, ok := t.(*etree.Element); ok && c.Space == "" && c.Tag == tag {
			return c
		}
	}
	return nil
}

// Children yields e's child elements whose tag is exactly tag, without a namespace
// prefix.
func Children(e *etree.Element, tag string) iter.Seq[*etree.Element] {
	return func(yield func(*etree.Element) bool) {
		for c := range e.ChildElementsSeq() {
			if c.Space == "" && c.Tag == tag && !yield(c) {
				return
			}
		}
	}
}

// hasChildElement reports whether e has a child element.
func hasChildElement(e *etree.Element) bool {
	for range e.ChildElementsSeq() {
		return true
	}
	return false
}
