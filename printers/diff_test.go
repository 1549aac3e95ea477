package printers

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/internal/sharedtest"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// diffPoolsConfig returns a configuration whose applicationPools section holds body.
func diffPoolsConfig(body string) string {
	return "<configuration>\n  <system.applicationHost>\n    <applicationPools>\n" + body +
		"\n    </applicationPools>\n  </system.applicationHost>\n</configuration>\n"
}

// loadDiffConfig reads src as the file name for IIS 10.
func loadDiffConfig(t *testing.T, name, src string) *parse.Config {
	t.Helper()
	doc, err := parse.ReadBytes(name, []byte(src), parse.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	cfg, err := parse.FromDocument(doc, parse.LoadOptions{Version: schema.IIS10})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cfg
}

// diffOf compares the pools sections poolsA and poolsB: their effective values, or
// their declared values.
func diffOf(t *testing.T, poolsA, poolsB string, declared bool) *apply.Difference {
	t.Helper()
	a := loadDiffConfig(t, "a.config", diffPoolsConfig(poolsA))
	b := loadDiffConfig(t, "b.config", diffPoolsConfig(poolsB))
	return apply.Diff(a, b, apply.DiffOptions{Declared: declared})
}

// TestDiffOrigins checks that each side's value says where it comes from, in both
// formats: the pool, <applicationPoolDefaults> (with the position) or the schema
// default, for attributes and for collection items.
func TestDiffOrigins(t *testing.T) {
	a := `      <add name="Shop" managedRuntimeVersion="" />
      <add name="Web" />
      <applicationPoolDefaults managedRuntimeVersion="v4.0" />`
	b := `      <add name="Shop" />
      <add name="Web" queueLength="3000">
        <recycling><periodicRestart><schedule><add value="04:00:00" /></schedule></periodicRestart></recycling>
      </add>
      <applicationPoolDefaults managedRuntimeVersion="v4.0">
        <recycling><periodicRestart><schedule><add value="03:00:00" /></schedule></periodicRestart></recycling>
      </applicationPoolDefaults>`
	d := diffOf(t, a, b, false)
	text := renderDiff(t, "text", d)
	for _, want := range []string{
		`    managedRuntimeVersion: "" (pool a.config:4:47) → v4.0 (applicationPoolDefaults b.config:8:55)` + "\n",
		`    queueLength: 1000 (default) → 3000 (pool b.config:5:36)` + "\n",
		`    + recycling.periodicRestart.schedule 03:00:00 (applicationPoolDefaults b.config:9:47)` + "\n",
		`    + recycling.periodicRestart.schedule 04:00:00 (pool b.config:6:47)` + "\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	var doc struct {
		Compare string
		Pools   []struct {
			Name       string
			Attributes []struct{ Path, OriginA, OriginB string }
			Items      []struct{ Key, OriginA, OriginB string }
		}
	}
	if err := json.Unmarshal([]byte(renderDiff(t, "json", d)), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range doc.Pools {
		for _, a := range p.Attributes {
			got = append(got, p.Name+" "+a.Path+" "+a.OriginA+" "+a.OriginB)
		}
		for _, it := range p.Items {
			got = append(got, p.Name+" "+it.Key+" "+it.OriginA+" "+it.OriginB)
		}
	}
	want := []string{
		"Shop managedRuntimeVersion pool applicationPoolDefaults",
		"Shop 03:00:00  applicationPoolDefaults",
		"Web queueLength default pool",
		"Web 03:00:00  applicationPoolDefaults",
		"Web 04:00:00  pool",
	}
	if diff := cmp.Diff(want, got); diff != "" || doc.Compare != "effective" {
		t.Errorf("JSON origins, compare %q (-want +got):\n%s", doc.Compare, diff)
	}
}

// TestDiffSecretsNeverWritten writes differences of encrypted and plain passwords, in
// pools both files have, in added and removed pools and in the defaults, in both
// formats, and looks for the values.
func TestDiffSecretsNeverWritten(t *testing.T) {
	secrets := []string{"s3cret", "hunter2", "RmFrZVNlY3JldA", "enc:", "c2VjcmV0", "pa55"}
	a := `<add name="Shop"><processModel password="s3cret" /></add>
<add name="Gone"><processModel password="[enc:IISWASOnlyAesProvider:RmFrZVNlY3JldA==:enc]" /></add>
<applicationPoolDefaults><processModel password="pa55" /></applicationPoolDefaults>`
	b := `<add name="Shop"><processModel password="hunter2" /></add>
<add name="New"><processModel password="[enc:IISWASOnlyAesProvider:c2VjcmV0:enc]" /></add>`
	for _, declared := range []bool{false, true} {
		d := diffOf(t, a, b, declared)
		for _, format := range []string{"text", "json"} {
			out := renderDiff(t, format, d)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("declared=%v: %s output holds %q:\n%s", declared, format, s, out)
				}
			}
			if !strings.Contains(out, "processModel.password") {
				t.Errorf("declared=%v: %s output does not name processModel.password:\n%s", declared, format, out)
			}
		}
	}
}

// renderDiff writes d in format.
func renderDiff(t *testing.T, format string, d *apply.Difference) string {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if format == "json" {
		err = WriteDiffJSON(&buf, d)
	} else {
		err = WriteDiffText(&buf, d)
	}
	if err != nil {
		t.Fatalf("write %s: %v", format, err)
	}
	return buf.String()
}

// TestDiffGolden compares the text and JSON forms of the differences between the
// fixtures in testdata/diff with golden files there; go test -update rewrites them.
func TestDiffGolden(t *testing.T) {
	load := func(name string) *parse.Config {
		cfg, err := parse.Load(filepath.Join("testdata", "diff", name), parse.LoadOptions{Version: schema.IIS10})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	a, b := load("a.config"), load("b.config")
	for _, tc := range []struct {
		name string
		d    *apply.Difference
	}{
		{"diff", apply.Diff(a, b, apply.DiffOptions{})},
		{"declared", apply.Diff(a, b, apply.DiffOptions{Declared: true})},
		{"equal", apply.Diff(a, a, apply.DiffOptions{})},
	} {
		checkDiffGolden(t, tc.name+".txt", renderDiff(t, "text", tc.d))
		js := renderDiff(t, "json", tc.d)
		if !json.Valid([]byte(js)) {
			t.Errorf("%s: JSON output is not valid JSON:\n%s", tc.name, js)
		}
		checkDiffGolden(t, tc.name+".json", js)
	}
}

// checkDiffGolden compares got with testdata/diff/<name>.golden, or writes the file
// when the test runs with -update.
func checkDiffGolden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", "diff", name+".golden")
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s: output differs from the golden file (-want +got; go test -update rewrites it):\n%s", file, diff)
	}
}

// TestDiffJSONShape checks the JSON form's fields: null positions, no old for an added
// pool's attributes, no old and new for secrets, lists that are never null.
func TestDiffJSONShape(t *testing.T) {
	d := diffOf(t, `<add name="Shop"><processModel password="a" /></add>`,
		`<add name="Shop"><processModel password="b" /></add><add name="New" queueLength="2000" />`, false)
	var doc struct {
		Equal    bool
		Defaults *json.RawMessage
		Pools    []struct {
			Name, Change string
			A, B         *json.RawMessage
			Attributes   []map[string]any
			Items        []any
		}
	}
	if err := json.Unmarshal([]byte(renderDiff(t, "json", d)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Equal || doc.Defaults != nil || len(doc.Pools) != 2 {
		t.Fatalf("got equal=%v defaults=%v %d pools", doc.Equal, doc.Defaults, len(doc.Pools))
	}
	shop, added := doc.Pools[0], doc.Pools[1]
	if shop.Change != "changed" || added.Change != "added" || added.A != nil || added.B == nil {
		t.Errorf("pools: %+v", doc.Pools)
	}
	if shop.Items == nil || added.Items == nil {
		t.Errorf("items are null")
	}
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	if got, want := keys(shop.Attributes[0]), []string{"a", "b", "originA", "originB", "path", "secret"}; !slices.Equal(got, want) {
		t.Errorf("secret attribute has fields %q, want %q", got, want)
	}
	if got, want := keys(added.Attributes[0]), []string{"a", "b", "new", "originB", "path", "secret"}; !slices.Equal(got, want) {
		t.Errorf("added pool's attribute has fields %q, want %q", got, want)
	}
	if added.Attributes[0]["a"] != nil {
		t.Errorf("added pool's attribute has a position in A: %v", added.Attributes[0]["a"])
	}
}

func TestDiffShown(t *testing.T) {
	for in, want := range map[string]string{
		"00:20:00":    "00:20:00",
		`C:\a b`:      `C:\a b`,
		"":            `""`,
		" x":          `" x"`,
		"a\tb":        `"a\tb"`,
		"\x1b[31mred": `"\x1b[31mred"`,
		"\u202ex":     `"\u202ex"`,
		"\xff":        `"\xff"`,
	} {
		if got := diffShown(in); got != want {
			t.Errorf("diffShown(%q) = %s, want %s", in, got, want)
		}
	}
}

// diffFailingWriter fails every write.
type diffFailingWriter struct{}

func (diffFailingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteDiffErrors(t *testing.T) {
	d := diffOf(t, `<add name="Shop" />`, `<add name="Shop" queueLength="2000" />`, false)
	if err := WriteDiffText(diffFailingWriter{}, d); err == nil {
		t.Errorf("WriteDiffText to a failing writer returned nil")
	}
	if err := WriteDiffJSON(diffFailingWriter{}, d); err == nil {
		t.Errorf("WriteDiffJSON to a failing writer returned nil")
	}
}

// TestDiffCorpus compares every real configuration of ../shared/corpus/real with
// itself, which must be equal in both modes, and with the next one, whose outputs
// must be valid and hold none of the files' password values.
func TestDiffCorpus(t *testing.T) {
	files := sharedtest.Glob(t, "*.config", "corpus", "real")
	cfgs := make([]*parse.Config, len(files))
	for i, f := range files {
		cfg, err := parse.Load(f, parse.LoadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cfgs[i] = cfg
	}
	for i, cfg := range cfgs {
		for _, declared := range []bool{false, true} {
			if d := apply.Diff(cfg, cfg, apply.DiffOptions{Declared: declared}); !d.Equal() {
				t.Errorf("%s: differs from itself (declared=%v): %q", files[i], declared, renderDiff(t, "text", d))
			}
		}
		next := cfgs[(i+1)%len(cfgs)]
		d := apply.Diff(cfg, next, apply.DiffOptions{})
		js := renderDiff(t, "json", d)
		if !json.Valid([]byte(js)) {
			t.Errorf("%s: invalid JSON", files[i])
		}
		out := renderDiff(t, "text", d) + js
		for _, p := range append(diffPasswords(cfg), diffPasswords(next)...) {
			if strings.Contains(out, p) {
				t.Errorf("%s: output holds a password value", files[i])
			}
		}
	}
}

// diffPasswords returns the password values that cfg's pools write, but short ones that
// might occur in output by chance.
func diffPasswords(cfg *parse.Config) []string {
	var out []string
	for _, p := range cfg.Pools() {
		if s, _ := p.Setting("processModel.password"); s.Origin != parse.FromSchema && len(s.Text) > 8 {
			out = append(out, s.Text)
		}
	}
	return out
}
