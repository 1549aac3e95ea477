package schema

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// MaxExtensionBytes bounds the size of a schema extension file: IIS_schema.xml, the
// largest schema file IIS ships, is about 170 KB.
const MaxExtensionBytes = 4 << 20

// ExtensionDir is the folder, beside applicationHost.config, whose *.xml files extend
// the schema: IIS's %windir%\system32\inetsrv\config\schema.
const ExtensionDir = "schema"

// Extension is an IIS schema file (a <configSchema> of <sectionSchema> elements, as
// IIS modules install in inetsrv\config\schema): what it declares for the sections
// poolctl models. Extend adds it to a Schema.
type Extension struct {
	File     string
	sections map[string]*Element // by section path; the other sections are ignored
}

// ExtensionError is a malformed extension file, with the position of the problem.
type ExtensionError struct {
	File      string
	Line, Col int
	Err       error
}

// Error names the file, line and column.
func (e *ExtensionError) Error() string {
	return fmt.Sprintf("schema extension %s:%d:%d: %v", e.File, e.Line, e.Col, e.Err)
}

// Unwrap returns the problem.
func (e *ExtensionError) Unwrap() error { return e.Err }

// ReadExtension reads the schema extension file at path, at most MaxExtensionBytes.
func ReadExtension(path string) (*Extension, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("schema extension: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("schema extension %s: not a regular file", path)
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxExtensionBytes+1))
	if err != nil {
		return nil, fmt.Errorf("schema extension %s: %w", path, err)
	}
	if len(src) > MaxExtensionBytes {
		return nil, fmt.Errorf("schema extension %s: larger than %d bytes", path, MaxExtensionBytes)
	}
	return ParseExtension(path, src)
}

// maxExtensionFiles bounds how many files of a schema folder are read: IIS ships a
// dozen.
const maxExtensionFiles = 256

// ExtensionsFor returns the extensions of the schema folder beside the configuration
// file at configPath (ExtensionDir), in the order of their names; none when there is
// no such folder. A folder of more than maxExtensionFiles *.xml files is refused.
func ExtensionsFor(configPath string) ([]*Extension, error) {
	dir := filepath.Join(filepath.Dir(configPath), ExtensionDir)
	names, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		return nil, err
	}
	if len(names) > maxExtensionFiles {
		return nil, fmt.Errorf("schema extensions: %s holds %d *.xml files, more than %d", dir, len(names), maxExtensionFiles)
	}
	slices.Sort(names)
	exts := []*Extension{}
	for _, name := range names {
		ext, err := ReadExtension(name)
		if err != nil {
			return nil, err
		}
		exts = append(exts, ext)
	}
	return exts, nil
}

// modeled are the sections poolctl models, whose declarations an extension adds.
var modeled = []string{ApplicationPoolsPath, SitesPath, AspNetCorePath}

// ParseExtension parses src, the content of the schema extension file name: UTF-8, or
// UTF-16 with a byte order mark (as Windows tools may save XML).
func ParseExtension(name string, src []byte) (*Extension, error) {
	src, err := utf8Text(src)
	if err != nil {
		return nil, &ExtensionError{File: name, Line: 1, Col: 1, Err: err}
	}
	p := &extParser{d: xml.NewDecoder(bytes.NewReader(src)), ext: &Extension{File: name, sections: map[string]*Element{}}}
	p.d.Strict = true
	p.d.CharsetReader = charsetReader
	if err := p.parse(); err != nil {
		line, col := p.d.InputPos()
		return nil, &ExtensionError{File: name, Line: line, Col: col, Err: err}
	}
	return p.ext, nil
}

// extParser reads an extension file with encoding/xml, element by element.
type extParser struct {
	d     *xml.Decoder
	ext   *Extension
	stack []*Element // the elements being read; nil for the parts ignored
	attr  *Attribute // the attribute whose enum or flag values are being read
	root  bool
}

// parse reads the whole file.
func (p *extParser) parse() error {
	for {
		tok, err := p.d.Token()
		if err == io.EOF {
			if !p.root {
				return errors.New("no <configSchema> element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := p.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			p.end(t)
		}
	}
}

// start handles an element's start tag.
func (p *extParser) start(t xml.StartElement) error {
	if len(p.stack) == 0 && !p.root {
		if t.Name.Local != "configSchema" {
			return fmt.Errorf("the root element is <%s>, want <configSchema>", t.Name.Local)
		}
		p.root = true
		return nil
	}
	parent := p.top()
	switch t.Name.Local {
	case "sectionSchema":
		return p.section(t)
	case "attribute":
		return p.attribute(t, parent)
	case "element":
		return p.element(t, parent)
	case "collection":
		return p.collection(t, parent)
	case "enum", "flag":
		return p.value(t)
	}
	p.stack = append(p.stack, nil) // anything else (a <sectionGroup>, say) is ignored
	return nil
}

// end handles an element's end tag.
func (p *extParser) end(t xml.EndElement) {
	switch t.Name.Local {
	case "attribute":
		p.attr = nil
	case "enum", "flag", "configSchema":
		return
	}
	if len(p.stack) > 0 {
		p.stack = p.stack[:len(p.stack)-1]
	}
}

// top returns the element being read, nil in a part that is ignored.
func (p *extParser) top() *Element {
	if len(p.stack) == 0 {
		return nil
	}
	return p.stack[len(p.stack)-1]
}

// section starts a <sectionSchema>: one poolctl models is read, the others ignored.
func (p *extParser) section(t xml.StartElement) error {
	path := attrOf(t, "name")
	if path == "" {
		return errors.New("<sectionSchema> without a name")
	}
	var e *Element
	if slices.Contains(modeled, path) {
		if e = p.ext.sections[path]; e == nil {
			e = &Element{Name: path[strings.LastIndexByte(path, '/')+1:]}
			p.ext.sections[path] = e
		}
	}
	p.stack = append(p.stack, e)
	return nil
}

// element starts a child <element name="...">.
func (p *extParser) element(t xml.StartElement, parent *Element) error {
	name := attrOf(t, "name")
	if name == "" {
		return errors.New("<element> without a name")
	}
	var e *Element
	if parent != nil {
		if e = parent.Element(name); e == nil {
			e = &Element{Name: name}
			parent.Elements = append(parent.Elements, e)
		}
	}
	p.stack = append(p.stack, e)
	return nil
}

// collection starts a <collection>: what follows declares its items.
func (p *extParser) collection(t xml.StartElement, parent *Element) error {
	add := attrOf(t, "addElement")
	if add == "" {
		return errors.New("<collection> without an addElement")
	}
	var item *Element
	if parent != nil {
		if parent.Collection == nil {
			parent.Collection = &Collection{AddElement: add, RemoveElement: attrOf(t, "removeElement"),
				ClearElement: attrOf(t, "clearElement"), DefaultElement: attrOf(t, "defaultElement"),
				Item: &Element{Name: add}}
		}
		item = parent.Collection.Item
	}
	p.stack = append(p.stack, item)
	return nil
}

// attribute reads an <attribute>.
func (p *extParser) attribute(t xml.StartElement, parent *Element) error {
	p.stack = append(p.stack, nil)
	if parent == nil {
		return nil // a section poolctl does not model: its declarations are not read
	}
	a, err := extAttribute(t)
	if err != nil {
		return err
	}
	p.attr = a
	if parent.Attribute(a.Name) == nil {
		parent.Attributes = append(parent.Attributes, a)
	}
	return nil
}

// value reads an <enum> or <flag> value of the attribute being read.
func (p *extParser) value(t xml.StartElement) error {
	if p.attr == nil {
		return nil // in a section poolctl does not model, or misplaced: not read
	}
	v, err := strconv.ParseInt(attrOf(t, "value"), 0, 64)
	if err != nil {
		return fmt.Errorf("<%s name=%q>: value: %w", t.Name.Local, attrOf(t, "name"), err)
	}
	ev := EnumValue{Name: attrOf(t, "name"), Value: v}
	if t.Name.Local == "flag" {
		p.attr.Flags = append(p.attr.Flags, ev)
	} else {
		p.attr.Enum = append(p.attr.Enum, ev)
	}
	return nil
}

// extTypes are the attribute types an extension may declare, by their schema names.
var extTypes = map[string]Type{"bool": Bool, "enum": Enum, "flags": Flags, "uint": Uint, "int": Int,
	"int64": Int64, "string": String, "timeSpan": TimeSpanType}

// extAttribute returns the attribute an <attribute> declares.
func extAttribute(t xml.StartElement) (*Attribute, error) {
	name := attrOf(t, "name")
	if name == "" {
		return nil, errors.New("<attribute> without a name")
	}
	typ, ok := extTypes[attrOf(t, "type")]
	if !ok {
		return nil, fmt.Errorf("attribute %q: unknown type %q", name, attrOf(t, "type"))
	}
	a := &Attribute{Name: name, Type: typ, Required: isTrue(t, "required"), UniqueKey: isTrue(t, "isUniqueKey"),
		CombinedKey: isTrue(t, "isCombinedKey"), Encrypted: attrOf(t, "encrypted") != "",
		CaseSensitive: isTrue(t, "caseSensitive"), Expanded: isTrue(t, "expanded")}
	if d, ok := attrValue(t, "defaultValue"); ok {
		a.Default, a.HasDefault = d, true
	}
	v, err := extValidation(attrOf(t, "validationType"), attrOf(t, "validationParameter"))
	if err != nil {
		return nil, fmt.Errorf("attribute %q: %w", name, err)
	}
	a.Validation = v
	return a, nil
}

// extValidations are the validators an extension may name.
var extValidations = map[string]ValidationKind{"integerRange": IntegerRange, "timeSpanRange": TimeSpanRange,
	"applicationPoolName": ApplicationPoolName, "siteName": SiteName, "applicationPath": ApplicationPath,
	"virtualDirectoryPath": VirtualDirectoryPath, "nonEmptyString": NonEmptyString,
	"requireTrimmedString": RequireTrimmedString}

// extValidation returns the validator of validationType and its parameter ("MIN,MAX"
// or "MIN,MAX,exclude" for integerRange, "MIN,MAX,GRANULARITY" in seconds for
// timeSpanRange), nil for none. A validator poolctl does not know is not checked.
func extValidation(kind, param string) (*Validation, error) {
	k, ok := extValidations[kind]
	if !ok {
		return nil, nil
	}
	v := &Validation{Kind: k}
	if k != IntegerRange && k != TimeSpanRange {
		return v, nil
	}
	parts := strings.Split(param, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, fmt.Errorf("%s: parameter %q, want MIN,MAX[,...]", kind, param)
	}
	var err1, err2 error
	v.Min, err1 = strconv.ParseInt(strings.TrimSpace(parts[0]), 10, 64)
	v.Max, err2 = strconv.ParseInt(strings.TrimSpace(parts[1]), 10, 64)
	if err := errors.Join(err1, err2); err != nil || v.Min > v.Max {
		return nil, fmt.Errorf("%s: parameter %q, want MIN,MAX with MIN <= MAX", kind, param)
	}
	if len(parts) == 3 {
		third := strings.TrimSpace(parts[2])
		switch {
		case k == IntegerRange && third == "exclude":
			v.Exclude = true
		case k == TimeSpanRange:
			g, err := strconv.ParseInt(third, 10, 64)
			if err != nil || g <= 0 {
				return nil, fmt.Errorf("%s: granularity %q, want seconds above 0", kind, third)
			}
			v.Granularity = g
		default:
			return nil, fmt.Errorf("%s: parameter %q", kind, param)
		}
	}
	return v, nil
}

// attrOf returns the value of the XML attribute name of t, or "".
func attrOf(t xml.StartElement, name string) string {
	v, _ := attrValue(t, name)
	return v
}

// attrValue returns the value of the XML attribute name of t, and whether it is there.
func attrValue(t xml.StartElement, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// isTrue reports whether the XML attribute name of t is "true".
func isTrue(t xml.StartElement, name string) bool { return strings.EqualFold(attrOf(t, name), "true") }
