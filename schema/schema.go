package schema

import "fmt"

// Schema is the configuration schema of one IIS version: the sections poolctl knows.
type Schema struct {
	Version  Version
	sections []*Section
	exts     []*Extension // what Extend added
}

// Extensions returns the extension files Extend added to s, in order.
func (s *Schema) Extensions() []*Extension { return s.exts }

// For returns the schema of version v. Each call builds a fresh model that the caller
// may keep; it is not shared and not cached.
func For(v Version) (*Schema, error) {
	if !v.Valid() {
		return nil, fmt.Errorf("schema: unknown IIS version %d", int(v))
	}
	s := &Schema{Version: v}
	for _, d := range []struct {
		path string
		spec elemSpec
	}{
		{ApplicationPoolsPath, applicationPools()},
		{SitesPath, sites()},
		{AspNetCorePath, aspNetCore()},
	} {
		if root := d.spec.build(v); root != nil {
			s.sections = append(s.sections, &Section{Path: d.path, Root: root})
		}
	}
	return s, nil
}

// MustFor is like For but panics on an unknown version; for known constants.
func MustFor(v Version) *Schema {
	s, err := For(v)
	if err != nil {
		panic(err)
	}
	return s
}

// Sections returns the sections of the schema.
func (s *Schema) Sections() []*Section { return s.sections }

// Section returns the section with the given path, or nil when this version does not
// know it.
func (s *Schema) Section(path string) *Section {
	for _, sec := range s.sections {
		if sec.Path == path {
			return sec
		}
	}
	return nil
}

// ApplicationPools returns the root element of the application pools section.
func (s *Schema) ApplicationPools() *Element { return s.Section(ApplicationPoolsPath).Root }

// Pool returns the element of one pool: the <add> item of the applicationPools
// collection.
func (s *Schema) Pool() *Element { return s.ApplicationPools().Collection.Item }

// PoolDefaults returns the <applicationPoolDefaults> element.
func (s *Schema) PoolDefaults() *Element {
	return s.ApplicationPools().Element("applicationPoolDefaults")
}
