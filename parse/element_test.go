package parse

import (
	"bytes"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/google/go-cmp/cmp"
)

// elementTree builds <applicationPools> with a pool whose attribute holds value,
// and a nested collection.
func elementTree(value string) *etree.Element {
	root := etree.NewElement("applicationPools")
	pool := root.CreateElement("add")
	pool.CreateAttr("name", "Shop")
	pool.CreateAttr("startupCommand", value)
	env := pool.CreateElement("environmentVariables")
	env.CreateElement("add").CreateAttr("name", "TEMP")
	root.CreateElement("applicationPoolDefaults")
	return root
}

func TestWriteElement(t *testing.T) {
	tests := []struct {
		name  string
		style Style
		value string
		want  string
	}{
		{"applicationHost style", Style{Indent: "    ", Depth: 2, EmptyTag: " />"}, "run.cmd", `        <applicationPools>
            <add name="Shop" startupCommand="run.cmd">
                <environmentVariables>
                    <add name="TEMP" />
                </environmentVariables>
            </add>
            <applicationPoolDefaults />
        </applicationPools>
`},
		{"markup, tabs and line breaks", Style{Indent: "  ", EmptyTag: "/>"}, "a&b <c> \"d\" 'e'\tf\ng\r\nh", `<applicationPools>
  <add name="Shop" startupCommand="a&amp;b &lt;c> &quot;d&quot; 'e'&#x9;f&#xA;g&#xD;&#xA;h">
    <environmentVariables>
      <add name="TEMP"/>
    </environmentVariables>
  </add>
  <applicationPoolDefaults/>
</applicationPools>
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteElement(&b, elementTree(tt.value), tt.style); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			// A reader gets every value back as it was.
			doc, err := ReadBytes("out.xml", b.Bytes(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := Attr(doc.Root().SelectElement("add"), "startupCommand"); got != tt.value {
				t.Errorf("value read back %q, want %q", got, tt.value)
			}
		})
	}
}

func TestWriteElementRefuses(t *testing.T) {
	tests := []struct {
		name string
		tree func() *etree.Element
		want string
	}{
		{"control character", func() *etree.Element { return elementTree("a\x01b") }, "character U+0001 is not allowed in XML"},
		{"invalid UTF-8", func() *etree.Element { return elementTree("a\xffb") }, "invalid UTF-8"},
		{"invalid name", func() *etree.Element {
			e := elementTree("x")
			e.CreateElement("1bad")
			return e
		}, `invalid element name "1bad"`},
		{"duplicate attribute", func() *etree.Element {
			e := etree.NewElement("add")
			e.Attr = append(e.Attr, etree.Attr{Key: "name", Value: "a"}, etree.Attr{Key: "name", Value: "b"})
			return e
		}, `duplicate attribute "name"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := WriteElement(&b, tt.tree(), Style{Name: "out.config", Indent: "  "})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "out.config: cannot write: ") {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("wrote %q on error", b.String())
			}
		})
	}
}
