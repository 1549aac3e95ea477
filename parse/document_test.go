package parse

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/beevik/etree"
	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/internal/saferead"
)

// positionDoc has CR LF line breaks, a byte order mark, and non-ASCII
// characters before attributes.
const positionDoc = "\uFEFF<?xml version=\"1.0\"?>\r\n" + // line 1
	"<configuration>\r\n" + // 2
	"  <add name=\"é中\" queueLength = '10' />\r\n" + // 3
	"  <日本 x=\"1\">text<!--c--></日本>\r\n" + // 4
	"  <b\r\n" + // 5
	"     y=\"2\"></b >\r\n" + // 6
	"</configuration>\r\n" // 7

func TestPositions(t *testing.T) {
	d := mustRead(t, positionDoc)
	root := d.Root()
	add := root.SelectElement("add")
	jp := root.SelectElement("日本")
	b := root.SelectElement("b")
	text, comment := jp.Child[0], jp.Child[1]
	decl := d.Tree.Child[0]

	type row struct {
		What string
		Pos  string
	}
	attr := func(e *etree.Element, key string) string {
		p, ok := d.AttrPos(e, key)
		if !ok {
			return "none"
		}
		return p.String()
	}
	value := func(e *etree.Element, key string) string {
		p, ok := d.AttrValuePos(e, key)
		if !ok {
			return "none"
		}
		return p.String()
	}
	got := []row{
		{"decl", d.Pos(decl).String()},
		{"root", d.Pos(root).String()},
		{"root end", d.EndPos(root).String()},
		{"add", d.Pos(add).String()},
		{"add end", d.EndPos(add).String()},
		{"add name", attr(add, "name")},
		{"add name value", value(add, "name")},
		{"add queueLength", attr(add, "queueLength")},
		{"add queueLength value", value(add, "queueLength")},
		{"add missing", attr(add, "missing")},
		{"add missing value", value(add, "missing")},
		{"日本", d.Pos(jp).String()},
		{"日本 x", attr(jp, "x")},
		{"日本 x value", value(jp, "x")},
		{"text", d.Pos(text).String()},
		{"comment", d.Pos(comment).String()},
		{"日本 end", d.EndPos(jp).String()},
		{"b y", attr(b, "y")},
		{"b end", d.EndPos(b).String()},
	}
	want := []row{
		{"decl", "test.xml:1:1"},
		{"root", "test.xml:2:1"},
		{"root end", "test.xml:7:1"},
		{"add", "test.xml:3:3"},
		{"add end", "test.xml:3:37"},
		{"add name", "test.xml:3:8"},
		{"add name value", "test.xml:3:14"},
		{"add queueLength", "test.xml:3:18"},
		{"add queueLength value", "test.xml:3:33"},
		{"add missing", "none"},
		{"add missing value", "none"},
		{"日本", "test.xml:4:3"},
		{"日本 x", "test.xml:4:7"},
		{"日本 x value", "test.xml:4:10"},
		{"text", "test.xml:4:13"},
		{"comment", "test.xml:4:17"},
		{"日本 end", "test.xml:4:25"},
		{"b y", "test.xml:6:6"},
		{"b end", "test.xml:6:12"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}

	// Offsets are byte offsets in the source.
	if p := d.Pos(add); positionDoc[p.Offset:p.Offset+4] != "<add" {
		t.Errorf("Pos(add).Offset = %d, at %q", p.Offset, positionDoc[p.Offset:])
	}
	if p, _ := d.AttrValuePos(add, "queueLength"); positionDoc[p.Offset:p.Offset+3] != "10'" {
		t.Errorf("AttrValuePos(queueLength).Offset = %d, at %q", p.Offset, positionDoc[p.Offset:])
	}
}

func TestPositionsOfNewNodes(t *testing.T) {
	d := mustRead(t, "<a><b/></a>")
	e := d.Root().CreateElement("new")
	e.CreateAttr("k", "v")
	c := d.Root().CreateComment("new")
	if p := d.Pos(e); p != (Pos{}) {
		t.Errorf("Pos(new element) = %+v, want zero", p)
	}
	if p := d.EndPos(e); p != (Pos{}) {
		t.Errorf("EndPos(new element) = %+v, want zero", p)
	}
	if p := d.Pos(c); p != (Pos{}) {
		t.Errorf("Pos(new comment) = %+v, want zero", p)
	}
	if _, ok := d.AttrPos(e, "k"); ok {
		t.Error("AttrPos of a new element reports true")
	}
	if p := d.Pos(&d.Tree.Element); p != (Pos{}) {
		t.Errorf("Pos(document element) = %+v, want zero", p)
	}
	// A copy is a new element too.
	if p := d.Pos(d.Root().Copy()); p != (Pos{}) {
		t.Errorf("Pos(copy) = %+v, want zero", p)
	}
	// Moving keeps the position of an element read from the source.
	b := d.Root().SelectElement("b")
	e.AddChild(b)
	if got := d.Pos(b).String(); got != "test.xml:1:4" {
		t.Errorf("Pos(moved b) = %s, want test.xml:1:4", got)
	}
}

// TestElemIndex checks that every element read finds its own origin, across the
// table's chunks, and that elements of another document find none.
func TestElemIndex(t *testing.T) {
	var src strings.Builder
	src.WriteString("<a>")
	for range 1000 {
		src.WriteString("<b><c/></b>")
	}
	src.WriteString("</a>")
	d := mustRead(t, src.String())
	other := mustRead(t, src.String())
	i := 0
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		if got := d.elemIndex(e); got != i {
			t.Fatalf("elemIndex(element %d) = %d", i, got)
		}
		if got := other.elemIndex(e); got != -1 {
			t.Fatalf("other document's elemIndex(element %d) = %d, want -1", i, got)
		}
		i++
		for _, c := range e.ChildElements() {
			walk(c)
		}
	}
	walk(d.Root())
	if i != d.elems.len() {
		t.Errorf("walked %d elements, the table has %d", i, d.elems.len())
	}
}

// TestConcurrentReaders runs the lazily built indexes under the race
// detector.
func TestConcurrentReaders(t *testing.T) {
	d := mustRead(t, positionDoc)
	add := d.Root().SelectElement("add")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := d.Pos(add).String(); got != "test.xml:3:3" {
				t.Errorf("Pos(add) = %s", got)
			}
			if got := d.LineEnding(); got != "\r\n" {
				t.Errorf("LineEnding() = %q", got)
			}
			if b, err := d.Bytes(); err != nil || string(b) != positionDoc {
				t.Errorf("Bytes() = %q, %v", b, err)
			}
		}()
	}
	wg.Wait()
}

func TestAccessors(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		bom  bool
	}{
		{"UTF-8", []byte("<a/>"), false},
		{"UTF-8 BOM", []byte("\uFEFF<a/>"), true},
		{"UTF-16LE", utf16Bytes("<a/>", false), true},
		{"UTF-16BE", utf16Bytes("<a/>", true), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadBytes("a.xml", tt.src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d.HasBOM() != tt.bom {
				t.Errorf("HasBOM() = %v, want %v", d.HasBOM(), tt.bom)
			}
			if !bytes.Equal(d.Source(), tt.src) {
				t.Errorf("Source() = %q, want %q", d.Source(), tt.src)
			}
			if &d.Source()[0] != &tt.src[0] {
				t.Error("Source() is a copy")
			}
			if d.Name != "a.xml" || d.Root().Tag != "a" {
				t.Errorf("Name = %q, Root = %v", d.Name, d.Root())
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.config", "<configuration>\n  <a b=\"1\"/>\n</configuration>\n")
	bad := write("bad.config", "<configuration>\n  <a b=\"1\">\n</configuration>\n")
	big := write("big.config", "<configuration>"+strings.Repeat(" ", 100)+"</configuration>")

	t.Run("good", func(t *testing.T) {
		d, err := ReadFile(good, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != good {
			t.Errorf("Name = %q, want %q", d.Name, good)
		}
		if got := d.Pos(d.Root().SelectElement("a")).String(); got != good+":2:3" {
			t.Errorf("Pos(a) = %s", got)
		}
		out, err := d.Bytes()
		if err != nil || string(out) != string(d.Source()) {
			t.Errorf("round trip: %q, %v", out, err)
		}
	})
	t.Run("syntax error", func(t *testing.T) {
		_, err := ReadFile(bad, Options{})
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("err = %v, want *Error", err)
		}
		if want := bad + ":3:1: end tag </configuration> does not match <a> opened at 2:3"; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
	})
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(dir, "missing.config")
		_, err := ReadFile(path, Options{})
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
			t.Errorf("err = %v, want a not-exist error naming the path", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		_, err := ReadFile(big, Options{MaxBytes: 64})
		if err == nil {
			t.Fatal("no error")
		}
		for _, want := range []string{big, "limit of 64 bytes"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("err %q does not mention %q", err, want)
			}
		}
	})
	t.Run("too large is a saferead.TooLargeError", func(t *testing.T) {
		_, err := ReadFile(big, Options{MaxBytes: 64})
		if tl, ok := errors.AsType[*saferead.TooLargeError](err); !ok || tl.Limit != 64 {
			t.Errorf("err = %v, want a *saferead.TooLargeError with the limit", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		if _, err := ReadFile(dir, Options{}); err == nil || !strings.Contains(err.Error(), dir) {
			t.Errorf("err = %v, want an error naming the directory", err)
		}
	})
}

// benchDoc returns a synthetic applicationHost.config of about size bytes
// with CR LF line breaks.
func benchDoc(size int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n  <system.applicationHost>\r\n    <applicationPools>\r\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "      <add name=\"pool%06d\" queueLength=\"%d\" managedRuntimeVersion=\"v4.0\" autoStart=\"true\">\r\n", i, 1000+i%4000)
		b.WriteString("        <processModel identityType=\"ApplicationPoolIdentity\" idleTimeout=\"00:20:00\" loadUserProfile=\"true\" />\r\n")
		b.WriteString("        <recycling>\r\n          <periodicRestart time=\"1.05:00:00\">\r\n            <schedule>\r\n")
		fmt.Fprintf(&b, "              <add value=\"03:%02d:00\" />\r\n", i%60)
		b.WriteString("            </schedule>\r\n          </periodicRestart>\r\n        </recycling>\r\n      </add>\r\n")
	}
	b.WriteString("    </applicationPools>\r\n  </system.applicationHost>\r\n</configuration>\r\n")
	return b.Bytes()
}

func BenchmarkReadBytes(b *testing.B) {
	src := benchDoc(5 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadBytes("bench.config", src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodingXMLTokens decodes the document of BenchmarkReadBytes into
// tokens with encoding/xml, building no tree, for comparison.
func BenchmarkEncodingXMLTokens(b *testing.B) {
	src := benchDoc(5 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		dec := xml.NewDecoder(bytes.NewReader(src))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkEtreeRead reads the same document with etree's own reader, for
// comparison.
func BenchmarkEtreeRead(b *testing.B) {
	src := benchDoc(5 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if err := etree.NewDocument().ReadFromBytes(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteUnchanged(b *testing.B) {
	src := benchDoc(5 << 20)
	d, err := ReadBytes("bench.config", src, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteOneChange(b *testing.B) {
	src := benchDoc(5 << 20)
	d, err := ReadBytes("bench.config", src, Options{})
	if err != nil {
		b.Fatal(err)
	}
	pools := d.Root().FindElements("system.applicationHost/applicationPools/add")
	pools[len(pools)/2].CreateAttr("queueLength", "65535")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}
