package parse

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/google/go-cmp/cmp"
)

// crossCheck checks that encoding/xml, in strict mode, accepts src, which
// this package accepts, and reads the same start elements with the same
// attributes from it.
func crossCheck(t testing.TB, src []byte) {
	t.Helper()
	d, err := ReadBytes("cross.xml", src, Options{})
	if err != nil {
		t.Fatalf("ReadBytes: %v", err)
	}
	newDecoder := func() *xml.Decoder {
		// encoding/xml reads the UTF-8 text: a UTF-16 file decoded, or a
		// US-ASCII one, which is UTF-8 too.
		dec := xml.NewDecoder(strings.NewReader(d.text))
		dec.Strict = true
		dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
		return dec
	}

	// Token checks that end tags match start tags.
	dec := newDecoder()
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("encoding/xml rejects a document this package accepts: %v\n%q", err, src)
		}
	}

	// RawToken leaves prefixes as written.
	var theirs []string
	dec = newDecoder()
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("encoding/xml RawToken: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			s := qname(se.Name.Space, se.Name.Local)
			for _, a := range se.Attr {
				s += " " + qname(a.Name.Space, a.Name.Local) + "=" + blanks(a.Value)
			}
			theirs = append(theirs, s)
		}
	}

	var ours []string
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		s := qname(e.Space, e.Tag)
		for _, a := range e.Attr {
			s += " " + qname(a.Space, a.Key) + "=" + blanks(a.Value)
		}
		ours = append(ours, s)
		for _, c := range e.ChildElements() {
			walk(c)
		}
	}
	walk(d.Root())
	if diff := cmp.Diff(theirs, ours); diff != "" {
		t.Errorf("start elements differ from encoding/xml's (-encoding/xml +parse):\n%s", diff)
	}
}

func qname(space, local string) string {
	if space == "" {
		return local
	}
	return space + ":" + local
}

// blanks makes tabs and line breaks spaces. encoding/xml does not
// normalise attribute values as XML requires.
func blanks(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

func FuzzReadBytes(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.config"))
	for _, path := range files {
		if src, err := os.ReadFile(path); err == nil {
			f.Add(src)
		}
	}
	for _, s := range []string{
		editDoc,
		positionDoc,
		"<a/>",
		"<a b='1' c = \"2\"><b/>text &amp; &#169; &#xA9;<![CDATA[x]]><!-- c --><?p i?></a>",
		"\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\r\n<a>\r\n</a>\r\n",
		"<?xml version='1.0' encoding='us-ascii'?><a b='&#233;'/>",
		"<x:a xmlns:x='u' x:b='c'/>",
		"<a b=\"x&#xD;&#xA;y\tz\r\n\">\r</a>",
		"<日本 é='中'>ü</日本>",
		"<a><!DOCTYPE a></a>",
		"<a>&foo;</a>",
	} {
		f.Add([]byte(s))
	}
	f.Add(utf16Bytes("<?xml version=\"1.0\" encoding=\"utf-16\"?><a b='é😀'/>", false))
	f.Add(utf16Bytes("<a>x</a>", true))

	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := ReadBytes("fuzz.xml", src, Options{MaxDepth: 64})
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) && (!pe.Pos.IsValid() || pe.Pos.File != "fuzz.xml") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		out, err := d.Bytes()
		if err != nil {
			t.Fatalf("Bytes: %v", err)
		}
		if !bytes.Equal(out, src) {
			t.Fatalf("round trip differs:\n got %q\nwant %q", out, src)
		}
		crossCheck(t, src)

		// Every element's position points at its '<'.
		var elems []*etree.Element
		var walk func(e *etree.Element)
		walk = func(e *etree.Element) {
			elems = append(elems, e)
			if p := d.Pos(e); d.text[p.Offset] != '<' || !p.IsValid() {
				t.Fatalf("Pos(<%s>) = %+v, not at a '<'", e.Tag, p)
			}
			for _, c := range e.ChildElements() {
				walk(c)
			}
		}
		walk(d.Root())

		// Changed and added attributes are written so that they read back.
		for i, e := range elems {
			for j := range e.Attr {
				if (i+j)%2 == 0 {
					e.Attr[j].Value += "<&\"'\t\n\r\u00e9]]>"
				}
			}
			if i%3 == 0 {
				e.CreateAttr("fz", "x'y\"")
			}
		}
		out, err = d.Bytes()
		if err != nil {
			t.Fatalf("Bytes after changes: %v", err)
		}
		back, err := ReadBytes("fuzz.xml", out, Options{MaxDepth: 64})
		if err != nil {
			t.Fatalf("reading the changed document: %v\n%q", err, out)
		}
		if diff := cmp.Diff(canon(d.Tree), canon(back.Tree)); diff != "" {
			t.Fatalf("changed document reads back differently (-changed +read back):\n%s", diff)
		}
	})
}
