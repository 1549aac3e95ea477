package parse

import (
	"bytes"
	"testing"

	"github.com/poolctl/poolctl/internal/synth"
)

// BenchmarkLoadResolve reads a synthetic config of 1,000 pools and 1,000 sites and
// resolves every pool's settings and collections and every application's pool: the
// work bench/parse.sh times against xmllint on a ten times larger file.
func BenchmarkLoadResolve(b *testing.B) {
	var buf bytes.Buffer
	if err := synth.Write(&buf, synth.Options{Pools: 1000, Sites: 1000}); err != nil {
		b.Fatal(err)
	}
	src := buf.Bytes()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := ReadBytes("synthetic.config", src, Options{})
		if err != nil {
			b.Fatal(err)
		}
		c, err := FromDocument(doc, LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range c.Pools() {
			_ = p.Settings()
			for _, cp := range p.CollectionPaths() {
				_, _ = p.Collection(cp)
			}
		}
		for _, a := range c.Applications() {
			if c.Pool(a.Pool) == nil {
				b.Fatalf("application %s%s: no pool %q", a.Site.Name, a.Path, a.Pool)
			}
		}
	}
}
