package appcmd

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/beevik/etree"
	"github.com/poolctl/poolctl/parse"
)

// WriteList prints one line per pool, as "appcmd list apppool" does:
// APPPOOL "Name" (MgdVersion:v4.0,MgdMode:Integrated,state:Started).
func WriteList(w io.Writer, pools []Pool) error {
	for _, p := range pools {
		if _, err := fmt.Fprintf(w, "APPPOOL \"%s\" (MgdVersion:%s,MgdMode:%s,state:%s)\n",
			p.Name, p.RuntimeVersion, p.PipelineMode, p.State); err != nil {
			return err
		}
	}
	return nil
}

// WriteDetail prints every attribute of each pool, as /text:* does: the object's
// attributes, then its configuration as nested [element] sections.
func WriteDetail(w io.Writer, pools []Pool) error {
	var b strings.Builder
	for _, p := range pools {
		b.WriteString("APPPOOL\n")
		for _, a := range p.objectAttrs() {
			fmt.Fprintf(&b, "  %s:\"%s\"\n", a.Name, a.Value)
		}
		writeElement(&b, &p.Config, "  ")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeElement writes e as "[name]" and its attributes and children indented.
func writeElement(b *strings.Builder, e *Element, indent string) {
	fmt.Fprintf(b, "%s[%s]\n", indent, e.Name)
	for _, a := range e.Attrs {
		fmt.Fprintf(b, "%s  %s:\"%s\"\n", indent, a.Name, a.Value)
	}
	for _, c := range e.Children {
		writeElement(b, c, indent+"  ")
	}
}

// WriteAttr prints one attribute of each pool, one value a line, as /text:NAME does.
// A name that no pool has is an error.
func WriteAttr(w io.Writer, pools []Pool, name string) error {
	var b strings.Builder
	for _, p := range pools {
		v, ok := p.Value(name)
		if !ok {
			return UnknownAttribute(name)
		}
		b.WriteString(v + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteXML prints the pools as /xml does: an <appcmd> document with one <APPPOOL>
// element a pool, carrying the object's attributes, written by parse.WriteElement.
func WriteXML(w io.Writer, pools []Pool) error {
	root := etree.NewElement("appcmd")
	for _, p := range pools {
		e := root.CreateElement("APPPOOL")
		for _, a := range p.objectAttrs() {
			e.Attr = append(e.Attr, etree.Attr{Key: a.Name, Value: a.Value})
		}
	}
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	if len(pools) == 0 {
		b.WriteString("<appcmd>\n</appcmd>\n") // as appcmd writes an empty list
	} else if err := parse.WriteElement(&b, root, parse.Style{Name: "appcmd /xml", Indent: "    ", EmptyTag: " />"}); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
