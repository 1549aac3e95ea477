package apply

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/internal/sharedtest"
	"github.com/poolctl/poolctl/internal/synth"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/validate"
)

// treeEdits are edits of a file's first pool that the lint of the changed tree and the
// lint of the bytes written for it must judge alike: valid and invalid values, a new
// pool (an element without a source position), with a bad value too, a deleted pool
// that applications name.
var treeEdits = []struct {
	name string
	edit func(ed *Editor, first string) error
}{
	{"valid value", setOn("queueLength", "2000")},
	{"value out of range", setOn("queueLength", "99999999")},
	{"unknown enum name", setOn("managedPipelineMode", "Bogus")},
	{"SpecificUser without a user name", setOn("processModel.identityType", "SpecificUser")},
	{"timeSpan with markup characters", setOn("processModel.idleTimeout", "<&\"'\t\n\r")},
	{"new pool", func(ed *Editor, _ string) error { _, err := ed.AddPool("Added Pool"); return err }},
	{"new pool with a bad value", func(ed *Editor, _ string) error {
		p, err := ed.AddPool("Added Pool")
		if err != nil {
			return err
		}
		return ed.Apply(p, PoolScope("Added Pool"), Op{Kind: SetAttr, Path: "processModel.idleTimeout", Value: "soon"})
	}},
	{"deleted pool", func(ed *Editor, first string) error { return ed.DeletePool(first) }},
}

// setOn returns an edit that sets path to value on the first pool.
func setOn(path, value string) func(ed *Editor, first string) error {
	return func(ed *Editor, first string) error {
		return ed.Apply(ed.Pool(first), PoolScope(first), Op{Kind: SetAttr, Path: path, Value: value})
	}
}

// TestCheckTreeAgrees checks what checkTree relies on to skip reading the written
// bytes back: linting a changed tree finds the same errors (rule and message) as
// linting the bytes written for it, for every edit of treeEdits on a synthetic file
// and on every corpus file.
func TestCheckTreeAgrees(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.Write(&buf, synth.Options{Pools: 20, Sites: 5}); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"synthetic.config": buf.Bytes()}
	for _, path := range sharedtest.Glob(t, "*.config", "corpus", "real") {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[path] = src
	}
	target := schema.MustFor(schema.IIS10)
	opt := validate.Options{ErrorsOnly: true}
	for name, src := range files {
		for _, e := range treeEdits {
			t.Run(name+"/"+e.name, func(t *testing.T) {
				doc, err := parse.ReadBytes(name, slices.Clone(src), parse.Options{})
				if err != nil {
					t.Fatal(err)
				}
				ed, err := NewEditor(doc, target)
				if err != nil {
					t.Skip(err) // no applicationPools section to edit
				}
				names := ed.PoolNames()
				if len(names) == 0 {
					t.Skip("no pool")
				}
				if err := e.edit(ed, names[0]); err != nil {
					t.Skip(err) // an edit the editor refuses is not written
				}
				next, err := doc.Bytes()
				if err != nil {
					t.Fatal(err)
				}
				fromTree, err := validate.LintDocument(doc, opt)
				if err != nil {
					t.Fatal(err)
				}
				fromBytes, err := validate.LintBytes(name, next, opt)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(ruleMessages(fromBytes), ruleMessages(fromTree)); diff != "" {
					t.Errorf("errors of the tree and of its bytes differ (-bytes +tree):\n%s", diff)
				}
			})
		}
	}
}

// ruleMessages returns the findings as sorted "RULE message" lines.
func ruleMessages(ds []validate.Diagnostic) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %s", d.Rule, d.Message))
	}
	slices.Sort(out)
	return out
}
