package convert

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/poolctl/poolctl/parse/metabase"
)

// Nothing of a metabase is left out without a line in the report. The conversion
// marks each property it reads, and each key whose every property another line of
// the report already covers (a converted pool, a key a warning names); leftovers then
// reports the rest: each property of a key the conversion reads in part (the web
// service, a site, a virtual directory), and each key it does not read at all (the
// FTP service, filters, MIME maps, ...) as one line that names its properties.

// propRef names one property of one key.
type propRef struct {
	key  *metabase.Key
	name string
}

// content is where a virtual directory or directory of a site belongs: the site, and
// the application whose URL space holds it (nil for a site that is not converted).
type content struct {
	site *site
	app  *app
}

// use marks property name of key k as read or reported.
func (c *converter) use(k *metabase.Key, name string) {
	c.used[propRef{k, name}] = true
}

// useAll marks the key k as covered by a line of the report: all of its properties.
func (c *converter) useAll(k *metabase.Key) {
	c.covered[k] = true
}

// lookup is metabase.Lookup, marking the property of the key that sets the value.
func (c *converter) lookup(location, name string) (metabase.Property, *metabase.Key, bool) {
	p, from, ok := c.mb.Lookup(location, name)
	if ok {
		c.use(from, name)
	}
	return p, from, ok
}

// prop is Key.Prop, marking the property when the key sets it.
func (c *converter) prop(k *metabase.Key, name string) (metabase.Property, bool) {
	p, ok := k.Prop(name)
	if ok {
		c.use(k, name)
	}
	return p, ok
}

// leftovers reports, in the order of the file, what no other line of the report
// covers.
func (c *converter) leftovers() {
	for _, k := range c.mb.Keys {
		if c.covered[k] {
			continue
		}
		var unused []int
		for i, p := range k.Props {
			if !c.used[propRef{k, p.Name}] {
				unused = append(unused, i)
			}
		}
		if len(unused) == 0 {
			if len(k.Props) == 0 && !c.readsKey(k) && !c.siteKeys[k] {
				c.leftoverKey(k) // a key says something by being there: an FTP site, say
			}
			continue
		}
		if c.readsKey(k) || len(unused) < len(k.Props) {
			for _, i := range unused {
				c.leftoverProp(k, k.Props[i])
			}
			continue
		}
		c.leftoverKey(k)
	}
}

// readsKey reports whether the conversion reads key k in part: the web service, the
// pools' key, a converted site or its content.
func (c *converter) readsKey(k *metabase.Key) bool {
	if _, ok := c.content[k]; ok {
		return true
	}
	loc := strings.ToLower(strings.TrimRight(strings.TrimSpace(k.Location), "/"))
	return loc == "/lm/w3svc" || loc == strings.ToLower(appPoolsLocation) || c.siteKeys[k]
}

// leftoverKey reports a key of which the conversion reads nothing, with the names of
// its properties.
func (c *converter) leftoverKey(k *metabase.Key) {
	names := make([]string, 0, len(k.Props))
	for _, p := range k.Props {
		names = append(names, p.Name)
	}
	e := Entry{Pos: k.Pos, Location: k.Location, Key: k.Type, Value: strings.Join(names, ", ")}
	if gone, ok := c.goneSite[k]; ok {
		e.Reason = fmt.Sprintf("part of site %q, which is not converted", gone)
	} else {
		e.Reason = fmt.Sprintf("a key of type %s: convert converts application pools, web sites, their applications and virtual directories; not converted", k.Type)
	}
	c.report.add(Dropped, e)
}

// leftoverProp reports one property of key k that the conversion does not use.
func (c *converter) leftoverProp(k *metabase.Key, p metabase.Property) {
	e := Entry{Pos: p.Pos, Location: k.Location, Property: p.Name, Value: leftoverValue(p)}
	cn, isContent := c.content[k]
	if isContent {
		e.Site, e.Path = cn.site.name, cn.path(k)
	} else if c.siteKeys[k] {
		e.Site = c.siteNames[k]
	}
	e.Reason = c.leftoverReason(k, p, cn, isContent)
	c.report.add(Dropped, e)
	if p.Name == "AppPoolId" && isContent {
		c.warn(p.Pos, "%s of site %q: %s", e.Path, e.Site, e.Reason)
	}
}

// leftoverReason says why property p of key k is not used.
func (c *converter) leftoverReason(k *metabase.Key, p metabase.Property, cn content, isContent bool) string {
	name := p.Name
	_, poolProp := rowFor(name)
	poolProp = poolProp || name == userNameProp || name == passwordProp
	if gone, ok := c.goneSite[k]; ok {
		return fmt.Sprintf("part of site %q, which is not converted", gone)
	}
	switch {
	case name == "AppPoolId" && isContent && !hasOwn(k, "AppRoot"):
		return fmt.Sprintf("not an application in IIS 6 (the key has no AppRoot), so its AppPoolId does nothing, "+
			"and no application below it inherits it: ignored; it stays a directory of application %q", cn.app.path)
	case name == "AppPoolId":
		return "no application inherits it: each sets its own AppPoolId, or a key nearer to it does: ignored"
	case poolProp && strings.EqualFold(strings.TrimRight(strings.TrimSpace(k.Location), "/"), appPoolsLocation):
		return "an application pool property that reaches no pool: each pool sets its own, or there is no pool"
	case poolProp && (isContent || c.siteKeys[k]):
		return "IIS 6 reads application pool properties only from the pool's key and the keys above it (/LM/W3SVC/AppPools, /LM/W3SVC): ignored"
	case poolProp && !p.Inherits():
		return "not inherited: it applies to " + k.Location + " itself, not to the pools below it"
	case poolProp:
		return "an application pool property that reaches no pool: each pool, or a key nearer to it, sets its own, or there is no pool"
	case isContent && cn.app != nil && cn.app.pool == "":
		return fmt.Sprintf("its application %q is not converted", cn.app.path)
	case isContent:
		return "a directory setting that convert does not convert (see the note on sites): not converted"
	case c.siteKeys[k]:
		return "a site setting that convert does not convert (see the note on sites): not converted"
	case c.readsKey(k):
		return "a setting of the web service that convert does not convert: not converted"
	}
	return "a setting that convert does not convert: not converted"
}

// path returns the URL path of content key k within its site.
func (cn content) path(k *metabase.Key) string {
	root := strings.TrimRight(strings.TrimSpace(cn.site.key.Location), "/") + "/ROOT"
	return appPath(k, len(root))
}

// maxLeftoverValue is the longest value, in runes, that a leftover line quotes:
// script maps and MIME maps run to pages.
const maxLeftoverValue = 80

// leftoverValue returns the value of a leftover property as the report shows it: a
// password never (any property whose name says Pass), a long value cut.
func leftoverValue(p metabase.Property) string {
	if strings.Contains(strings.ToLower(p.Name), "pass") {
		return hiddenValue
	}
	v := strings.Join(strings.Fields(p.Value), " ")
	if utf8.RuneCountInString(v) > maxLeftoverValue {
		r := []rune(v)
		v = string(r[:maxLeftoverValue]) + "…"
	}
	return v
}
