package parse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/internal/sharedtest"
)

// corpusDir holds real applicationHost.config files: FuzzReadBytes seeds with them
// when they are there (tests use sharedtest.Glob).
const corpusDir = "../../shared/corpus/real"

// corpus returns the paths of the real configuration files, skipping the
// test when there are none (failing it under CI).
func corpus(t *testing.T) []string {
	t.Helper()
	return sharedtest.Glob(t, "*.config", "corpus", "real")
}

func TestRoundTripCorpus(t *testing.T) {
	for _, path := range corpus(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			d, err := ReadFile(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, src) {
				t.Errorf("Bytes() differs from the file:\n%s", cmp.Diff(string(src), string(got)))
			}
			crossCheck(t, src)
		})
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
	}{
		{"single quotes", []byte(`<a b='1' c="2" d='"'/>`)},
		{"empty element spellings", []byte("<a><b/><c /><d\t/><e\r\n/><f></f><g ></g></a>")},
		{"spaced equals", []byte("<a b = \"x\" c\t=\t'y' d\r\n=\r\n\"z\"/>")},
		{"tabs", []byte("<a\tb=\"1\"\t\tc=\"x\ty\"\t>\t</a>")},
		{"references in attributes", []byte(`<a b="x&#xD;&#xA;y" c="&#9;&lt;&amp;&quot;" d='&apos;&#x1F600;'/>`)},
		{"references in text", []byte("<a>&lt;&gt;&amp;&#169;&#xA9;&#13;</a>")},
		{"CDATA", []byte("<a><![CDATA[<x>&amp;]]]]><![CDATA[>\r\n]]></a>")},
		{"comments and PIs", []byte("<?xml version='1.0' standalone='no' ?>\n<!-- one -->\n<?app x?>\n<a><!--two--><?b?></a>\n<!-- three -->\n")},
		{"CRLF", []byte("<?xml version=\"1.0\"?>\r\n<a>\r\n  <b x=\"1\r\n2\" />\r\n  text\r\n</a>\r\n")},
		{"lone CR", []byte("<a>\r<b/>\r</a>\r")},
		{"mixed line ends", []byte("<a>\r\n<b/>\n<c/>\r</a>")},
		{"BOM", []byte("\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<a/>\r\n")},
		{"UTF-16LE", utf16Bytes("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<a b=\"é中😀\">x</a>\r\n", false)},
		{"UTF-16BE", utf16Bytes("<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<a b='😀'/>", true)},
		{"US-ASCII", []byte("<?xml version=\"1.0\" encoding=\"us-ascii\"?><a b=\"&#233;\"/>")},
		{"no final line break", []byte("<a/>")},
		{"space before root", []byte("\n\n  <a/>  \n\n")},
		{"namespaces", []byte(`<x:a xmlns:x="urn:x" x:b="1"><x:c/></x:a>`)},
		{"non-ASCII", []byte("<日本 é='中'>ü</日本 >")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadBytes("rt.xml", tt.src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.src) {
				t.Errorf("Bytes() = %q, want %q", got, tt.src)
			}
			var buf bytes.Buffer
			n, err := d.WriteTo(&buf)
			if err != nil || n != int64(len(tt.src)) || !bytes.Equal(buf.Bytes(), tt.src) {
				t.Errorf("WriteTo = %d, %v, %q; want %d, nil, the source", n, err, buf.Bytes(), len(tt.src))
			}
			crossCheck(t, tt.src)
		})
	}
}

// TestRoundTripWalks proves that Bytes builds its output from the tree:
// changing the source behind the document's back does not change it.
func TestRoundTripWalks(t *testing.T) {
	src := []byte(`<a b="1"><c/></a>`)
	d, err := ReadBytes("walk.xml", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.Root().RemoveChildAt(0)
	got, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if want := `<a b="1"></a>`; string(got) != want {
		t.Errorf("Bytes() = %q, want %q", got, want)
	}
}

// editDoc is the document the edit tests change.
const editDoc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" +
	"<configuration>\r\n" +
	"  <pools>\r\n" +
	"    <add name='a'  queueLength = \"1000\"\tautoStart=\"true\" />\r\n" +
	"    <add name=\"b\"/>\r\n" +
	"  </pools>\r\n" +
	"  <text lang='en'>hello &amp; bye</text>\r\n" +
	"  <!-- note -->\r\n" +
	"</configuration>\r\n"

func TestEdit(t *testing.T) {
	type nodes struct {
		d                 *Document
		root, pools, a, b *etree.Element
		text              *etree.Element
		comment           *etree.Comment
	}
	tests := []struct {
		name string
		edit func(n nodes)
		// replace holds pairs of old and new substrings of editDoc.
		replace []string
	}{
		{
			name:    "change value",
			edit:    func(n nodes) { n.a.CreateAttr("queueLength", "2000") },
			replace: []string{`"1000"`, `"2000"`},
		},
		{
			name:    "change value in single quotes",
			edit:    func(n nodes) { n.a.CreateAttr("name", `x"y'&<>é`) },
			replace: []string{`name='a'`, `name='x"y&apos;&amp;&lt;>é'`},
		},
		{
			name:    "change value with white space",
			edit:    func(n nodes) { n.a.CreateAttr("autoStart", "a\tb\nc\r\nd") },
			replace: []string{`autoStart="true"`, `autoStart="a&#x9;b&#xA;c&#xD;&#xA;d"`},
		},
		{
			name: "same value",
			edit: func(n nodes) { n.a.CreateAttr("queueLength", "1000") },
		},
		{
			name:    "add attribute",
			edit:    func(n nodes) { n.a.CreateAttr("managedRuntimeVersion", "v4.0") },
			replace: []string{`autoStart="true" />`, `autoStart="true" managedRuntimeVersion="v4.0" />`},
		},
		{
			name:    "add attribute to tight empty tag",
			edit:    func(n nodes) { n.b.CreateAttr("x", "1") },
			replace: []string{`<add name="b"/>`, `<add name="b" x="1"/>`},
		},
		{
			name:    "add attribute to start tag",
			edit:    func(n nodes) { n.pools.CreateAttr("k", "v") },
			replace: []string{`<pools>`, `<pools k="v">`},
		},
		{
			name:    "add attribute in the element's quote",
			edit:    func(n nodes) { n.text.CreateAttr("k", "v") },
			replace: []string{`<text lang='en'>`, `<text lang='en' k='v'>`},
		},
		{
			name: "add attribute after removing others",
			edit: func(n nodes) {
				n.a.RemoveAttr("queueLength")
				n.a.RemoveAttr("autoStart")
				n.a.CreateAttr("k", "v")
			},
			replace: []string{`name='a'  queueLength = "1000"` + "\t" + `autoStart="true" />`, `name='a' k="v" />`},
		},
		{
			name:    "remove attribute",
			edit:    func(n nodes) { n.a.RemoveAttr("queueLength") },
			replace: []string{`name='a'  queueLength = "1000"` + "\t", `name='a'` + "\t"},
		},
		{
			name:    "remove first attribute",
			edit:    func(n nodes) { n.a.RemoveAttr("name") },
			replace: []string{`<add name='a'  queueLength`, `<add  queueLength`},
		},
		{
			name:    "remove last attribute",
			edit:    func(n nodes) { n.a.RemoveAttr("autoStart") },
			replace: []string{`"1000"` + "\t" + `autoStart="true" />`, `"1000" />`},
		},
		{
			name:    "remove all attributes",
			edit:    func(n nodes) { n.a.Attr = nil },
			replace: []string{`<add name='a'  queueLength = "1000"` + "\t" + `autoStart="true" />`, `<add />`},
		},
		{
			name:    "reorder attributes",
			edit:    func(n nodes) { n.a.SortAttrs() },
			replace: []string{`<add name='a'  queueLength = "1000"` + "\t" + `autoStart="true" />`, `<add` + "\t" + `autoStart="true" name='a'  queueLength = "1000" />`},
		},
		{
			name:    "add child to empty element",
			edit:    func(n nodes) { n.b.CreateElement("recycling") },
			replace: []string{`<add name="b"/>`, `<add name="b"><recycling/></add>`},
		},
		{
			name:    "add child to spaced empty element",
			edit:    func(n nodes) { n.a.CreateElement("x").CreateAttr("y", "1") },
			replace: []string{`autoStart="true" />`, `autoStart="true"><x y="1"/></add>`},
		},
		{
			name:    "remove child",
			edit:    func(n nodes) { n.pools.RemoveChild(n.b) },
			replace: []string{`<add name="b"/>`, ``},
		},
		{
			name: "remove child and its indentation",
			edit: func(n nodes) {
				n.pools.RemoveChildAt(n.b.Index() - 1)
				n.pools.RemoveChild(n.b)
			},
			replace: []string{"\r\n    <add name=\"b\"/>", ``},
		},
		{
			name: "remove all children",
			edit: func(n nodes) {
				for len(n.pools.Child) > 0 {
					n.pools.RemoveChildAt(0)
				}
			},
			replace: []string{"<pools>\r\n    <add name='a'  queueLength = \"1000\"\tautoStart=\"true\" />\r\n    <add name=\"b\"/>\r\n  </pools>", "<pools></pools>"},
		},
		{
			name:    "change text",
			edit:    func(n nodes) { n.text.SetText("new <value> & more") },
			replace: []string{`hello &amp; bye`, `new &lt;value&gt; &amp; more`},
		},
		{
			name:    "change text with line breaks",
			edit:    func(n nodes) { n.text.SetText("a\nb\rc") },
			replace: []string{`hello &amp; bye`, "a\r\nb&#xD;c"},
		},
		{
			name:    "change comment",
			edit:    func(n nodes) { n.comment.Data = " new\nnote " },
			replace: []string{`<!-- note -->`, "<!-- new\r\nnote -->"},
		},
		{
			name:    "rename element",
			edit:    func(n nodes) { n.pools.Tag = "applicationPools" },
			replace: []string{`<pools>`, `<applicationPools>`, `</pools>`, `</applicationPools>`},
		},
		{
			name:    "rename empty element",
			edit:    func(n nodes) { n.b.Space = "x" },
			replace: []string{`<add name="b"/>`, `<x:add name="b"/>`},
		},
		{
			name: "new element",
			edit: func(n nodes) {
				e := n.root.CreateElement("extra")
				e.CreateAttr("a", "x<y")
				e.CreateElement("inner")
				e.CreateText("t\n")
				n.root.CreateText("\n")
			},
			replace: []string{"</configuration>", "<extra a=\"x&lt;y\"><inner/>t\r\n</extra>\r\n</configuration>"},
		},
		{
			name: "insert element between others",
			edit: func(n nodes) {
				e := etree.NewElement("add")
				e.CreateAttr("name", "new")
				n.pools.InsertChildAt(n.b.Index(), e)
				n.pools.InsertChildAt(n.b.Index(), etree.NewText("\n    "))
			},
			replace: []string{`<add name="b"/>`, "<add name=\"new\"/>\r\n    <add name=\"b\"/>"},
		},
		{
			name:    "insert comment",
			edit:    func(n nodes) { n.root.InsertChildAt(0, etree.NewComment(" managed ")) },
			replace: []string{"<configuration>", "<configuration><!-- managed -->"},
		},
		{
			name:    "move element",
			edit:    func(n nodes) { n.pools.InsertChildAt(n.a.Index(), n.b) },
			replace: []string{"<add name='a'  queueLength = \"1000\"\tautoStart=\"true\" />\r\n    <add name=\"b\"/>", "<add name=\"b\"/><add name='a'  queueLength = \"1000\"\tautoStart=\"true\" />\r\n    "},
		},
		{
			name: "replace element by its copy",
			edit: func(n nodes) {
				c := n.a.Copy()
				n.pools.InsertChildAt(n.a.Index(), c)
				n.pools.RemoveChild(n.a)
			},
			replace: []string{"<add name='a'  queueLength = \"1000\"\tautoStart=\"true\" />", `<add name="a" queueLength="1000" autoStart="true"/>`},
		},
		{
			name: "new CDATA section",
			edit: func(n nodes) {
				n.text.Child = nil
				n.text.CreateCData("x]]>y")
			},
			replace: []string{`hello &amp; bye`, `<![CDATA[x]]]]><![CDATA[>y]]>`},
		},
		{
			name:    "new processing instruction",
			edit:    func(n nodes) { n.pools.CreateProcInst("app", "do it") },
			replace: []string{"  </pools>", "  <?app do it?></pools>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustRead(t, editDoc)
			root := d.Root()
			pools := root.SelectElement("pools")
			adds := pools.SelectElements("add")
			n := nodes{d: d, root: root, pools: pools, a: adds[0], b: adds[1], text: root.SelectElement("text")}
			for _, c := range root.Child {
				if c, ok := c.(*etree.Comment); ok {
					n.comment = c
				}
			}
			tt.edit(n)
			got, err := d.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			want := editDoc
			for i := 0; i < len(tt.replace); i += 2 {
				if !strings.Contains(want, tt.replace[i]) {
					t.Fatalf("bad test: %q is not in the document", tt.replace[i])
				}
				want = strings.Replace(want, tt.replace[i], tt.replace[i+1], 1)
			}
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("Bytes() (-want +got):\n%s", diff)
			}
			// What was written reads back as the changed tree.
			back := mustRead(t, string(got))
			if diff := cmp.Diff(canon(d.Tree), canon(back.Tree)); diff != "" {
				t.Errorf("written document reads back differently (-changed +read back):\n%s", diff)
			}
		})
	}
}

func TestEditUTF16(t *testing.T) {
	for _, bigEndian := range []bool{false, true} {
		src := utf16Bytes("<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<a b=\"é\" c=\"2\"/>\r\n", bigEndian)
		d, err := ReadBytes("u.xml", src, Options{})
		if err != nil {
			t.Fatal(err)
		}
		d.Root().CreateAttr("b", "中😀")
		got, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		want := utf16Bytes("<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<a b=\"中😀\" c=\"2\"/>\r\n", bigEndian)
		if !bytes.Equal(got, want) {
			t.Errorf("bigEndian=%v: Bytes() = % x, want % x", bigEndian, got, want)
		}
	}
}

func TestEditASCII(t *testing.T) {
	d := mustRead(t, `<?xml version="1.0" encoding="US-ASCII"?><a b="1">x</a>`)
	d.Root().CreateAttr("b", "é中")
	d.Root().CreateAttr("c", "😀")
	d.Root().SetText("ü")
	got, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if want := `<?xml version="1.0" encoding="US-ASCII"?><a b="&#xE9;&#x4E2D;" c="&#x1F600;">&#xFC;</a>`; string(got) != want {
		t.Errorf("Bytes() = %q, want %q", got, want)
	}
	d.Root().Tag = "é"
	if _, err := d.Bytes(); err == nil || !strings.Contains(err.Error(), "us-ascii") {
		t.Errorf("non-ASCII name in a US-ASCII document: err = %v", err)
	}
}

func TestEditEmptyTagStyle(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"spaced", "<a><b /></a>", "<a><b /><new /></a>"},
		{"tight", "<a><b/></a>", "<a><b/><new/></a>"},
		{"none", "<a></a>", "<a><new/></a>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustRead(t, tt.src)
			d.Root().CreateElement("new")
			got, err := d.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Bytes() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(d *Document)
		msg  string
	}{
		{"invalid element name", func(d *Document) { d.Root().CreateElement("a b") }, `invalid element name "a b"`},
		{"invalid renamed element", func(d *Document) { d.Root().Tag = "1a" }, `invalid element name "1a"`},
		{"invalid attribute name", func(d *Document) { d.Root().CreateAttr("x y", "1") }, `invalid attribute name "x y"`},
		{"control character in value", func(d *Document) { d.Root().CreateAttr("b", "x\x00") }, `attribute "b": character U+0000`},
		{"invalid UTF-8 in value", func(d *Document) { d.Root().CreateAttr("b", "\xff") }, "invalid UTF-8"},
		{"control character in text", func(d *Document) { d.Root().SetText("\x07") }, "U+0007"},
		{"double hyphen in comment", func(d *Document) { d.Root().CreateComment("a--b") }, `cannot hold "--"`},
		{"comment ending in hyphen", func(d *Document) { d.Root().CreateComment("a-") }, `end with "-"`},
		{"PI end in PI", func(d *Document) { d.Root().CreateProcInst("x", "a?>b") }, `cannot hold "?>"`},
		{"reserved PI", func(d *Document) { d.Root().CreateProcInst("xml", "version=\"1.0\"") }, "XML declaration must come first"},
		{"directive", func(d *Document) { d.Root().AddChild(etree.NewDirective("DOCTYPE a")) }, "declarations are not allowed"},
		{"duplicate attribute", func(d *Document) { d.Root().Attr = append(d.Root().Attr, d.Root().Attr[0]) }, `duplicate attribute "b"`},
		{"two roots", func(d *Document) { d.Tree.CreateElement("x") }, "exactly one root element, not 2"},
		{"no root", func(d *Document) { d.Tree.RemoveChild(d.Root()) }, "exactly one root element, not 0"},
		{"text outside root", func(d *Document) { d.Tree.CreateText("x") }, "text outside the root element"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustRead(t, `<a b="1"/>`)
			tt.edit(d)
			_, err := d.Bytes()
			if err == nil {
				t.Fatal("Bytes() succeeded")
			}
			if !strings.HasPrefix(err.Error(), "test.xml: cannot write: ") || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to name the file and say %q", err, tt.msg)
			}
			var buf bytes.Buffer
			if n, err := d.WriteTo(&buf); err == nil || n != 0 || buf.Len() != 0 {
				t.Errorf("WriteTo = %d, %v and wrote %q; want 0, an error and nothing", n, err, buf.Bytes())
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteToError(t *testing.T) {
	d := mustRead(t, "<a/>")
	if _, err := d.WriteTo(failingWriter{}); err == nil || err.Error() != "disk full" {
		t.Errorf("WriteTo(failing writer) = %v, want disk full", err)
	}
}
