package convert

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse/metabase"
	"github.com/poolctl/poolctl/schema"
)

// The IIS 6 facts the site conversion relies on, from the IIS 6.0 SDK and the Windows
// Server 2003 metabase reference:
//
//   - A web site is an IIsWebServer key /LM/W3SVC/n; n is its number (IIS 7+'s site
//     id), ServerComment its name, ServerBindings ("IP:Port:Hostname", MULTISZ,
//     NO_ATTRIBUTES) and SecureBindings ("IP:Port", NO_ATTRIBUTES) its bindings, an
//     empty IP meaning all addresses.
//   - Its content starts at the IIsWebVirtualDir key /LM/W3SVC/n/ROOT, always an
//     application; a virtual directory or directory below it is an application when it
//     has its own AppRoot. A virtual directory's Path is its physical path.
//   - AppPoolId (INHERIT) names an application's pool: "If an AppPoolId is not
//     specified for a particular application, the application inherits the AppPoolId
//     from a parent key ..., from the site level, or from the WWW service level. If no
//     valid AppPoolId is available through inheritance, the application pool fails."
//     Its Internal Default is DefaultAppPool.

// defaultAppPoolID is AppPoolId's Internal Default.
const defaultAppPoolID = "DefaultAppPool"

// site is a web site of the metabase.
type site struct {
	key       *metabase.Key
	id, name  string
	autoStart string // "false" when ServerAutoStart is FALSE, else ""
	bindings  [][2]string
	apps      []*app
}

// app is an application of a site.
type app struct {
	key          *metabase.Key
	path         string
	physicalPath string
	pool         string      // "" for an application left out
	vdirs        [][2]string // path, physical path
}

// sites converts the web sites that have a root application whose pool exists; the
// others are reported and left out. It returns nil when there are none.
func (c *converter) sites() *etree.Element {
	taken := map[string]bool{}
	var out []*site
	for _, k := range c.mb.KeysOfType("IIsWebServer") {
		if !strings.EqualFold(metabase.Parent(k.Location), "/LM/W3SVC") {
			continue
		}
		if _, err := strconv.ParseUint(k.Name(), 10, 32); err != nil {
			c.warn(k.LocationPos, "IIsWebServer %q: a site's key is its number: not converted", k.Location)
			c.siteGone(k, k.Location)
			continue
		}
		s := &site{key: k, id: k.Name(), name: c.siteName(k, taken), bindings: c.bindings(k)}
		if p, ok := c.prop(k, "ServerAutoStart"); ok {
			if b, err := convertBool(p.Value); err == nil && b.text == "false" {
				s.autoStart = "false"
			}
		}
		entry := SiteEntry{Pos: k.Pos, ID: s.id, Name: s.name}
		if reason := c.applications(s); reason != "" {
			entry.Reason = reason
			c.warn(k.Pos, "site %q: %s", s.name, reason)
			c.siteGone(k, s.name)
		} else {
			entry.Converted = true
			c.siteKeys[k], c.siteNames[k] = true, s.name
			out = append(out, s)
		}
		c.report.Sites = append(c.report.Sites, entry)
	}
	if len(out) == 0 {
		return nil
	}
	return sitesElement(out)
}

// siteGone records the site at key k, which a warning names, as not converted: the
// keys below it are reported as part of it.
func (c *converter) siteGone(k *metabase.Key, name string) {
	c.useAll(k)
	for _, below := range c.mb.Under(k.Location) {
		c.goneSite[below] = name
	}
}

// siteName returns the site's IIS 7+ name: its ServerComment, with the characters
// IIS 7+ forbids replaced by '-', made unique; "Site n" without one.
func (c *converter) siteName(k *metabase.Key, taken map[string]bool) string {
	orig := ""
	if p, ok := c.prop(k, "ServerComment"); ok {
		orig = strings.TrimSpace(p.Value)
	}
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '?' {
			return '-'
		}
		return r
	}, orig)
	if name == "" {
		name = "Site " + k.Name()
	}
	name = unique(name, taken)
	if name != orig {
		reason := "another site has this name (IIS 7+ site names are unique)"
		switch {
		case orig == "":
			reason = "no ServerComment: named after the site's number"
		case strings.ContainsAny(orig, "/?"):
			reason = "'/' and '?' are not allowed in IIS 7+ site names"
		}
		c.report.add(Renamed, Entry{Pos: k.LocationPos, Site: name, Value: orig, NewValue: name, Reason: reason})
	}
	return name
}

// bindings returns the site's http and https bindings as protocol and
// bindingInformation ("IP:Port:Host", "*" for all addresses).
func (c *converter) bindings(k *metabase.Key) [][2]string {
	var out [][2]string
	seen := map[string]bool{}
	for _, b := range []struct{ prop, protocol string }{{"ServerBindings", "http"}, {"SecureBindings", "https"}} {
		p, ok := c.prop(k, b.prop)
		if !ok {
			continue
		}
		for _, line := range p.Lines() {
			info, ok := bindingInfo(line, b.protocol == "https")
			if !ok {
				c.warn(p.ValuePos, "site %q: %s %q is not IP:Port:Hostname: not converted", k.Location, b.prop, line)
				continue
			}
			if key := b.protocol + " " + strings.ToLower(info); !seen[key] {
				seen[key] = true
				out = append(out, [2]string{b.protocol, info})
			}
		}
	}
	return out
}

// bindingInfo turns a ServerBindings or SecureBindings string into IIS 7+'s
// bindingInformation. A secure binding has no host name.
func bindingInfo(s string, secure bool) (string, bool) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 2 {
		return "", false
	}
	ip, port, host := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1]), ""
	if len(parts) == 3 && !secure {
		host = strings.TrimSpace(parts[2])
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '+' {
		return "", false
	}
	if ip == "" {
		ip = "*"
	}
	return ip + ":" + port + ":" + host, true
}

// applications finds the site's applications and their virtual directories. It
// returns why the site cannot be converted, or "".
func (c *converter) applications(s *site) string {
	root := c.mb.Key(s.key.Location + "/ROOT")
	if root == nil {
		return "the site has no ROOT key (its root virtual directory): not converted"
	}
	keys := append([]*metabase.Key{root}, c.mb.Under(root.Location)...)
	rootLen := len(strings.TrimRight(strings.TrimSpace(root.Location), "/"))
	for _, k := range keys {
		if !isContent(k) || k != root && !hasOwn(k, "AppRoot") {
			continue
		}
		a := c.application(s, k, appPath(k, rootLen))
		if k == root && a.pool == "" {
			return "its root application is not converted, and IIS 7+ cannot run a site without one: not converted"
		}
		if a.pool != "" {
			c.prop(k, "AppRoot")
		}
		s.apps = append(s.apps, a)
	}
	c.virtualDirectories(s, keys, rootLen)
	for _, k := range keys {
		c.content[k] = content{site: s, app: s.holder(appPath(k, rootLen))}
	}
	return ""
}

// isContent reports whether k is a virtual directory or a directory.
func isContent(k *metabase.Key) bool {
	return k.Type == "IIsWebVirtualDir" || k.Type == "IIsWebDirectory"
}

// hasOwn reports whether k sets property name itself.
func hasOwn(k *metabase.Key, name string) bool {
	_, ok := k.Prop(name)
	return ok
}

// appPath returns the URL path of key k below a root whose location is rootLen bytes
// long: "/" for the root.
func appPath(k *metabase.Key, rootLen int) string {
	loc := strings.TrimRight(strings.TrimSpace(k.Location), "/")
	if len(loc) <= rootLen {
		return "/"
	}
	return "/" + strings.TrimLeft(loc[rootLen:], "/")
}

// application converts the application at key k and reports it; an application left
// out has no pool.
func (c *converter) application(s *site, k *metabase.Key, path string) *app {
	a := &app{key: k, path: path}
	entry := AppEntry{Pos: k.Pos, Site: s.name, Path: path}
	defer func() { c.report.Applications = append(c.report.Applications, entry) }()
	if err := pathAttr(schema.ApplicationPath).Validate(schema.Value{Type: schema.String, Text: path}); err != nil {
		entry.Reason = "the path is not one IIS 7+ accepts (" + err.Error() + "): not converted"
		c.warn(k.LocationPos, "application %q of site %q: %s", path, s.name, entry.Reason)
		c.useAll(k)
		return a
	}
	id, idPos := defaultAppPoolID, k.Pos
	if p, from, ok := c.lookup(k.Location, "AppPoolId"); ok {
		id, idPos, entry.PoolLocation = strings.TrimSpace(p.Value), p.ValuePos, from.Location
	} else {
		entry.PoolLocation = "(IIS 6's default)"
	}
	entry.Pos = idPos
	pool, ok := c.byName[strings.ToLower(id)]
	if !ok {
		entry.Pool = id
		entry.Reason = fmt.Sprintf("its pool %q does not exist: IIS 6 fails its requests; create the pool or assign another", id)
		c.warn(idPos, "application %q of site %q: %s; not converted", path, s.name, entry.Reason)
		return a
	}
	entry.Pool, entry.Converted = pool, true
	a.pool, a.physicalPath = pool, c.physicalPath(k)
	return a
}

// pathAttr returns a required path attribute with validator kind, as <application
// path> (ApplicationPath) and <virtualDirectory path> (VirtualDirectoryPath) are.
func pathAttr(kind schema.ValidationKind) *schema.Attribute {
	return &schema.Attribute{Name: "path", Type: schema.String, Required: true, Validation: &schema.Validation{Kind: kind}}
}

// physicalPath returns the physical path of the content at key k: a virtual
// directory's Path, or for a directory, the Path of the virtual directory above it
// followed by the directory's names.
func (c *converter) physicalPath(k *metabase.Key) string {
	var rel []string
	for loc := k.Location; loc != ""; loc = metabase.Parent(loc) {
		key := c.mb.Key(loc)
		if key == nil || !isContent(key) {
			break
		}
		if key.Type == "IIsWebVirtualDir" {
			p, _ := c.prop(key, "Path")
			parts := append([]string{strings.TrimRight(p.Value, `\`)}, rel...)
			return strings.Join(parts, `\`)
		}
		rel = append([]string{key.Name()}, rel...)
	}
	return ""
}

// virtualDirectories gives each application its root virtual directory and the
// virtual directories below it that no nearer application holds. Those of an
// application left out are left out with it.
func (c *converter) virtualDirectories(s *site, keys []*metabase.Key, rootLen int) {
	for _, a := range s.apps {
		a.vdirs = append(a.vdirs, [2]string{"/", a.physicalPath})
	}
	for _, k := range keys {
		if k.Type != "IIsWebVirtualDir" || hasOwn(k, "AppRoot") || k == s.apps[0].key {
			continue
		}
		path := appPath(k, rootLen)
		a := s.holder(path)
		rest, _ := below(path, a.path)
		rel := "/" + strings.TrimLeft(rest, "/")
		if err := pathAttr(schema.VirtualDirectoryPath).Validate(schema.Value{Type: schema.String, Text: rel}); err != nil {
			c.warn(k.LocationPos, "virtual directory %q of site %q: the path is not one IIS 7+ accepts (%v): not converted", path, s.name, err)
			c.useAll(k)
			continue
		}
		if a.pool == "" {
			continue // left out with its application, which the report says; leftovers names the Path
		}
		p, _ := c.prop(k, "Path")
		a.vdirs = append(a.vdirs, [2]string{rel, p.Value})
	}
}

// holder returns the application with the longest path that path lies in.
func (s *site) holder(path string) *app {
	best := s.apps[0]
	for _, a := range s.apps {
		if _, ok := below(path, a.path); ok && len(a.path) > len(best.path) {
			best = a
		}
	}
	return best
}

// below reports whether URL path lies in or below base, compared without regard to
// case, and returns the rest of path after base.
func below(path, base string) (string, bool) {
	base = strings.TrimRight(base, "/")
	if len(base) > len(path) || !strings.EqualFold(path[:len(base)], base) {
		return "", false
	}
	rest := path[len(base):]
	return rest, rest == "" || rest[0] == '/'
}

// sitesElement builds the <sites> element.
func sitesElement(sites []*site) *etree.Element {
	out := etree.NewElement("sites")
	for _, s := range sites {
		se := out.CreateElement("site")
		se.CreateAttr("name", s.name)
		se.CreateAttr("id", s.id)
		if s.autoStart != "" {
			se.CreateAttr("serverAutoStart", s.autoStart)
		}
		for _, a := range s.apps {
			if a.pool == "" {
				continue
			}
			ae := se.CreateElement("application")
			ae.CreateAttr("path", a.path)
			ae.CreateAttr("applicationPool", a.pool)
			for _, v := range a.vdirs {
				ve := ae.CreateElement("virtualDirectory")
				ve.CreateAttr("path", v[0])
				ve.CreateAttr("physicalPath", v[1])
			}
		}
		if len(s.bindings) > 0 {
			be := se.CreateElement("bindings")
			for _, b := range s.bindings {
				bi := be.CreateElement("binding")
				bi.CreateAttr("protocol", b[0])
				bi.CreateAttr("bindingInformation", b[1])
			}
		}
	}
	return out
}
