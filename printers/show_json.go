package printers

import (
	"encoding/json"
	"io"
)

// showJSON is the whole of "poolctl show --format json".
type showJSON struct {
	Pools []poolJSON `json:"pools"`
}

// poolJSON is one pool in show's JSON form.
type poolJSON struct {
	Name     string        `json:"name"`
	Position string        `json:"position"`
	Settings []settingJSON `json:"settings"`
	// Collections maps a collection's element path, such as
	// "recycling.periodicRestart.schedule", to its effective items.
	Collections  map[string][]itemJSON `json:"collections"`
	Applications []string              `json:"applications"`
}

// settingJSON is one setting in show's JSON form; Position is left out for a schema
// default.
type settingJSON struct {
	Path     string `json:"path"`
	Value    string `json:"value"`
	Origin   string `json:"origin"`
	Position string `json:"position,omitempty"`
}

// itemJSON is one collection item in show's JSON form.
type itemJSON struct {
	Key      string `json:"key"`
	Origin   string `json:"origin"`
	Position string `json:"position"`
}

// WriteShowJSON writes pools in show's JSON form, indented, with a final newline.
// Lists are never null: a pool without applications has "applications": [].
func WriteShowJSON(w io.Writer, pools []ShowPool) error {
	doc := showJSON{Pools: make([]poolJSON, 0, len(pools))}
	for _, p := range pools {
		pj := poolJSON{
			Name:         p.Name,
			Position:     p.Position,
			Settings:     make([]settingJSON, 0, len(p.Settings)),
			Collections:  make(map[string][]itemJSON, len(p.Collections)),
			Applications: make([]string, 0, len(p.Applications)),
		}
		for _, s := range p.Settings {
			pj.Settings = append(pj.Settings, settingJSON(s))
		}
		for _, c := range p.Collections {
			items := make([]itemJSON, 0, len(c.Items))
			for _, it := range c.Items {
				items = append(items, itemJSON(it))
			}
			pj.Collections[c.Path] = items
		}
		for _, a := range p.Applications {
			pj.Applications = append(pj.Applications, a.Name)
		}
		doc.Pools = append(doc.Pools, pj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
