package main

import (
	"strings"

	"github.com/poolctl/poolctl/parse"
)

// poolView is what show prints about one pool, in the order it prints it.
type poolView struct {
	name     string
	position string
	settings []settingView
	// collections are the pool's collections in schema order; empty ones only when
	// show prints everything.
	collections  []collectionView
	applications []applicationView
}

// settingView is one effective setting of a pool.
type settingView struct {
	path     string
	value    string
	origin   string
	position string // "" for a schema default
}

// collectionView is one collection of a pool with its effective items.
type collectionView struct {
	path  string
	items []itemView
}

// itemView is one effective item of a collection.
type itemView struct {
	key      string
	origin   string
	position string
}

// applicationView is one application that runs in a pool.
type applicationView struct {
	// name is the site's name followed by the application's path: "Shop/api".
	name string
	// via says where the application's pool is named when that is not the
	// application itself, such as "site applicationDefaults"; else "".
	via string
}

// Values printed in place of an encrypted attribute's value.
const (
	hiddenValue = "(set, hidden)"
	unsetValue  = "(not set)"
)

// newPoolView gathers what show prints about p: the settings that cfg sets for it
// (every setting when all is true) but its name, its collections and the applications
// that use it.
func newPoolView(cfg *parse.Config, p *parse.Pool, all bool) poolView {
	v := poolView{name: p.Name, position: p.Pos().String()}
	for _, s := range p.Settings() {
		if s.Attr.UniqueKey || (s.Origin == parse.FromSchema && !all) {
			// The key, the pool's name, heads the pool already.
			continue
		}
		v.settings = append(v.settings, settingView{
			path:     s.Path,
			value:    settingValue(s),
			origin:   s.Origin.String(),
			position: posText(s.Pos()),
		})
	}
	for _, path := range p.CollectionPaths() {
		items, _ := p.Collection(path)
		if len(items) == 0 && !all {
			continue
		}
		c := collectionView{path: path, items: []itemView{}}
		for _, it := range items {
			c.items = append(c.items, itemView{key: it.Key, origin: it.Origin.String(), position: it.Pos().String()})
		}
		v.collections = append(v.collections, c)
	}
	for _, app := range cfg.Applications() {
		if app.PoolOrigin == parse.PoolUnset || !strings.EqualFold(app.Pool, p.Name) {
			continue
		}
		a := applicationView{name: app.Site.Name + app.Path}
		if app.PoolOrigin != parse.PoolFromApplication {
			a.via = app.PoolOrigin.String()
		}
		v.applications = append(v.applications, a)
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
	return hiddenValue
}

// posText returns a position as "file:line:col", or "" for the zero position of a
// schema default.
func posText(p parse.Pos) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}
