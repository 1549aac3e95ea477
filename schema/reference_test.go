package schema

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/internal/sharedtest"
)

// The reference schema files live in ../shared/reference beside the repository
// (sharedtest.Dir). They are IIS's own IIS_schema.xml of each version and the ASP.NET
// Core Module's schema; they are read, never copied into the project.

// refNode is a node of a schema file: sectionSchema, attribute, element, collection,
// enum or flag.
type refNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []*refNode `xml:",any"`
}

func (n *refNode) get(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *refNode) attr(name string) string { v, _ := n.get(name); return v }

func (n *refNode) children(kind string) []*refNode {
	var out []*refNode
	for _, c := range n.Children {
		if c.XMLName.Local == kind {
			out = append(out, c)
		}
	}
	return out
}

func loadReference(t *testing.T, file string) map[string]*refNode {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedtest.Dir(t, "reference"), file))
	if err != nil {
		t.Fatalf("read reference: %v", err)
	}
	var root refNode
	if err := xml.Unmarshal(b, &root); err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	sections := map[string]*refNode{}
	for _, s := range root.children("sectionSchema") {
		sections[s.attr("name")] = s
	}
	return sections
}

func skipWithoutReference(t *testing.T) {
	t.Helper()
	sharedtest.Dir(t, "reference")
}

func referenceFile(v Version) string {
	return "IIS_schema." + v.String() + ".xml"
}

// refSections returns, per version, the reference sections poolctl models.
func refSections(t *testing.T) map[Version]map[string]*refNode {
	out := map[Version]map[string]*refNode{}
	core := loadReference(t, "aspnetcore_schema_v2.xml")[AspNetCorePath]
	for _, v := range Versions() {
		secs := loadReference(t, referenceFile(v))
		if v >= IIS75 {
			secs[AspNetCorePath] = core
		}
		out[v] = secs
	}
	return out
}

// TestAgreesWithReference proves that every attribute, element, collection and enum
// value of the Go model, for every version, is what that version's schema file says,
// and that nothing the file declares is missing (beyond elements marked Partial).
func TestAgreesWithReference(t *testing.T) {
	skipWithoutReference(t)
	refs := refSections(t)
	for _, v := range Versions() {
		s := MustFor(v)
		for _, path := range []string{ApplicationPoolsPath, SitesPath, AspNetCorePath} {
			t.Run(v.String()+"/"+path, func(t *testing.T) {
				ref, model := refs[v][path], s.Section(path)
				if (ref == nil) != (model == nil) {
					t.Fatalf("section present in reference: %v, in model: %v", ref != nil, model != nil)
				}
				if ref == nil {
					return
				}
				c := &comparer{t: t, refs: refs, section: path}
				c.element(v, path, ref, model.Root)
			})
		}
	}
}

type comparer struct {
	t       *testing.T
	refs    map[Version]map[string]*refNode
	section string
}

func (c *comparer) errorf(where, format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("%s: %s", where, fmt.Sprintf(format, args...))
}

// element compares a reference element (or sectionSchema, or collection item) with the
// model's.
func (c *comparer) element(v Version, where string, ref *refNode, m *Element) {
	refAttrs := ref.children("attribute")
	for _, ra := range refAttrs {
		ma := m.Attribute(ra.attr("name"))
		if ma == nil {
			c.errorf(where, "attribute %q missing from the model", ra.attr("name"))
			continue
		}
		c.attribute(v, where+"@"+ma.Name, ra, ma)
	}
	if len(m.Attributes) != len(refAttrs) {
		c.errorf(where, "model has %d attributes, reference %d", len(m.Attributes), len(refAttrs))
	}
	refElems := map[string]*refNode{}
	for _, re := range ref.children("element") {
		refElems[re.attr("name")] = re
		me := m.Element(re.attr("name"))
		if me == nil {
			if !m.Partial {
				c.errorf(where, "element %q missing from the model", re.attr("name"))
			}
			continue
		}
		c.child(v, where+"/"+me.Name, re, me)
	}
	for _, me := range m.Elements {
		if refElems[me.Name] == nil {
			c.errorf(where, "model has element %q that the reference does not", me.Name)
		}
	}
	c.collection(v, where, ref, m)
}

func (c *comparer) child(v Version, where string, re *refNode, me *Element) {
	isDefault := re.attr("isCollectionDefault") == "true"
	if isDefault != me.IsCollectionDefault {
		c.errorf(where, "isCollectionDefault: model %v, reference %v", me.IsCollectionDefault, isDefault)
	}
	if want := c.firstVersion(where); me.Since != want {
		c.errorf(where, "since: model %s, reference %s", me.Since, want)
	}
	c.element(v, where, re, me)
}

func (c *comparer) collection(v Version, where string, ref *refNode, m *Element) {
	colls := ref.children("collection")
	if len(colls) > 1 {
		c.errorf(where, "reference has %d collections", len(colls))
		return
	}
	if (len(colls) == 1) != (m.Collection != nil) {
		c.errorf(where, "collection: model %v, reference %v", m.Collection != nil, len(colls) == 1)
		return
	}
	if m.Collection == nil {
		return
	}
	rc, mc := colls[0], m.Collection
	for _, p := range []struct{ name, model string }{
		{"addElement", mc.AddElement}, {"removeElement", mc.RemoveElement},
		{"clearElement", mc.ClearElement}, {"defaultElement", mc.DefaultElement},
	} {
		if got := rc.attr(p.name); got != p.model {
			c.errorf(where, "collection %s: model %q, reference %q", p.name, p.model, got)
		}
	}
	if got := rc.attr("allowDuplicates") == "true"; got != mc.AllowDuplicates {
		c.errorf(where, "collection allowDuplicates: model %v, reference %v", mc.AllowDuplicates, got)
	}
	c.element(v, where+"/"+mc.AddElement+"[]", rc, mc.Item)
}

func (c *comparer) attribute(v Version, where string, ra *refNode, ma *Attribute) {
	check := func(what string, model, ref any) {
		if fmt.Sprint(model) != fmt.Sprint(ref) {
			c.errorf(where, "%s: model %v, reference %v", what, model, ref)
		}
	}
	check("type", ma.Type.String(), ra.attr("type"))
	dv, hasDefault := ra.get("defaultValue")
	check("has default", ma.HasDefault, hasDefault)
	check("default", ma.Default, dv)
	for _, f := range []struct {
		name  string
		model bool
	}{
		{"required", ma.Required}, {"isUniqueKey", ma.UniqueKey}, {"isCombinedKey", ma.CombinedKey},
		{"encrypted", ma.Encrypted}, {"caseSensitive", ma.CaseSensitive}, {"expanded", ma.Expanded},
		{"allowInfinite", ma.AllowInfinite},
	} {
		check(f.name, f.model, ra.attr(f.name) == "true")
	}
	format := ra.attr("timeSpanFormat")
	if format == "" {
		format = "string"
	}
	check("timeSpanFormat", ma.TimeSpanFormat.String(), format)
	check("validation", validationString(ma.Validation), strings.TrimSpace(ra.attr("validationType")+" "+ra.attr("validationParameter")))
	check("enum", valuesString(ma.Enum), refValues(ra, "enum"))
	check("flags", valuesString(ma.Flags), refValues(ra, "flag"))
	check("since", ma.Since, c.firstVersion(where))
	for _, e := range append(append([]EnumValue{}, ma.Enum...), ma.Flags...) {
		check("since of value "+e.Name, e.Since, c.firstVersion(where+"="+e.Name))
	}
}

func validationString(v *Validation) string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case IntegerRange:
		s := fmt.Sprintf("%s %d,%d", v.Kind, v.Min, v.Max)
		if v.Exclude {
			s += ",exclude"
		}
		return s
	case TimeSpanRange:
		s := fmt.Sprintf("%s %d,%d,%d", v.Kind, v.Min, v.Max, v.Granularity)
		if v.Exclude {
			s += ",exclude"
		}
		return s
	}
	return v.Kind.String()
}

func valuesString(vs []EnumValue) string {
	var parts []string
	for _, e := range vs {
		parts = append(parts, e.Name+"="+strconv.FormatInt(e.Value, 10))
	}
	return strings.Join(parts, " ")
}

func refValues(ra *refNode, kind string) string {
	var parts []string
	for _, e := range ra.children(kind) {
		parts = append(parts, e.attr("name")+"="+e.attr("value"))
	}
	return strings.Join(parts, " ")
}

// firstVersion returns the oldest version whose reference declares the thing at where,
// a path as this comparer builds it: section, "/element", "/add[]" for collection
// items, "@attribute" and "=enumValue".
func (c *comparer) firstVersion(where string) Version {
	for _, v := range Versions() {
		if c.resolve(v, where) {
			return v
		}
	}
	return 0
}

func (c *comparer) resolve(v Version, where string) bool {
	n := c.refs[v][c.section]
	if n == nil {
		return false
	}
	rest := strings.TrimPrefix(where, c.section)
	for rest != "" {
		var step string
		kind := rest[0]
		rest = rest[1:]
		i := strings.IndexAny(rest, "/@=")
		if i < 0 {
			step, rest = rest, ""
		} else {
			step, rest = rest[:i], rest[i:]
		}
		n = refStep(n, kind, step)
		if n == nil {
			return false
		}
	}
	return true
}

func refStep(n *refNode, kind byte, step string) *refNode {
	switch {
	case kind == '/' && strings.HasSuffix(step, "[]"):
		for _, col := range n.children("collection") {
			if col.attr("addElement") == strings.TrimSuffix(step, "[]") {
				return col
			}
		}
	case kind == '/':
		return named(n.children("element"), step)
	case kind == '@':
		return named(n.children("attribute"), step)
	case kind == '=':
		return named(append(n.children("enum"), n.children("flag")...), step)
	}
	return nil
}

func named(ns []*refNode, name string) *refNode {
	for _, c := range ns {
		if c.attr("name") == name {
			return c
		}
	}
	return nil
}
