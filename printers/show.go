package printers

import (
	"strings"

	"github.com/poolctl/poolctl/parse"
)

// ShowPool is what poolctl show prints about one pool, in the order it prints it:
// plain data that NewShowPool gathers and WriteShowText and WriteShowJSON write.
type ShowPool struct {
	Name     string
	Position string
	Settings []ShowSetting
	// Collections are the pool's collections in schema order; empty ones only when
	// show prints everything.
	Collections  []ShowCollection
	Applications []ShowApplication
}

// ShowSetting is one effective setting of a pool.
type ShowSetting struct {
	Path     string
	Value    string
	Origin   string
	Position string // "" for a schema default
}

// ShowCollection is one collection of a pool with its effective items.
type ShowCollection struct {
	Path  string
	Items []ShowItem
}

// ShowItem is one effective item of a collection.
type ShowItem struct {
	Key      string
	Origin   string
	Position string
}

// ShowApplication is one application that runs in a pool.
type ShowApplication struct {
	// Name is the site's name followed by the application's path: "Shop/api".
	Name string
	// Via says where the application's pool is named when that is not the
	// application itself, such as "site applicationDefaults"; else "".
	Via string
}

// Values printed in place of an encrypted attribute's value: Hidden when it is set,
// and unset when it is not.
const (
	Hidden     = "(set, hidden)"
	unsetValue = "(not set)"
)

// NewShowPool gathers what show prints about p: the settings that cfg sets for it
// (every setting when all is true) but its name, its collections and the applications
// that use it.
func NewShowPool(cfg *parse.Config, p *parse.Pool, all bool) ShowPool {
	v := ShowPool{Name: p.Name, Position: p.Pos().String()}
	for _, s := range p.Settings() {
		if s.Attr.UniqueKey || (s.Origin == parse.FromSchema && !all) {
			// The key, the pool's name, heads the pool already.
			continue
		}
		v.Settings = append(v.Settings, ShowSetting{
			Path:     s.Path,
			Value:    settingValue(s),
			Origin:   s.Origin.String(),
			Position: posText(s.Pos()),
		})
	}
	for _, path := range p.CollectionPaths() {
		items, _ := p.Collection(path)
		if len(items) == 0 && !all {
			continue
		}
		c := ShowCollection{Path: path, Items: []ShowItem{}}
		for _, it := range items {
			c.Items = append(c.Items, ShowItem{Key: it.Key, Origin: it.Origin.String(), Position: it.Pos().String()})
		}
		v.Collections = append(v.Collections, c)
	}
	for _, app := range cfg.Applications() {
		if app.PoolOrigin == parse.PoolUnset || !strings.EqualFold(app.Pool, p.Name) {
			continue
		}
		a := ShowApplication{Name: app.Site.Name + app.Path}
		if app.PoolOrigin != parse.PoolFromApplication {
			a.Via = app.PoolOrigin.String()
		}
		v.Applications = append(v.Applications, a)
	}
	return v
}

// settingValue returns the text show prints for a setting's value. An encrypted
// attribute's value is never printed, not even its encrypted form.
func settingValue(s parse.Setting) string {
	if !s.Attr.Encrypted {
		return s.Text
	}
	if s.Origin == parse.FromSchema {
		return unsetValue
	}
	return Hidden
}

// posText returns a position as "file:line:col", or "" for the zero position of a
// schema default.
func posText(p parse.Pos) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}
