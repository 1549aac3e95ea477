package printers

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/poolctl/poolctl/apply"

	"github.com/poolctl/poolctl/parse"
)

// diffJSON is the JSON form of an apply.Difference.
type diffJSON struct {
	A        string          `json:"a"`
	B        string          `json:"b"`
	Compare  string          `json:"compare"`
	Equal    bool            `json:"equal"`
	Defaults *diffEntryJSON  `json:"defaults"`
	Pools    []diffEntryJSON `json:"pools"`
}

// diffEntryJSON is the JSON form of an apply.EntryDiff; A and B are null where the file has
// no such entry.
type diffEntryJSON struct {
	Name       string         `json:"name"`
	Change     string         `json:"change"`
	A          *diffPosJSON   `json:"a"`
	B          *diffPosJSON   `json:"b"`
	Attributes []diffAttrJSON `json:"attributes"`
	Items      []diffItemJSON `json:"items"`
}

// diffPosJSON is a position in a file.
type diffPosJSON struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// diffAttrJSON is the JSON form of an apply.AttrDiff. Old and OriginA are left out for an
// added entry or item, New and OriginB for a removed one, and Old and New for a secret;
// A and B are null for a schema default.
type diffAttrJSON struct {
	Path    string       `json:"path"`
	Old     *string      `json:"old,omitempty"`
	New     *string      `json:"new,omitempty"`
	Secret  bool         `json:"secret"`
	OriginA string       `json:"originA,omitempty"`
	OriginB string       `json:"originB,omitempty"`
	A       *diffPosJSON `json:"a"`
	B       *diffPosJSON `json:"b"`
}

// diffItemJSON is the JSON form of an apply.ItemDiff; Directive is left out for an add item,
// OriginA for an added item and OriginB for a removed one.
type diffItemJSON struct {
	Collection string         `json:"collection"`
	Key        string         `json:"key"`
	Directive  string         `json:"directive,omitempty"`
	Change     string         `json:"change"`
	OriginA    string         `json:"originA,omitempty"`
	OriginB    string         `json:"originB,omitempty"`
	A          *diffPosJSON   `json:"a"`
	B          *diffPosJSON   `json:"b"`
	Attributes []diffAttrJSON `json:"attributes"`
}

// WriteDiffJSON writes d as one indented JSON object with a final newline:
// {"a", "b", "compare" ("effective" or "declared"), "equal", "defaults", "pools"}; each
// attribute and item says where each side's value comes from ("originA", "originB":
// "pool", "applicationPoolDefaults" or "default"). Lists are never null; encrypted
// values are never written, not even as an "old" or "new" field.
func WriteDiffJSON(w io.Writer, d *apply.Difference) error {
	doc := diffJSON{A: d.A, B: d.B, Compare: "effective", Equal: d.Equal(), Pools: make([]diffEntryJSON, 0, len(d.Pools))}
	if d.Declared {
		doc.Compare = "declared"
	}
	if d.Defaults != nil {
		e := newDiffEntryJSON(d.Defaults)
		doc.Defaults = &e
	}
	for i := range d.Pools {
		doc.Pools = append(doc.Pools, newDiffEntryJSON(&d.Pools[i]))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

func newDiffEntryJSON(e *apply.EntryDiff) diffEntryJSON {
	out := diffEntryJSON{
		Name:       e.Name,
		Change:     e.Change.String(),
		A:          newDiffPosJSON(e.PosA),
		B:          newDiffPosJSON(e.PosB),
		Attributes: newDiffAttrsJSON(e.Attrs, e.Change),
		Items:      make([]diffItemJSON, 0, len(e.Items)),
	}
	for _, it := range e.Items {
		oa, ob := diffOriginsJSON(it.Change, it.OriginA, it.OriginB)
		out.Items = append(out.Items, diffItemJSON{
			Collection: it.Collection,
			Key:        it.Key,
			Directive:  it.Directive,
			Change:     it.Change.String(),
			OriginA:    oa,
			OriginB:    ob,
			A:          newDiffPosJSON(it.PosA),
			B:          newDiffPosJSON(it.PosB),
			Attributes: newDiffAttrsJSON(it.Attrs, it.Change),
		})
	}
	return out
}

// newDiffAttrsJSON converts the attributes of an entry or item of kind k.
func newDiffAttrsJSON(attrs []apply.AttrDiff, k apply.DiffKind) []diffAttrJSON {
	out := make([]diffAttrJSON, 0, len(attrs))
	for _, a := range attrs {
		aj := diffAttrJSON{Path: a.Path, Secret: a.Secret, A: newDiffPosJSON(a.PosA), B: newDiffPosJSON(a.PosB)}
		aj.OriginA, aj.OriginB = diffOriginsJSON(k, a.OriginA, a.OriginB)
		if !a.Secret && k != apply.DiffAdded {
			aj.Old = &a.Old
		}
		if !a.Secret && k != apply.DiffRemoved {
			aj.New = &a.New
		}
		out = append(out, aj)
	}
	return out
}

// diffOriginsJSON returns the origins of the sides that an entry or item of kind k has,
// "" for the side that lacks it.
func diffOriginsJSON(k apply.DiffKind, oa, ob parse.Origin) (a, b string) {
	if k != apply.DiffAdded {
		a = oa.String()
	}
	if k != apply.DiffRemoved {
		b = ob.String()
	}
	return a, b
}

// newDiffPosJSON returns p in JSON form, or nil for the zero position.
func newDiffPosJSON(p parse.Pos) *diffPosJSON {
	if !p.IsValid() {
		return nil
	}
	return &diffPosJSON{File: p.File, Line: p.Line, Column: p.Col}
}
