package parse

import (
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/schema"
)

// locationSection is a system.webServer/aspNetCore element and the <location> path it
// applies to ("" for the server level).
type locationSection struct {
	path string
	elem *etree.Element
	doc  *Document
}

func (c *Config) addWebServer(group *etree.Element, path string) {
	for e := range Children(group, "aspNetCore") {
		c.webSrv = append(c.webSrv, &locationSection{path: strings.Trim(path, "/"), elem: e, doc: c.Doc})
	}
}

// AspNetCore is the effective system.webServer/aspNetCore configuration of one URL path
// as applicationHost.config gives it: every <location> whose path is the URL path or
// one of its parents contributes, the deeper one winning attribute by attribute.
type AspNetCore struct {
	// Settings holds every attribute of the section with its effective text. Origin is
	// FromSchema for defaults and FromPool for a value some <location> sets.
	Settings []Setting
	// EnvironmentVariables are the effective <environmentVariable> items.
	EnvironmentVariables []Item
	// Found reports whether any location sets the section at all.
	Found bool
}

// Setting returns the effective setting of the named attribute.
func (a *AspNetCore) Setting(name string) (Setting, bool) {
	for _, s := range a.Settings {
		if s.Path == name {
			return s, true
		}
	}
	return Setting{}, false
}

// AspNetCoreFor returns the effective aspNetCore section of a location path such as
// "Default Web Site/api" (site name, then the application path). Location paths compare
// case-insensitively, segment by segment, as IIS compares them.
func (c *Config) AspNetCoreFor(locationPath string) *AspNetCore {
	out := &AspNetCore{}
	sec := c.Schema.Section(schema.AspNetCorePath)
	if sec == nil {
		return out
	}
	var ls []layer
	for depth := 0; depth <= strings.Count(locationPath, "/")+1; depth++ {
		for _, l := range c.webSrv {
			if segments(l.path) == depth && pathCovers(l.path, locationPath) {
				ls = append(ls, layer{elem: l.elem, doc: l.doc, origin: FromPool})
			}
		}
	}
	out.Found = len(ls) > 0
	for _, a := range sec.Root.Attributes {
		out.Settings = append(out.Settings, resolve(a, a.Name, ls))
	}
	if ev := sec.Root.Element("environmentVariables"); ev != nil {
		for _, l := range descend(ls, []string{"environmentVariables"}) {
			if l.elem != nil {
				out.EnvironmentVariables = applyDirectives(out.EnvironmentVariables, ev.Collection, []*schema.Attribute{ev.Collection.Item.Attribute("name")}, l)
			}
		}
	}
	return out
}

func segments(path string) int {
	if path == "" {
		return 0
	}
	return strings.Count(path, "/") + 1
}

// pathCovers reports whether location path loc is path itself or one of its parents.
func pathCovers(loc, path string) bool {
	loc, path = strings.Trim(loc, "/"), strings.Trim(path, "/")
	if loc == "" {
		return true
	}
	if len(path) < len(loc) || !strings.EqualFold(path[:len(loc)], loc) {
		return false
	}
	return len(path) == len(loc) || path[len(loc)] == '/'
}
