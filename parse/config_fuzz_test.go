package parse

import (
	"os"
	"testing"

	"github.com/poolctl/poolctl/schema"
)

// FuzzResolve feeds arbitrary documents through the reader and the resolution of
// pools, collections, sites and aspNetCore locations: whatever the input, nothing
// panics, and every setting of a resolved pool belongs to the version's schema.
func FuzzResolve(f *testing.F) {
	if b, err := os.ReadFile("testdata/effective/applicationHost.config"); err == nil {
		f.Add(b, uint8(schema.IIS10))
	}
	f.Add([]byte(`<configuration><system.applicationHost><applicationPools><add name="a"><recycling><periodicRestart><schedule><clear/><remove value="x"/><add value="1"/></schedule></periodicRestart></recycling></add><applicationPoolDefaults queueLength="5"/></applicationPools><sites><site name="s"><application path="/"/><applicationDefaults applicationPool="a"/></site></sites></system.applicationHost><location path="s"><system.webServer><aspNetCore processPath="x"/></system.webServer></location></configuration>`), uint8(schema.IIS70))
	f.Add([]byte(`<configuration><location path="."><system.applicationHost><applicationPools configSource="../../etc/passwd"/></system.applicationHost></location></configuration>`), uint8(schema.IIS85))
	f.Fuzz(func(t *testing.T, src []byte, v uint8) {
		version := schema.Version(int(v)%len(schema.Versions()) + 1)
		doc, err := ReadBytes("fuzz.config", src, Options{})
		if err != nil {
			return
		}
		// configSource files are read relative to the document's directory; the fuzz
		// document's name has none, so only files in the package directory could be
		// named, and those are test fixtures.
		c, err := FromDocument(doc, LoadOptions{Version: version})
		if err != nil {
			return
		}
		for _, p := range c.Pools() {
			for _, s := range p.Settings() {
				if s.Attr.Since > version {
					t.Fatalf("%s resolved for %s", s.Path, version)
				}
				_, _ = s.Value()
			}
			for _, cp := range p.CollectionPaths() {
				_, _ = p.Collection(cp)
			}
		}
		for _, a := range c.Applications() {
			_ = c.AspNetCoreFor(a.Site.Name + a.Path)
			_ = a.PhysicalPath()
		}
	})
}
