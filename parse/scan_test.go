package parse

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/beevik/etree"
	"github.com/google/go-cmp/cmp"
)

// mustRead reads src as "test.xml" with default options.
func mustRead(t testing.TB, src string) *Document {
	t.Helper()
	d, err := ReadBytes("test.xml", []byte(src), Options{})
	if err != nil {
		t.Fatalf("ReadBytes(%q): %v", src, err)
	}
	return d
}

// dump describes a tree one token a line, children indented.
func dump(doc *etree.Document) []string { return describe(doc, false) }

// canon describes a tree as dump does, but as XML sees it: adjacent texts
// and CDATA sections are one text.
func canon(doc *etree.Document) []string { return describe(doc, true) }

func describe(doc *etree.Document, merge bool) []string {
	var lines []string
	var walk func(t etree.Token, indent string)
	text := func(children []etree.Token, i int, indent string) int {
		var data string
		for ; i < len(children); i++ {
			c, ok := children[i].(*etree.CharData)
			if !ok {
				break
			}
			data += c.Data
		}
		lines = append(lines, fmt.Sprintf("%stext %q", indent, data))
		return i
	}
	walkAll := func(children []etree.Token, indent string) {
		for i := 0; i < len(children); {
			if _, ok := children[i].(*etree.CharData); ok && merge {
				i = text(children, i, indent)
				continue
			}
			walk(children[i], indent)
			i++
		}
	}
	walk = func(t etree.Token, indent string) {
		switch t := t.(type) {
		case *etree.Element:
			s := indent + "<"
			if t.Space != "" {
				s += t.Space + "|"
			}
			s += t.Tag
			for _, a := range t.Attr {
				s += " "
				if a.Space != "" {
					s += a.Space + "|"
				}
				s += fmt.Sprintf("%s=%q", a.Key, a.Value)
			}
			lines = append(lines, s+">")
			walkAll(t.Child, indent+"  ")
		case *etree.CharData:
			kind := "text"
			if t.IsCData() {
				kind = "cdata"
			}
			if t.IsWhitespace() {
				kind += "(ws)"
			}
			lines = append(lines, fmt.Sprintf("%s%s %q", indent, kind, t.Data))
		case *etree.Comment:
			lines = append(lines, fmt.Sprintf("%scomment %q", indent, t.Data))
		case *etree.ProcInst:
			lines = append(lines, fmt.Sprintf("%spi %s %q", indent, t.Target, t.Inst))
		default:
			lines = append(lines, fmt.Sprintf("%s%T", indent, t))
		}
	}
	walkAll(doc.Child, "")
	return lines
}

// utf16Bytes encodes s as UTF-16 with a byte order mark.
func utf16Bytes(s string, bigEndian bool) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune("\uFEFF" + s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestReadTree(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "attributes and quotes",
			src:  `<add name="DefaultAppPool" queueLength='1000' empty="" q="it's" s='say "hi"'/>`,
			want: []string{`<add name="DefaultAppPool" queueLength="1000" empty="" q="it's" s="say \"hi\"">`},
		},
		{
			name: "white space around =",
			src:  "<a b = \"1\"\tc\n=\n'2' />",
			want: []string{`<a b="1" c="2">`},
		},
		{
			name: "entities and character references",
			src:  `<a v="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;">&lt;x&gt; &amp; &quot;&apos; &#169;&#xa9;</a>`,
			want: []string{`<a v="<>&\"'AB😀">`, `  text "<x> & \"' ©©"`},
		},
		{
			name: "attribute value normalisation",
			src:  "<a v=\"a\tb\nc\r\nd\re\" r=\"x&#xD;&#xA;&#x9;y\"/>",
			want: []string{`<a v="a b c d e" r="x\r\n\ty">`},
		},
		{
			name: "line ends in text",
			src:  "<a>x\r\ny\rz\n</a>",
			want: []string{`<a>`, `  text "x\ny\nz\n"`},
		},
		{
			name: "white space text",
			src:  "<a>\r\n  <b/>\r\n</a>\r\n",
			want: []string{`<a>`, `  text(ws) "\n  "`, `  <b>`, `  text(ws) "\n"`, `text(ws) "\n"`},
		},
		{
			name: "CDATA",
			src:  "<a>x<![CDATA[<&]]y>\r\n]]>z</a>",
			want: []string{`<a>`, `  text "x"`, `  cdata "<&]]y>\n"`, `  text "z"`},
		},
		{
			name: "empty CDATA",
			src:  "<a><![CDATA[]]></a>",
			want: []string{`<a>`, `  cdata ""`}, // etree marks no CDATA section as white space
		},
		{
			name: "comments",
			src:  "<!-- before --><a><!--in-side - x--><!----></a><!--\r\nafter-->",
			want: []string{`comment " before "`, `<a>`, `  comment "in-side - x"`, `  comment ""`, `comment "\nafter"`},
		},
		{
			name: "processing instructions",
			src:  "<?xml version=\"1.0\" encoding=\"utf-8\" standalone='yes' ?>\n<?app  do this ?><a><?x?><?xml-stylesheet href=\"s\"?></a>",
			want: []string{
				`pi xml "version=\"1.0\" encoding=\"utf-8\" standalone='yes' "`, `text(ws) "\n"`, `pi app "do this "`,
				`<a>`, `  pi x ""`, `  pi xml-stylesheet "href=\"s\""`,
			},
		},
		{
			name: "namespace prefixes",
			src:  `<x:a xmlns:x="urn:x" x:b="1" c="2"><x:c/></x:a>`,
			want: []string{`<x|a xmlns|x="urn:x" x|b="1" c="2">`, `  <x|c>`},
		},
		{
			name: "names",
			src:  `<system.applicationHost _a-b.c="1" é中="2"><日本/></system.applicationHost>`,
			want: []string{`<system.applicationHost _a-b.c="1" é中="2">`, `  <日本>`},
		},
		{
			name: "text specials",
			src:  "<a>x > y ]] z ]></a>",
			want: []string{`<a>`, `  text "x > y ]] z ]>"`},
		},
		{
			name: "empty element forms",
			src:  "<a><b></b><c/><d /></a>",
			want: []string{`<a>`, `  <b>`, `  <c>`, `  <d>`},
		},
		{
			name: "BOM",
			src:  "\uFEFF<?xml version=\"1.0\"?><a/>",
			want: []string{`pi xml "version=\"1.0\""`, `<a>`},
		},
		{
			name: "US-ASCII",
			src:  `<?xml version='1.0' encoding='US-ASCII'?><a b="&#233;"/>`,
			want: []string{`pi xml "version='1.0' encoding='US-ASCII'"`, `<a b="é">`},
		},
		{
			name: "end tag white space",
			src:  "<a></a \r\n>",
			want: []string{`<a>`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustRead(t, tt.src)
			if diff := cmp.Diff(tt.want, dump(d.Tree)); diff != "" {
				t.Errorf("tree (-want +got):\n%s", diff)
			}
			if d.Root() == nil {
				t.Error("Root() = nil")
			}
		})
	}
}

func TestReadUTF16(t *testing.T) {
	const doc = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<a b=\"é中😀\">x</a>\r\n"
	want := []string{`pi xml "version=\"1.0\" encoding=\"utf-16\""`, `text(ws) "\n"`, `<a b="é中😀">`, `  text "x"`, `text(ws) "\n"`}
	for _, bigEndian := range []bool{false, true} {
		t.Run(fmt.Sprintf("bigEndian=%v", bigEndian), func(t *testing.T) {
			d, err := ReadBytes("u.xml", utf16Bytes(doc, bigEndian), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, dump(d.Tree)); diff != "" {
				t.Errorf("tree (-want +got):\n%s", diff)
			}
			if !d.HasBOM() {
				t.Error("HasBOM() = false")
			}
			if got, want := d.Pos(d.Root()).String(), "u.xml:2:1"; got != want {
				t.Errorf("Pos(root) = %s, want %s", got, want)
			}
			if p, _ := d.AttrValuePos(d.Root(), "b"); p.Col != 7 {
				t.Errorf("AttrValuePos(b) = %v, want column 7", p)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("<a>", n) + strings.Repeat("</a>", n) }
	tests := []struct {
		name string
		src  string
		opt  Options
		pos  string // line:col
		msg  string // a substring of the message
	}{
		{"empty file", "", Options{}, "1:1", "empty document"},
		{"white space only", " \r\n\t\n", Options{}, "1:1", "empty document"},
		{"BOM only", "\uFEFF \n", Options{}, "1:1", "empty document"},
		{"no root", "<?xml version=\"1.0\"?>\n<!-- c -->\n", Options{}, "3:1", "no root element"},
		{"invalid UTF-8", "<a>\n  x\xffy</a>", Options{}, "2:4", "invalid UTF-8: byte 0xFF"},
		{"invalid UTF-8 after runes", "<a b=\"é中\xc3\"/>", Options{}, "1:9", "invalid UTF-8"},
		{"control character", "<a>\x01</a>", Options{}, "1:4", "U+0001 is not allowed"},
		{"control character in attribute", "<a b=\"\x1b\"/>", Options{}, "1:7", "U+001B is not allowed"},
		{"control character in comment", "<a><!--\x00--></a>", Options{}, "1:8", "U+0000 is not allowed"},
		{"U+FFFE", "<a>\uFFFE</a>", Options{}, "1:4", "U+FFFE is not allowed"},
		{"UTF-16 without BOM", "<\x00a\x00/\x00>\x00", Options{}, "1:1", "UTF-16 without a byte order mark"},
		{"DOCTYPE", "<?xml version=\"1.0\"?>\n<!DOCTYPE a>\n<a/>", Options{}, "2:1", "DOCTYPE is not allowed"},
		{"billion laughs", "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><lolz>&lol2;</lolz>", Options{}, "1:1", "DOCTYPE is not allowed"},
		{"entity declaration", "<!ENTITY x \"y\"><a>&x;</a>", Options{}, "1:1", "entity declarations are not allowed"},
		{"other declaration", "<a><!ELEMENT a ANY></a>", Options{}, "1:4", `unexpected "<!"`},
		{"undefined entity", "<a>\n  &foo;</a>", Options{}, "2:3", "undefined entity &foo;"},
		{"undefined entity in attribute", `<a b="x&nbsp;"/>`, Options{}, "1:8", "undefined entity &nbsp;"},
		{"bare ampersand", "<a>AT&T</a>", Options{}, "1:6", "'&' must be written &amp;"},
		{"bare ampersand in attribute", `<a b="a & b"/>`, Options{}, "1:9", "'&' must be written &amp;"},
		{"entity without semicolon", `<a>&lt</a>`, Options{}, "1:4", "'&' must be written &amp;"},
		{"NUL reference", "<a>&#0;</a>", Options{}, "1:4", "does not allow"},
		{"surrogate reference", "<a>&#xD800;</a>", Options{}, "1:4", "does not allow"},
		{"reference beyond Unicode", "<a>&#x110000;</a>", Options{}, "1:4", "does not allow"},
		{"huge reference", "<a>&#99999999999999999999;</a>", Options{}, "1:4", "does not allow"},
		{"uppercase X reference", "<a>&#X41;</a>", Options{}, "1:4", "malformed character reference"},
		{"empty reference", "<a>&#;</a>", Options{}, "1:4", "malformed character reference"},
		{"unterminated reference", "<a>&#12", Options{}, "1:4", "unexpected end of file inside a character reference"},
		{"wrong nesting", "<a>\n  <b></a></b>", Options{}, "2:6", "end tag </a> does not match <b> opened at 2:3"},
		{"end tag without start", "</a>", Options{}, "1:1", "unexpected end tag </a>: no element is open"},
		{"unclosed at EOF", "<a>\n  <b>\n", Options{}, "3:1", "unexpected end of file: element <b> opened at 2:3 is not closed"},
		{"unclosed start tag", "<a>\n<b c=\"1\"", Options{}, "2:9", "unexpected end of file inside start tag <b> opened at 2:1"},
		{"< in unterminated attribute value", "<a b=\"1>\n</a>", Options{}, "2:1", "'<' is not allowed"},
		{"unterminated attribute value", "<a b=\"1>\nxyz", Options{}, "2:4", `unexpected end of file in the value of attribute "b" started at 1:6`},
		{"unterminated comment", "<a>\n  <!-- x", Options{}, "2:9", "unexpected end of file inside comment started at 2:3"},
		{"unterminated comment ending in dashes", "<a><!-- x --", Options{}, "1:13", "unexpected end of file inside comment"},
		{"double hyphen in comment", "<a><!-- a -- b --></a>", Options{}, "1:11", `"--" is not allowed inside a comment`},
		{"comment ending in hyphen", "<a><!-- a ---></a>", Options{}, "1:11", `"--" is not allowed inside a comment`},
		{"unterminated CDATA", "<a><![CDATA[x", Options{}, "1:14", "unexpected end of file inside CDATA section started at 1:4"},
		{"CDATA outside root", "<![CDATA[x]]><a/>", Options{}, "1:1", "CDATA section outside the root element"},
		{"CDATA end in text", "<a>x]]>y</a>", Options{}, "1:5", `"]]>" is not allowed in text`},
		{"unterminated PI", "<a><?pi x", Options{}, "1:10", "unexpected end of file inside processing instruction started at 1:4"},
		{"PI without target", "<a><? x?></a>", Options{}, "1:6", "expected a processing instruction target"},
		{"PI target glued to data", `<a><?pi"x"?></a>`, Options{}, "1:8", "expected white space or '?>'"},
		{"reserved PI target", "<a><?XML x?></a>", Options{}, "1:6", `target "XML" is reserved`},
		{"XML declaration not at start", "\n<?xml version=\"1.0\"?><a/>", Options{}, "2:1", "only allowed at the very start"},
		{"XML declaration after BOM and space", "\uFEFF <?xml version=\"1.0\"?><a/>", Options{}, "1:2", "only allowed at the very start"},
		{"XML version 1.1", `<?xml version="1.1"?><a/>`, Options{}, "1:16", `unsupported XML version "1.1"`},
		{"XML declaration without version", `<?xml encoding="UTF-8"?><a/>`, Options{}, "1:7", `must start with version="1.0"`},
		{"empty XML declaration", `<?xml?><a/>`, Options{}, "1:6", `must declare version="1.0"`},
		{"XML declaration out of order", `<?xml version="1.0" standalone="yes" encoding="UTF-8"?><a/>`, Options{}, "1:38", "expected encoding, standalone or '?>'"},
		{"XML declaration without =", `<?xml version "1.0"?><a/>`, Options{}, "1:15", `expected '=' after "version"`},
		{"XML declaration glued", `<?xml version="1.0"encoding="UTF-8"?><a/>`, Options{}, "1:20", "expected white space"},
		{"bad standalone", `<?xml version="1.0" standalone="maybe"?><a/>`, Options{}, "1:33", `standalone must be "yes" or "no"`},
		{"unsupported encoding", `<?xml version="1.0" encoding="windows-1252"?><a/>`, Options{}, "1:31", `unsupported encoding "windows-1252"`},
		{"UTF-16 declared in UTF-8 file", `<?xml version="1.0" encoding="UTF-16"?><a/>`, Options{}, "1:31", "no UTF-16 byte order mark"},
		{"non-ASCII in US-ASCII file", "<?xml version=\"1.0\" encoding=\"us-ascii\"?>\n<a>é</a>", Options{}, "2:4", "non-ASCII character"},
		{"missing =", `<add queueLength "1"/>`, Options{}, "1:18", `expected '=' after attribute name "queueLength"`},
		{"unquoted value", `<a b=1/>`, Options{}, "1:6", `expected '"' or '\'' to start the value of attribute "b"`},
		{"duplicate attribute", `<a b="1" c="2" b="3"/>`, Options{}, "1:16", `duplicate attribute "b" in <a>, first at 1:4`},
		{"attributes without space", `<a b="1"c="2"/>`, Options{}, "1:9", "expected white space, '>' or '/>'"},
		{"< in attribute value", `<a b="x<y"/>`, Options{}, "1:8", "'<' is not allowed in the value of attribute \"b\""},
		{"slash without >", `<a/ >`, Options{}, "1:4", "expected '>' after '/' in start tag <a>"},
		{"bad attribute name", `<a -b="1"/>`, Options{}, "1:4", "expected an attribute name"},
		{"no element name", `<a>< b/></a>`, Options{}, "1:5", "expected an element name after '<'"},
		{"name starting with digit", `<1a/>`, Options{}, "1:2", "expected an element name"},
		{"two colons", `<a:b:c/>`, Options{}, "1:2", `invalid element name "a:b:c"`},
		{"leading colon", `<:a/>`, Options{}, "1:2", "a colon may only separate"},
		{"trailing colon attribute", `<a b:="1"/>`, Options{}, "1:4", `invalid attribute name "b:"`},
		{"non-letter in name", "<a\u00D7/>", Options{}, "1:3", "not allowed in an XML name"},
		{"bad end tag", `<a></a b>`, Options{}, "1:8", "expected '>' to end the end tag </a>"},
		{"two roots", "<a/>\n<b/>", Options{}, "2:1", "second root element <b>: a document has one root element, and it is <a> at 1:1"},
		{"text after root", "<a/>\n  x", Options{}, "2:3", "text after the root element <a>"},
		{"text before root", "x<a/>", Options{}, "1:1", "text before the root element"},
		{"entity after root", "<a/>&amp;", Options{}, "1:5", "text after the root element"},
		{"too deep", "<a><b><c><d/></c></b></a>", Options{MaxDepth: 3}, "1:10", "element <d> is nested more than 3 levels deep"},
		{"one past default depth", deep(defaultMaxDepth + 1), Options{}, fmt.Sprintf("1:%d", 3*defaultMaxDepth+1), "nested more than 256 levels deep"},
		{"UTF-32", "\xff\xfe\x00\x00<\x00\x00\x00", Options{}, "1:1", "UTF-32 is not supported"},
		{"odd UTF-16", "\xff\xfe<\x00a\x00/\x00>\x00x", Options{}, "1:5", "odd number of bytes"},
		{"unpaired surrogate", "\xff\xfe<\x00\x00\xd8a\x00", Options{}, "1:2", "unpaired surrogate U+D800"},
		{"low surrogate alone", "\xfe\xff\x00<\xdc\x00", Options{}, "1:2", "unpaired surrogate U+DC00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadBytes("e.xml", []byte(tt.src), tt.opt)
			if err == nil {
				t.Fatalf("ReadBytes(%q) = %v, want an error", tt.src, dump(d.Tree))
			}
			pe, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if got := fmt.Sprintf("%d:%d", pe.Pos.Line, pe.Pos.Col); got != tt.pos || pe.Pos.File != "e.xml" {
				t.Errorf("position = %s:%s, want e.xml:%s (%v)", pe.Pos.File, got, tt.pos, err)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", pe.Msg, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "e.xml:"+tt.pos+": ") {
				t.Errorf("Error() = %q, want it to start with the position", err.Error())
			}
		})
	}
}

// TestErrorCutsLongNames checks that an error quoting a huge name of the file shows
// an excerpt of it, not the whole name.
func TestErrorCutsLongNames(t *testing.T) {
	name := strings.Repeat("n", 1<<20)
	tests := []struct{ name, src, want string }{
		{"duplicate attribute", `<a ` + name + `="1" ` + name + `="2"/>`, `duplicate attribute "nnnn`},
		{"attribute without '='", `<a ` + name + ` />`, `'=' after attribute name "nnnn`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadBytes("long.config", []byte(tt.src), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "… (1048576 bytes)") {
				t.Fatalf("err = %.300v, want %q and the length of the cut name", err, tt.want)
			}
			if len(err.Error()) > 1000 {
				t.Errorf("error of %d bytes; want the name cut", len(err.Error()))
			}
		})
	}
}

func TestReadTooLarge(t *testing.T) {
	src := []byte("<a>0123456789</a>")
	_, err := ReadBytes("big.config", src, Options{MaxBytes: 10})
	if err == nil {
		t.Fatal("ReadBytes accepted 17 bytes with MaxBytes 10")
	}
	for _, want := range []string{"big.config", "17 bytes", "limit of 10 bytes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := ReadBytes("ok.config", src, Options{MaxBytes: int64(len(src))}); err != nil {
		t.Errorf("ReadBytes at exactly MaxBytes: %v", err)
	}
}

func TestReadDeep(t *testing.T) {
	const n = 100000
	src := []byte(strings.Repeat("<a>", n) + strings.Repeat("</a>", n))
	t.Run("default limit", func(t *testing.T) {
		start := time.Now()
		_, err := ReadBytes("deep.xml", src, Options{})
		if err == nil || !strings.Contains(err.Error(), "nested more than 256 levels") {
			t.Fatalf("err = %v, want the depth limit", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("rejecting took %v", d)
		}
	})
	t.Run("within limit", func(t *testing.T) {
		d, err := ReadBytes("deep.xml", src, Options{MaxDepth: n})
		if err != nil {
			t.Fatal(err)
		}
		out, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(src) {
			t.Error("deep document does not round-trip")
		}
	})
	t.Run("unclosed", func(t *testing.T) {
		_, err := ReadBytes("deep.xml", src[:3*n], Options{MaxDepth: n})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("element <a> opened at 1:%d is not closed", 3*n-2)) {
			t.Fatalf("err = %v, want the innermost open element", err)
		}
	})
}
