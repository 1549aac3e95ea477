// Package desired reads the desired states of `poolctl apply`: an <applicationPools>
// fragment or a whole configuration in XML, or JSON or YAML in the form `poolctl
// schema --format jsonschema` describes. Each format has its Adapter, as Caddy's
// config adapters do; JSON and YAML are checked against the schema and turned into
// the XML that `poolctl apply` converges to, written by parse.WriteElement.
package desired

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/beevik/etree"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// Format names the form of a desired state.
type Format int

// The forms of a desired state.
const (
	FormatXML Format = iota + 1
	FormatJSON
	FormatYAML
)

// String returns the format's name: "xml", "json" or "yaml".
func (f Format) String() string {
	switch f {
	case FormatXML:
		return "xml"
	case FormatJSON:
		return "json"
	case FormatYAML:
		return "yaml"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// desiredSuffix names the document that ReadDesired builds from JSON or YAML: its
// positions are in the generated XML text, not in the file the user wrote, and the name
// says so ("desired.json (as XML):3:5").
const desiredSuffix = " (as XML)"

// DetectFormat returns the format of a desired state: by the name's extension (.xml and
// .config are XML, .json JSON, .yaml and .yml YAML), else by its content: XML when the
// first character other than white space (and a byte order mark) is '<', JSON when it
// is '{', else YAML.
func DetectFormat(name string, data []byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xml", ".config":
		return FormatXML
	case ".json":
		return FormatJSON
	case ".yaml", ".yml":
		return FormatYAML
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(data, []byte(desiredBOM)), " \t\r\n")
	switch {
	case bytes.HasPrefix(text, []byte("<")):
		return FormatXML
	case bytes.HasPrefix(text, []byte("{")):
		return FormatJSON
	}
	return FormatYAML
}

// desiredBOM is UTF-8's byte order mark.
const desiredBOM = "\xEF\xBB\xBF"

// Adapter reads a desired state in one format: the document that holds it and its
// <applicationPools> element (see Read).
type Adapter interface {
	Read(name string, data []byte, s *schema.Schema) (*parse.Document, *etree.Element, error)
}

// AdapterFor returns the adapter of format f: XML is read as it is; JSON and YAML are
// decoded, checked against the schema's JSON Schema and written as XML.
func AdapterFor(f Format) Adapter {
	return adapterFor(f, nil)
}

// adapterFor is AdapterFor with the compiler of the JSON Schema: nil compiles it on
// each read (which costs milliseconds; the fuzz targets compile once).
func adapterFor(f Format, compile func(*schema.Schema) (*jsonschema.Schema, error)) Adapter {
	if compile == nil {
		compile = compileDesiredSchema
	}
	switch f {
	case FormatXML:
		return xmlAdapter{}
	case FormatJSON:
		return treeAdapter{decode: decodeDesiredJSON, compile: compile}
	}
	return treeAdapter{decode: decodeDesiredYAML, compile: compile}
}

// Read reads a desired state for `poolctl apply` in the format DetectFormat finds,
// through that format's Adapter,
// and returns the document that holds it and its <applicationPools> element, whose
// children are <applicationPoolDefaults> (optional) and one <add name="..."> per pool,
// with child elements and collection items as in applicationHost.config.
//
// XML is an <applicationPools> fragment, whose root is the element returned, or a whole
// applicationHost.config, whose first server-level applicationPools section is returned
// (inside <location path=""> too, and followed through configSource, when the returned
// document is the file it names). XML values are not checked against s: the planner
// does that. JSON and YAML are validated against s.JSONSchema() and turned into XML; the
// returned document is then read from the generated text and named after name with
// " (as XML)" appended, so positions inside it are positions in the generated text. All
// errors in the user's JSON or YAML are found before the conversion, and the generated
// text is well-formed by construction.
//
// For every format, each pool must be named, and no two pools may share a name (IIS
// compares pool names without regard to case). Syntax errors, schema violations and
// these checks are reported as a *parse.Error at the file, line and column of the
// offending value in the user's input (YAML syntax errors carry only a line: yaml.v3
// reports no column).
func Read(name string, data []byte, s *schema.Schema) (*parse.Document, *etree.Element, error) {
	return read(name, data, s, nil)
}

// read is Read with the compiler of adapterFor.
func read(name string, data []byte, s *schema.Schema, compile func(*schema.Schema) (*jsonschema.Schema, error)) (*parse.Document, *etree.Element, error) {
	if len(bytes.TrimLeft(bytes.TrimPrefix(data, []byte(desiredBOM)), " \t\r\n")) == 0 {
		return nil, nil, &parse.Error{Pos: parse.Pos{File: name, Line: 1, Col: 1}, Msg: "empty desired state"}
	}
	return adapterFor(DetectFormat(name, data), compile).Read(name, data, s)
}

// treeAdapter reads JSON or YAML: decode turns the text into a desiredTree with
// positions, which is checked against the JSON Schema that compile makes and written
// as XML.
type treeAdapter struct {
	decode  func(name string, data []byte) (*desiredTree, error)
	compile func(*schema.Schema) (*jsonschema.Schema, error)
}

// Read decodes, checks and writes the desired state as XML.
func (a treeAdapter) Read(name string, data []byte, s *schema.Schema) (*parse.Document, *etree.Element, error) {
	t, err := a.decode(name, data)
	if err != nil {
		return nil, nil, err
	}
	if err := t.check(s, func() (*jsonschema.Schema, error) { return a.compile(s) }); err != nil {
		return nil, nil, err
	}
	return t.document(s)
}
