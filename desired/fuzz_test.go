package desired

import (
	"errors"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// fuzzDesired runs Read on data under name, with s's JSON Schema compiled once
// for the whole run, and checks what any input must give: no panic, a document whose
// element is <applicationPools> on success, a positioned error in the file otherwise.
func fuzzDesired(f *testing.F, name string, seeds []string) {
	s := schema.MustFor(schema.IIS10)
	sch, err := compileDesiredSchema(s)
	if err != nil {
		f.Fatal(err)
	}
	compile := func(*schema.Schema) (*jsonschema.Schema, error) { return sch, nil }
	for _, seed := range seeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, e, err := read(name, data, s, compile)
		if err != nil {
			var pe *parse.Error
			switch {
			case errors.As(err, &pe) && (pe.Pos.File != name || pe.Pos.Line < 1 || pe.Pos.Col < 1):
				t.Fatalf("error at %v, want a position in %s: %v", pe.Pos, name, err)
			case !strings.HasPrefix(err.Error(), name+":"):
				t.Fatalf("error does not name %s: %v", name, err)
			}
			return
		}
		if doc == nil || e == nil || e != doc.Root() || e.FullTag() != "applicationPools" {
			t.Fatalf("success without an <applicationPools> root: %v, %v", doc, e)
		}
		if doc.Name != name+desiredSuffix {
			t.Fatalf("document named %q, want %q", doc.Name, name+desiredSuffix)
		}
	})
}

func FuzzReadJSON(f *testing.F) {
	fuzzDesired(f, "fuzz.json", []string{
		`{}`,
		`{"applicationPools": [{"name": "a"}]}`,
		`{"applicationPoolDefaults": {"queueLength": 4000, "processModel": {"idleTimeout": "00:30:00"}},
		  "applicationPools": [{"name": "Shop", "autoStart": false, "queueLength": 1e3,
		  "recycling": {"periodicRestart": {"schedule": [{"value": "03:00:00"}]}},
		  "environmentVariables": [{"name": "X", "value": "<&\"\t\n>"}]}]}`,
		`{"applicationPools": [{"name": "a", "queueLength": "many"}]}`,
		`{"applicationPools": [{"name": "a"}, {"name": "A"}]}`,
		`{"applicationPools": [{"name": "a",}]}`,
		"\xEF\xBB\xBF{\"applicationPools\": []}",
		`[[[[[[[[]]]]]]]]`,
	})
}

func FuzzReadYAML(f *testing.F) {
	fuzzDesired(f, "fuzz.yaml", []string{
		"{}",
		"applicationPools:\n  - name: a\n",
		"applicationPoolDefaults:\n  queueLength: 4000\n  processModel: {idleTimeout: 00:30:00}\n" +
			"applicationPools:\n  - name: Shop\n    autoStart: false\n    queueLength: 0x3E8\n" +
			"    recycling:\n      periodicRestart:\n        schedule:\n          - value: 03:00:00\n" +
			"    environmentVariables:\n      - {name: X, value: \"<&\\\"\\t\\n>\"}\n",
		"applicationPools:\n  - name: a\n    queueLength: \"many\"\n",
		"applicationPools:\n  - &p {name: a}\n  - *p\n",
		"a: b: c\n",
		"x: 1\n---\ny: 2\n",
		"applicationPools: [{name: a, queueLength: .inf}]\n",
	})
}
