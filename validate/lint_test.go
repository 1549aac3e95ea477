package validate

import (
	"cmp"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/poolctl/poolctl/internal/sharedtest"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// updateRules rewrites the golden files of testdata/rules from what lint reports.
var updateRules = flag.Bool("update-rules", false, "rewrite testdata/rules/*.golden")

// rulesDir holds one invalid and one valid fixture per reference and advice rule.
const rulesDir = "testdata/rules"

// appHostConfig returns an applicationHost.config whose applicationPools section holds
// pools and whose sites section holds sites; an empty sites leaves the section out.
func appHostConfig(pools, sites string) string {
	var b strings.Builder
	b.WriteString("<configuration>\n  <system.applicationHost>\n    <applicationPools>\n")
	b.WriteString(pools)
	b.WriteString("    </applicationPools>\n")
	if sites != "" {
		b.WriteString("    <sites>\n" + sites + "    </sites>\n")
	}
	b.WriteString("  </system.applicationHost>\n</configuration>\n")
	return b.String()
}

// lintConfigText lints src as test.config and fails the test on an error.
func lintConfigText(t *testing.T, src string, opt Options) []Diagnostic {
	t.Helper()
	ds, err := LintBytes("test.config", []byte(src), opt)
	if err != nil {
		t.Fatalf("LintBytes: %v", err)
	}
	return ds
}

// diagsOf returns the diagnostics of rule.
func diagsOf(ds []Diagnostic, rule string) []Diagnostic {
	var out []Diagnostic
	for _, d := range ds {
		if d.Rule == rule {
			out = append(out, d)
		}
	}
	return out
}

// diagKeys returns each diagnostic as "RULE@line:col", for compact comparisons.
func diagKeys(ds []Diagnostic) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Rule+"@"+strconv.Itoa(d.Line)+":"+strconv.Itoa(d.Column))
	}
	return out
}

func TestLintBytesMalformed(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
	}{
		{"end tag mismatch", "<configuration>\n  <system.applicationHost>\n    <applicationPools>\n      <add name=\"A\">\n    </applicationPools>\n  </system.applicationHost>\n</configuration>\n", 5, 5},
		{"bare ampersand", "<configuration>\n  <system.applicationHost>\n    <applicationPools>\n      <add name=\"A & B\" />\n    </applicationPools>\n  </system.applicationHost>\n</configuration>\n", 4, 20},
		{"unclosed quote", "<configuration>\n  <system.applicationHost>\n    <applicationPools>\n      <add name=\"A />\n    </applicationPools>\n  </system.applicationHost>\n</configuration>\n", 5, 5},
		{"truncated", "<configuration>\n  <system.applicationHost>\n", 3, 1},
		{"column counts characters", "<configuration>\n  <system.applicationHost>\n    <applicationPools>\n      <add name=\"Ünïcode\" queueLength=\"1\"\"/>\n", 4, 42},
		{"doctype", "<!DOCTYPE x [<!ENTITY a \"b\">]>\n<configuration/>\n", 1, 1},
		{"wrong root", "<sites/>\n", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lintConfigText(t, tt.src, Options{})
			want := []Diagnostic{{File: "test.config", Line: tt.line, Column: tt.col, Severity: Error, Rule: RuleMalformedXML}}
			if diff := gocmp.Diff(want, got, cmpopts.IgnoreFields(Diagnostic{}, "Message", "SourceLine")); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if len(got) == 1 && got[0].Message == "" {
				t.Error("PC001 without a message")
			}
		})
	}
}

func TestLintConfigSource(t *testing.T) {
	tests := []struct {
		name      string
		source    string
		line, col int
	}{
		{"missing file", "pools.config", 3, 37},
		{"outside the directory", `..\pools.config`, 3, 37},
		{"absolute", `C:\pools.config`, 3, 37},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "applicationHost.config")
			src := "<configuration>\n  <system.applicationHost>\n    <applicationPools configSource=\"" + tt.source + "\" />\n  </system.applicationHost>\n</configuration>\n"
			got, err := LintBytes(name, []byte(src), Options{})
			if err != nil {
				t.Fatalf("LintBytes: %v", err)
			}
			want := []Diagnostic{{File: name, Line: tt.line, Column: tt.col, Severity: Error, Rule: RuleConfigSource}}
			if diff := gocmp.Diff(want, got, cmpopts.IgnoreFields(Diagnostic{}, "Message", "SourceLine")); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// disableConfig draws PC304 (pingingEnabled off) and PC308 (a web garden).
var disableConfig = appHostConfig(`      <add name="Shop">
        <processModel pingingEnabled="false" maxProcesses="2" />
      </add>
`, `      <site name="Shop" id="1"><application path="/" applicationPool="Shop" /></site>
`)

func TestLintDisable(t *testing.T) {
	tests := []struct {
		name    string
		disable []string
		want    []string
	}{
		{"nothing", nil, []string{"PC304@5:39", "PC308@5:60"}},
		{"by ID", []string{"PC304"}, []string{"PC308@5:60"}},
		{"by ID in other case", []string{"pc308"}, []string{"PC304@5:39"}},
		{"by name", []string{"pinging-off"}, []string{"PC308@5:60"}},
		{"both", []string{"web-garden", "PC304"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diagKeys(lintConfigText(t, disableConfig, Options{Disable: tt.disable}))
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLintDisableUnknown(t *testing.T) {
	for _, id := range []string{"PC999", "no-such-rule", ""} {
		t.Run(id, func(t *testing.T) {
			ds, err := LintBytes("test.config", []byte(disableConfig), Options{Disable: []string{id}})
			if err == nil || !strings.Contains(err.Error(), "unknown rule") {
				t.Errorf("error = %v, want an unknown rule error", err)
			}
			if ds != nil {
				t.Errorf("diagnostics = %v, want none", ds)
			}
		})
	}
}

func TestLintFileMissing(t *testing.T) {
	ds, err := LintFile(filepath.Join(t.TempDir(), "missing.config"), Options{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error = %v, want fs.ErrNotExist", err)
	}
	if ds != nil {
		t.Errorf("diagnostics = %v, want none", ds)
	}
}

func TestLintSorted(t *testing.T) {
	// The checks run pools, then applications, then advice about pools again: the
	// findings come out of them in no position order.
	src := appHostConfig(`      <add name="Shop">
        <processModel identityType="LocalSystem" maxProcesses="3" />
      </add>
      <add name="Unused" />
      <add name="Api">
        <processModel identityType="SpecificUser" pingingEnabled="false" />
      </add>
`, `      <site name="Shop" id="1">
        <application path="/" applicationPool="Shop" />
        <application path="/api" applicationPool="Api" />
        <application path="/old" applicationPool="Gone" />
      </site>
`)
	got := lintConfigText(t, src, Options{})
	if len(got) < 5 {
		t.Fatalf("got %d diagnostics, want at least 5: %v", len(got), got)
	}
	byPosition := func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule, b.Rule))
	}
	if !slices.IsSortedFunc(got, byPosition) {
		t.Errorf("diagnostics not sorted:\n%s", goldenText(got))
	}
}

// fixtureRules returns the IDs of the rules with fixtures in testdata/rules: every
// reference and advice rule but PC310, which the schema check reports.
func fixtureRules() []string {
	var ids []string
	for _, r := range Rules() {
		if (strings.HasPrefix(r.ID, "PC2") || strings.HasPrefix(r.ID, "PC3")) && r.ID != RuleNonCanonical {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// goldenText formats diagnostics as the golden files hold them: each String(), with
// the file name in slash form, and the fix on the next line.
func goldenText(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		d.File = filepath.ToSlash(d.File)
		b.WriteString(d.String() + "\n")
		if d.Fix != "" {
			b.WriteString("\tfix: " + d.Fix + "\n")
		}
	}
	return b.String()
}

// fixtureOptions are the lint options of a rule's fixtures, when not the defaults:
// PC313 is reported only for a file that goes to IIS, and a file that holds poolctl's
// values is taken to go to poolctl run.
var fixtureOptions = map[string]Options{RulePoolctlEncrypted: {For: secret.ForIIS}}

func TestRuleFixtures(t *testing.T) {
	var wantFiles []string
	for _, id := range fixtureRules() {
		wantFiles = append(wantFiles, id+".invalid.config", id+".invalid.golden", id+".valid.config")
	}
	entries, err := os.ReadDir(rulesDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	slices.Sort(wantFiles)
	if diff := gocmp.Diff(wantFiles, files); diff != "" && !*updateRules {
		t.Errorf("files of %s (-want +got):\n%s", rulesDir, diff)
	}
	for _, id := range fixtureRules() {
		t.Run(id+"/invalid", func(t *testing.T) {
			path := filepath.Join(rulesDir, id+".invalid.config")
			ds, err := LintFile(path, fixtureOptions[id])
			if err != nil {
				t.Fatal(err)
			}
			if len(diagsOf(ds, id)) == 0 {
				t.Errorf("%s: no %s diagnostic", path, id)
			}
			got := goldenText(ds)
			golden := filepath.Join(rulesDir, id+".invalid.golden")
			if *updateRules {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update-rules to create it)", err)
			}
			if diff := gocmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
		t.Run(id+"/valid", func(t *testing.T) {
			path := filepath.Join(rulesDir, id+".valid.config")
			ds, err := LintFile(path, fixtureOptions[id])
			if err != nil {
				t.Fatal(err)
			}
			if got := diagsOf(ds, id); len(got) > 0 {
				t.Errorf("%s: unexpected %s diagnostics:\n%s", path, id, goldenText(got))
			}
		})
	}
}

// TestRuleFixturesLoad checks that the fixtures are sound configurations: nothing in
// them that IIS would refuse to load, so that each shows its rule and nothing else.
func TestRuleFixturesLoad(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(rulesDir, "*.config"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			ds, err := LintFile(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if strings.HasPrefix(d.Rule, "PC0") || strings.HasPrefix(d.Rule, "PC1") || d.Rule == RuleNonCanonical {
					t.Errorf("%s", d)
				}
			}
		})
	}
}

// TestCorpus lints the real-world files of the shared corpus: none of them may draw an
// error from the reference rules, and the warnings and infos of the reference and
// advice rules are logged for review (go test -v -run TestCorpus).
func TestCorpus(t *testing.T) {
	paths := sharedtest.Glob(t, "*.config", "corpus", "real")
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			ds, err := LintFile(path, Options{Target: schema.IIS10})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if !strings.HasPrefix(d.Rule, "PC2") && (!strings.HasPrefix(d.Rule, "PC3") || d.Rule == RuleNonCanonical) {
					continue
				}
				if d.Severity == Error {
					t.Errorf("%s", d)
					continue
				}
				t.Logf("%s:%d:%d: %s %s: %s", filepath.Base(d.File), d.Line, d.Column, d.Severity, d.Rule, d.Message)
			}
		})
	}
}

func TestHoldsPoolctlValue(t *testing.T) {
	const poolctlValue = "[enc:PoolctlAesGcmProvider:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMk:enc]"
	tests := []struct {
		name  string
		pools string
		want  bool
	}{
		{"no password", `<add name="A" />`, false},
		{"clear text", `<add name="A"><processModel password="plain" /></add>`, false},
		{"IIS's provider", `<add name="A"><processModel password="[enc:IISWASOnlyAesProvider:QUJD:enc]" /></add>`, false},
		{"empty poolctl envelope", `<add name="A"><processModel password="[enc:PoolctlAesGcmProvider::enc]" /></add>`, false},
		{"a pool's", `<add name="A" /><add name="B"><processModel password="` + poolctlValue + `" /></add>`, true},
		{"the defaults'", `<applicationPoolDefaults><processModel password="` + poolctlValue + `" /></applicationPoolDefaults>`, true},
		{"the defaults' after a prefixed processModel", `<applicationPoolDefaults><x:processModel /><processModel password="` + poolctlValue + `" /></applicationPoolDefaults><add name="A" />`, true},
		{"a pool's prefixed processModel", `<add name="A"><x:processModel password="` + poolctlValue + `" /></add>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parse.ReadBytes("app.config", []byte(appHostConfig(tt.pools, "")), parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := parse.FromDocument(doc, parse.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := HoldsPoolctlValue(cfg); got != tt.want {
				t.Errorf("HoldsPoolctlValue = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestErrorsOnly lints every rule fixture, whose invalid files draw every reference and
// advice rule, with ErrorsOnly and without: the findings must be the errors of the full
// lint, so skipping the advice loses no error.
func TestErrorsOnly(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(rulesDir, "*.config"))
	if err != nil {
		t.Fatal(err)
	}
	schemaPaths, err := filepath.Glob(filepath.Join("testdata", "schema", "*.config"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range append(paths, schemaPaths...) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			id, _, _ := strings.Cut(filepath.Base(path), ".")
			opt := fixtureOptions[id]
			all, err := LintFile(path, opt)
			if err != nil {
				t.Fatal(err)
			}
			var want []Diagnostic
			for _, d := range all {
				if d.Severity == Error {
					want = append(want, d)
				}
			}
			opt.ErrorsOnly = true
			got, err := LintFile(path, opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(goldenText(want), goldenText(got)); diff != "" {
				t.Errorf("ErrorsOnly (-the full lint's errors +got):\n%s", diff)
			}
		})
	}
}

// TestAdviceFindsNoErrors checks what ErrorsOnly relies on to skip the advice: none of
// the rules it reports (PC3xx but PC310 and PC314, the schema check's) is an error.
func TestAdviceFindsNoErrors(t *testing.T) {
	for _, r := range Rules() {
		if strings.HasPrefix(r.ID, "PC3") && r.ID != RuleNonCanonical && r.ID != RuleBareTimeSpan && r.Severity == Error {
			t.Errorf("advice rule %s is an error: lint with ErrorsOnly would miss it", r.ID)
		}
	}
}

// TestErrorsOnlySkipsNoError checks what ErrorsOnly relies on to skip PC203 and PC204
// in the reference check: neither is an error.
func TestErrorsOnlySkipsNoError(t *testing.T) {
	for _, id := range []string{RuleUnusedPassword, RuleUnusedPool} {
		if r, _ := Lookup(id); r.Severity == Error {
			t.Errorf("%s is an error: lint with ErrorsOnly would miss it", id)
		}
	}
}
