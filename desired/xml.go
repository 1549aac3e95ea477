package desired

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/poolctl/poolctl/internal/excerpt"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// xmlAdapter reads an <applicationPools> fragment or a whole configuration.
type xmlAdapter struct{}

// Read reads the XML and finds its <applicationPools> section.
func (xmlAdapter) Read(name string, data []byte, s *schema.Schema) (*parse.Document, *etree.Element, error) {
	doc, err := parse.ReadBytes(name, data, parse.Options{})
	if err != nil {
		return nil, nil, err
	}
	sec := doc.Root()
	switch sec.FullTag() {
	case "applicationPools":
	case "configuration":
		cfg, err := parse.FromDocument(doc, parse.LoadOptions{Version: s.Version, Extensions: s.Extensions()})
		if err != nil {
			return nil, nil, err
		}
		refs := cfg.PoolSections()
		if len(refs) == 0 {
			return nil, nil, &parse.Error{Pos: doc.Pos(sec), Kind: parse.ErrRoot,
				Msg: "<configuration> has no server-level <system.applicationHost><applicationPools> section"}
		}
		doc, sec = refs[0].Doc, refs[0].Element
	default:
		return nil, nil, &parse.Error{Pos: doc.Pos(sec), Kind: parse.ErrRoot,
			Msg: fmt.Sprintf("root element is <%s>, want <applicationPools> (or a whole <configuration>)", sec.FullTag())}
	}
	if err := checkDesiredXML(doc, sec); err != nil {
		return nil, nil, err
	}
	return doc, sec, nil
}

// checkDesiredXML checks that the section's children are <applicationPoolDefaults> and
// named <add> elements, no two with the same name.
func checkDesiredXML(doc *parse.Document, sec *etree.Element) error {
	seen := map[string]parse.Pos{}
	for c := range sec.ChildElementsSeq() {
		switch c.FullTag() {
		case "applicationPoolDefaults":
		case "add":
			name, _ := parse.Attr(c, "name")
			if name == "" {
				return &parse.Error{Pos: doc.Pos(c), Msg: `<add> has no name: every pool of a desired state needs name="..."`}
			}
			pos, _ := doc.AttrValuePos(c, "name")
			if err := desiredDuplicate(seen, name, pos); err != nil {
				return err
			}
		default:
			return &parse.Error{Pos: doc.Pos(c),
				Msg: fmt.Sprintf(`unexpected <%s> in <applicationPools>: a desired state holds <applicationPoolDefaults> and <add name="..."> elements`, c.FullTag())}
		}
	}
	return nil
}

// desiredDuplicate records the pool name at pos in seen and reports a pool named
// before, as IIS compares names: without regard to case.
func desiredDuplicate(seen map[string]parse.Pos, name string, pos parse.Pos) error {
	key := strings.ToLower(name)
	if first, ok := seen[key]; ok {
		return &parse.Error{Pos: pos, Msg: fmt.Sprintf("pool %q is named twice (first at %d:%d)", excerpt.String(name), first.Line, first.Col)}
	}
	seen[key] = pos
	return nil
}
