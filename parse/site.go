package parse

import (
	"strings"

	"github.com/beevik/etree"
)

// Site is one <site> of the sites section.
type Site struct {
	Name            string
	ID              string
	ServerAutoStart bool
	Element         *etree.Element
	Doc             *Document
	Bindings        []Binding
	Applications    []*Application
}

// Pos returns the position of the <site> element.
func (s *Site) Pos() Pos { return s.Doc.Pos(s.Element) }

// Binding is one <binding> of a site.
type Binding struct {
	Protocol string
	// Information is bindingInformation: "IP:port:host" for http and https.
	Information string
	Element     *etree.Element
	Doc         *Document
}

// Pos returns the position of the <binding> element.
func (b Binding) Pos() Pos { return b.Doc.Pos(b.Element) }

// PoolOrigin says where an application's pool name comes from.
type PoolOrigin int

// The places an application's pool can be named, strongest first.
const (
	// PoolFromApplication is the application's own applicationPool attribute.
	PoolFromApplication PoolOrigin = iota
	// PoolFromSiteDefaults is the site's <applicationDefaults>.
	PoolFromSiteDefaults
	// PoolFromSitesDefaults is <sites><applicationDefaults>.
	PoolFromSitesDefaults
	// PoolUnset means no level names a pool.
	PoolUnset
)

// String describes the origin for messages.
func (o PoolOrigin) String() string {
	return [...]string{"application", "site applicationDefaults", "sites applicationDefaults", "unset"}[o]
}

// Application is one <application> of a site with the pool it runs in.
type Application struct {
	Site    *Site
	Path    string
	Element *etree.Element
	Doc     *Document
	// Pool is the name of the application's pool, and PoolOrigin says where it is
	// written.
	Pool       string
	PoolOrigin PoolOrigin
	// poolElem is the element whose applicationPool attribute names the pool.
	poolElem *etree.Element
	// VirtualDirectories are the application's virtual directories in order.
	VirtualDirectories []VirtualDirectory
}

// Pos returns the position of the <application> element.
func (a *Application) Pos() Pos { return a.Doc.Pos(a.Element) }

// PoolPos returns where the application's pool is named (the value of the
// applicationPool attribute), or the zero Pos when PoolOrigin is PoolUnset.
func (a *Application) PoolPos() Pos {
	if a.poolElem == nil {
		return Pos{}
	}
	p, _ := a.Doc.AttrValuePos(a.poolElem, "applicationPool")
	return p
}

// PhysicalPath returns the physical path of the application's root virtual directory
// ("/"), as written (environment variables unexpanded), or "".
func (a *Application) PhysicalPath() string {
	for _, v := range a.VirtualDirectories {
		if v.Path == "/" {
			return v.PhysicalPath
		}
	}
	return ""
}

// VirtualDirectory is one <virtualDirectory> of an application.
type VirtualDirectory struct {
	Path         string
	PhysicalPath string
	Element      *etree.Element
	Doc          *Document
}

// Pos returns the position of the <virtualDirectory> element.
func (v VirtualDirectory) Pos() Pos { return v.Doc.Pos(v.Element) }

// Sites returns the sites of the server-level sites sections, in document order.
func (c *Config) Sites() []*Site { return c.siteList }

// Site returns the site with the given name (compared case-insensitively), or nil.
func (c *Config) Site(name string) *Site {
	for _, s := range c.siteList {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// Applications returns every application of every site.
func (c *Config) Applications() []*Application {
	var out []*Application
	for _, s := range c.siteList {
		out = append(out, s.Applications...)
	}
	return out
}

func (c *Config) resolveSites() {
	for _, ref := range c.sites {
		var sitesDefaults *etree.Element
		for e := range ref.Element.ChildElementsSeq() {
			if e.FullTag() == "applicationDefaults" {
				sitesDefaults = e
			}
		}
		for e := range ref.Element.ChildElementsSeq() {
			if e.FullTag() == "site" {
				c.siteList = append(c.siteList, newSite(e, ref.Doc, sitesDefaults))
			}
		}
	}
}

func newSite(e *etree.Element, doc *Document, sitesDefaults *etree.Element) *Site {
	s := &Site{
		Name:            attrOr(e, "name", ""),
		ID:              attrOr(e, "id", ""),
		ServerAutoStart: !strings.EqualFold(attrOr(e, "serverAutoStart", "true"), "false"),
		Element:         e,
		Doc:             doc,
	}
	var siteDefaults *etree.Element
	for child := range e.ChildElementsSeq() {
		switch child.FullTag() {
		case "bindings":
			s.Bindings = bindings(child, doc)
		case "applicationDefaults":
			siteDefaults = child
		}
	}
	for child := range e.ChildElementsSeq() {
		if child.FullTag() == "application" {
			s.Applications = append(s.Applications, s.newApplication(child, siteDefaults, sitesDefaults))
		}
	}
	return s
}

func bindings(e *etree.Element, doc *Document) []Binding {
	var out []Binding
	for b := range e.ChildElementsSeq() {
		switch b.FullTag() {
		case "binding":
			out = append(out, Binding{
				Protocol:    attrOr(b, "protocol", ""),
				Information: attrOr(b, "bindingInformation", ""),
				Element:     b,
				Doc:         doc,
			})
		case "clear":
			out = nil
		}
	}
	return out
}

func (s *Site) newApplication(e, siteDefaults, sitesDefaults *etree.Element) *Application {
	app := &Application{Site: s, Path: attrOr(e, "path", ""), Element: e, Doc: s.Doc, PoolOrigin: PoolUnset}
	for _, src := range []struct {
		elem   *etree.Element
		origin PoolOrigin
	}{{e, PoolFromApplication}, {siteDefaults, PoolFromSiteDefaults}, {sitesDefaults, PoolFromSitesDefaults}} {
		if src.elem == nil {
			continue
		}
		pool, ok := Attr(src.elem, "applicationPool")
		if !ok {
			continue
		}
		app.Pool = pool
		app.PoolOrigin = src.origin
		app.poolElem = src.elem
		break
	}
	for v := range Children(e, "virtualDirectory") {
		app.VirtualDirectories = append(app.VirtualDirectories, VirtualDirectory{
			Path:         attrOr(v, "path", ""),
			PhysicalPath: attrOr(v, "physicalPath", ""),
			Element:      v,
			Doc:          s.Doc,
		})
	}
	return app
}
