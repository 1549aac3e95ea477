// Package metabase reads the configuration of IIS 6: MetaBase.xml, or a file that
// "iiscnfg /export" wrote, which has the same shape.
//
// Such a file is XML with a <configuration> root. Each metabase key is an element named
// after its IIS admin object type (IIsApplicationPool, IIsWebServer, ...) with a
// Location attribute that gives the key's path, such as "/LM/W3SVC/AppPools/Shop".
// The key's properties are its other attributes; a property the metabase schema does
// not declare for the key is written as a <Custom Name="..." ID="..." Value="..."/>
// child element instead, as the Windows Server 2003 page "Editing Metabase
// Properties" documents. Read keeps the position of every key and property.
//
// Properties flagged INHERIT in the metabase schema apply to every key beneath the
// one that sets them, unless a key closer to it sets its own value ("Property
// Inheritance in ABO", IIS 6.0 SDK). Lookup follows that rule from a key up to "/",
// so that a property of /LM/W3SVC/AppPools, or of /LM/W3SVC, reaches each pool.
// Inheritable says which properties do: all but those the reference marks
// NO_ATTRIBUTES or VOLATILE, such as AppPoolAutoStart; a <Custom> property's own
// Attributes decide for it.
package metabase

import (
	"strings"

	"github.com/poolctl/poolctl/parse"
)

// Metabase is an IIS 6 metabase file read with the positions of its keys and
// properties.
type Metabase struct {
	// Name is the file name used in positions.
	Name string
	// Doc is the XML document the metabase was read from.
	Doc *parse.Document
	// Keys are the metabase keys in the order of the file.
	Keys []*Key

	index map[string]*Key // by lower-case location
}

// Key is one metabase key: an element with a Location attribute.
type Key struct {
	// Type is the IIS admin object type: the element's name, such as
	// "IIsApplicationPool".
	Type string
	// Location is the key's metabase path as written, such as
	// "/LM/W3SVC/AppPools/Shop".
	Location string
	// Pos is the position of the key's start tag.
	Pos parse.Pos
	// LocationPos is the position of the Location attribute's value.
	LocationPos parse.Pos
	// Props are the key's properties: its attributes but Location, in the order of the
	// file, then its <Custom> properties.
	Props []Property
}

// Property is one property of a metabase key.
type Property struct {
	// Name is the property's name, such as "IdleTimeout".
	Name string
	// Value is the value as an XML reader sees it: references replaced and, in an
	// attribute, each line break and tab replaced by a space.
	Value string
	// Raw is the value as written between the quotes, references and line breaks
	// kept. Lines reads multi-string values from it.
	Raw string
	// Pos is the position of the attribute's name, or of the <Custom> element.
	Pos parse.Pos
	// ValuePos is the position of the value's first character.
	ValuePos parse.Pos
	// Custom reports that the property is written as a <Custom> element.
	Custom bool
	// Attributes is a <Custom> property's Attributes attribute, such as "INHERIT", or
	// "" when it has none (the schema's attributes then apply).
	Attributes string
}

// Key returns the key at location, compared without regard to case as metabase paths
// are, or nil when the file has no such key.
func (m *Metabase) Key(location string) *Key {
	return m.index[strings.ToLower(cleanLocation(location))]
}

// KeysOfType returns the keys of admin object type typ (such as
// "IIsApplicationPool"), in the order of the file.
func (m *Metabase) KeysOfType(typ string) []*Key {
	var out []*Key
	for _, k := range m.Keys {
		if k.Type == typ {
			out = append(out, k)
		}
	}
	return out
}

// Under returns the keys beneath location (its children, their children and so on),
// in the order of the file.
func (m *Metabase) Under(location string) []*Key {
	base := strings.ToLower(cleanLocation(location))
	var out []*Key
	for _, k := range m.Keys {
		if isBelow(strings.ToLower(cleanLocation(k.Location)), base) {
			out = append(out, k)
		}
	}
	return out
}

// isBelow reports whether location loc lies beneath location base; both are clean
// and lower-case.
func isBelow(loc, base string) bool {
	if base == "/" {
		return loc != "/" && strings.HasPrefix(loc, "/")
	}
	return strings.HasPrefix(loc, base+"/")
}

// Lookup returns the value of property name at location: the key's own, else, when
// the property inherits, the value of the nearest key above it that sets it. It
// returns the key that sets the value too, and false when no key does.
func (m *Metabase) Lookup(location, name string) (Property, *Key, bool) {
	first := true
	for loc := cleanLocation(location); loc != ""; loc = Parent(loc) {
		if k := m.Key(loc); k != nil {
			if p, ok := k.Prop(name); ok && (first || p.Inherits()) {
				return p, k, true
			}
		}
		first = false
	}
	return Property{}, nil, false
}

// Prop returns the key's property name (compared exactly: MetaBase.xml is
// case-sensitive) and whether the key sets it.
func (k *Key) Prop(name string) (Property, bool) {
	for _, p := range k.Props {
		if p.Name == name {
			return p, true
		}
	}
	return Property{}, false
}

// Name returns the last segment of the key's location: a pool's name, a site's
// number, a virtual directory's name.
func (k *Key) Name() string {
	loc := cleanLocation(k.Location)
	return loc[strings.LastIndexByte(loc, '/')+1:]
}

// Parent returns the location of the key above location ("/LM/W3SVC" for
// "/LM/W3SVC/AppPools"), "/" for a key directly below the root, and "" for "/" and
// for a location that is not a path.
func Parent(location string) string {
	loc := cleanLocation(location)
	i := strings.LastIndexByte(loc, '/')
	switch {
	case loc == "/" || i < 0:
		return ""
	case i == 0:
		return "/"
	}
	return loc[:i]
}

// cleanLocation trims white space and a trailing slash from a location.
func cleanLocation(location string) string {
	loc := strings.TrimSpace(location)
	if len(loc) > 1 {
		loc = strings.TrimRight(loc, "/")
		if loc == "" {
			loc = "/"
		}
	}
	return loc
}

// notInherited are the properties that the Windows Server 2003 metabase property
// reference marks NO_ATTRIBUTES or VOLATILE rather than INHERIT: a value set on a key
// applies to that key alone. (The reference marks every application pool property
// that IIS 7 maps, such as IdleTimeout, INHERIT; so are most properties.)
var notInherited = map[string]bool{
	"AppPoolAutoStart":         true, // NO_ATTRIBUTES
	"AppPoolCommand":           true, // VOLATILE
	"AppPoolState":             true,
	"IIs5IsolationModeEnabled": true, // NO_ATTRIBUTES
	"KeyType":                  true, // NO_ATTRIBUTES
	"SecureBindings":           true, // NO_ATTRIBUTES
	"ServerBindings":           true, // NO_ATTRIBUTES
	"Win32Error":               true,
}

// Inheritable reports whether property name, written as a schema-defined property,
// applies to the keys beneath the one that sets it.
func Inheritable(name string) bool { return !notInherited[name] }

// Inherits reports whether the property applies to the keys beneath its own: a
// <Custom> property with Attributes says so itself, others as Inheritable says.
func (p Property) Inherits() bool {
	if p.Custom && strings.TrimSpace(p.Attributes) != "" {
		for f := range strings.SplitSeq(p.Attributes, "|") {
			if strings.EqualFold(strings.TrimSpace(f), "INHERIT") {
				return true
			}
		}
		return false
	}
	return Inheritable(p.Name)
}

// Lines returns the strings of a multi-string (MULTISZ) value: the raw value split at
// its line breaks (written as such or as character references), each line trimmed of
// spaces and tabs, empty lines left out.
func (p Property) Lines() []string {
	return SplitLines(decodeRefs(p.Raw))
}

// SplitLines splits s at its line breaks (LF, CR LF or CR), trims spaces and tabs from
// each line and leaves out empty lines.
func SplitLines(s string) []string {
	var out []string
	for line := range strings.SplitSeq(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n") {
		if t := strings.Trim(line, " \t"); t != "" {
			out = append(out, t)
		}
	}
	return out
}
