package apply

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/poolctl/poolctl/parse"
)

// diffJSON is the JSON form of a Difference.
type diffJSON struct {
	A        string          `json:"a"`
	B        string          `json:"b"`
	Equal    bool            `json:"equal"`
	Defaults *diffEntryJSON  `json:"defaults"`
	Pools    []diffEntryJSON `json:"pools"`
}

// diffEntryJSON is the JSON form of an EntryDiff; A and B are null where the file has
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

// diffAttrJSON is the JSON form of an AttrDiff. Old is left out for an added entry or
// item, New for a removed one, and both for a secret; A and B are null for a schema
// default.
type diffAttrJSON struct {
	Path   string       `json:"path"`
	Old    *string      `json:"old,omitempty"`
	New    *string      `json:"new,omitempty"`
	Secret bool         `json:"secret"`
	A      *diffPosJSON `json:"a"`
	B      *diffPosJSON `json:"b"`
}

// diffItemJSON is the JSON form of an ItemDiff; Directive is left out for an add item.
type diffItemJSON struct {
	Collection string         `json:"collection"`
	Key        string         `json:"key"`
	Directive  string         `json:"directive,omitempty"`
	Change     string         `json:"change"`
	A          *diffPosJSON   `json:"a"`
	B          *diffPosJSON   `json:"b"`
	Attributes []diffAttrJSON `json:"attributes"`
}

// WriteDiffJSON writes d as one indented JSON object with a final newline:
// {"a", "b", "equal", "defaults", "pools"}. Lists are never null; encrypted values are
// never written, not even as an "old" or "new" field.
func WriteDiffJSON(w io.Writer, d *Difference) error {
	doc := diffJSON{A: d.A, B: d.B, Equal: d.Equal(), Pools: make([]diffEntryJSON, 0, len(d.Pools))}
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

func newDiffEntryJSON(e *EntryDiff) diffEntryJSON {
	out := diffEntryJSON{
		Name:       e.Name,
		Change:     e.Change.String(),
		A:          newDiffPosJSON(e.PosA),
		B:          newDiffPosJSON(e.PosB),
		Attributes: newDiffAttrsJSON(e.Attrs, e.Change),
		Items:      make([]diffItemJSON, 0, len(e.Items)),
	}
	for _, it := range e.Items {
		out.Items = append(out.Items, diffItemJSON{
			Collection: it.Collection,
			Key:        it.Key,
			Directive:  it.Directive,
			Change:     it.Change.String(),
			A:          newDiffPosJSON(it.PosA),
			B:          newDiffPosJSON(it.PosB),
			Attributes: newDiffAttrsJSON(it.Attrs, it.Change),
		})
	}
	return out
}

// newDiffAttrsJSON converts the attributes of an entry or item of kind k.
func newDiffAttrsJSON(attrs []AttrDiff, k DiffKind) []diffAttrJSON {
	out := make([]diffAttrJSON, 0, len(attrs))
	for _, a := range attrs {
		aj := diffAttrJSON{Path: a.Path, Secret: a.Secret, A: newDiffPosJSON(a.PosA), B: newDiffPosJSON(a.PosB)}
		if !a.Secret && k != DiffAdded {
			aj.Old = &a.Old
		}
		if !a.Secret && k != DiffRemoved {
			aj.New = &a.New
		}
		out = append(out, aj)
	}
	return out
}

// newDiffPosJSON returns p in JSON form, or nil for the zero position.
func newDiffPosJSON(p parse.Pos) *diffPosJSON {
	if !p.IsValid() {
		return nil
	}
	return &diffPosJSON{File: p.File, Line: p.Line, Column: p.Col}
}
