package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// samplePath is the sample configuration that the README's quick start shows.
const samplePath = "../../testdata/sample/applicationHost.config"

// TestSampleLineEndings checks that the sample keeps CRLF line endings, as files that
// IIS writes have.
func TestSampleLineEndings(t *testing.T) {
	b, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	if lf, crlf := bytes.Count(b, []byte("\n")), bytes.Count(b, []byte("\r\n")); lf == 0 || lf != crlf {
		t.Errorf("%s has %d line feeds of which %d follow a carriage return; want CRLF throughout", samplePath, lf, crlf)
	}
}

// TestSampleIsValid checks that every value of every pool in the sample is valid for
// IIS 8.0 and later (for the attributes each version knows), and that every
// application's pool exists.
func TestSampleIsValid(t *testing.T) {
	for _, v := range []schema.Version{schema.IIS80, schema.IIS85, schema.IIS10} {
		cfg, err := parse.Load(samplePath, parse.LoadOptions{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(cfg.Pools()); n != 5 {
			t.Errorf("%s: %d pools, want 5", v, n)
		}
		for _, p := range cfg.Pools() {
			for _, s := range p.Settings() {
				if _, err := s.Value(); err != nil {
					t.Errorf("%s: pool %s: %s: %v", v, p.Name, s.Path, err)
				}
			}
			for _, path := range p.CollectionPaths() {
				items, _ := p.Collection(path)
				for _, it := range items {
					for _, at := range it.Element.Attr {
						a := schema.Lookup(cfg.Schema.Pool(), path+"[]."+at.Key)
						if a == nil {
							t.Errorf("%s: %s: %s has no attribute %s", v, it.Pos(), path, at.Key)
							continue
						}
						if _, err := a.ParseAndValidate(at.Value); err != nil {
							t.Errorf("%s: %s: %v", v, it.Pos(), err)
						}
					}
				}
			}
		}
		for _, app := range cfg.Applications() {
			if cfg.Pool(app.Pool) == nil {
				t.Errorf("%s: application %s%s runs in pool %q, which does not exist", v, app.Site.Name, app.Path, app.Pool)
			}
		}
	}
}

// TestSamplePassword checks that the sample's password is an IIS-style encrypted
// envelope, not clear text.
func TestSamplePassword(t *testing.T) {
	cfg, err := parse.Load(samplePath, parse.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	envelope := regexp.MustCompile(`^\[enc:IISWASOnlyAesProvider:[A-Za-z0-9+/]+=*:enc\]$`)
	found := 0
	for _, p := range cfg.Pools() {
		s, ok := p.Setting("processModel.password")
		if !ok || s.Origin == parse.FromSchema {
			continue
		}
		found++
		if !envelope.MatchString(s.Text) {
			t.Errorf("pool %s: password %q is not an encrypted envelope", p.Name, s.Text)
		}
		if strings.Contains(s.Text, "::") {
			t.Errorf("pool %s: password envelope is empty", p.Name)
		}
	}
	if found != 1 {
		t.Errorf("%d pools set a password, want 1", found)
	}
}
