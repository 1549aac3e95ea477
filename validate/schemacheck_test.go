package validate

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/internal/sharedtest"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// updateSchema rewrites the golden files of testdata/schema from the current output.
var updateSchema = flag.Bool("update-schema", false, "rewrite the golden files in testdata/schema")

// schemaRules are the rules checkSchema reports.
var schemaRules = map[string]bool{
	RuleMisplacedSection: true, RuleUnknownElement: true, RuleUnknownAttribute: true,
	RuleInvalidValue: true, RuleOutOfRange: true, RuleInvalidString: true,
	RuleMissingRequired: true, RuleDuplicateKey: true, RuleNotInTarget: true,
	RuleDuplicateElement: true, RuleNonCanonical: true, RuleBareTimeSpan: true,
}

// lintSchema runs checkSchema alone over the configuration at path, read for target.
func lintSchema(t *testing.T, path string, target schema.Version) []Diagnostic {
	t.Helper()
	doc, err := parse.ReadFile(path, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return lintSchemaDoc(t, doc, target)
}

// lintSchemaBytes runs checkSchema alone over a configuration held in memory.
func lintSchemaBytes(t *testing.T, name, src string, target schema.Version) []Diagnostic {
	t.Helper()
	doc, err := parse.ReadBytes(name, []byte(src), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return lintSchemaDoc(t, doc, target)
}

// lintSchemaDoc resolves doc for target, runs checkSchema alone and returns its
// findings in order.
func lintSchemaDoc(t *testing.T, doc *parse.Document, target schema.Version) []Diagnostic {
	t.Helper()
	p, err := newPass(Options{Target: target}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.cfg, err = parse.FromDocument(doc, parse.LoadOptions{Version: target})
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(p)
	return p.finish()
}

func TestCheckSchemaFixtures(t *testing.T) {
	tests := []struct {
		// name is the fixtures' stem in testdata/schema: NAME.invalid.config draws the
		// findings in NAME.golden, NAME.valid.config draws none. The stem starts with
		// the rule the fixture is about.
		name   string
		target schema.Version
		// newer, when set, is a version on which the invalid fixture draws nothing:
		// the features it uses are that version's.
		newer schema.Version
	}{
		{name: "PC003", target: schema.IIS10},
		{name: "PC003-configSource", target: schema.IIS10},
		{name: "PC101", target: schema.IIS10},
		{name: "PC102", target: schema.IIS10},
		{name: "PC103", target: schema.IIS10},
		{name: "PC104", target: schema.IIS10},
		{name: "PC105", target: schema.IIS10},
		{name: "PC106", target: schema.IIS10},
		{name: "PC107", target: schema.IIS10},
		{name: "PC108-iis7.0", target: schema.IIS70, newer: schema.IIS75},
		{name: "PC108-iis7.5", target: schema.IIS75, newer: schema.IIS80},
		{name: "PC108-iis8.0", target: schema.IIS80, newer: schema.IIS85},
		{name: "PC108-iis8.5", target: schema.IIS85, newer: schema.IIS10},
		{name: "PC109", target: schema.IIS10},
		{name: "PC310", target: schema.IIS10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := filepath.Join("testdata", "schema", tt.name)
			got := lintSchema(t, base+".invalid.config", tt.target)
			schemaCheckGolden(t, base+".golden", goldenText(got))
			rule, _, _ := strings.Cut(tt.name, "-")
			if !schemaHasRule(got, rule) {
				t.Errorf("%s.invalid.config draws no %s", tt.name, rule)
			}
			for _, d := range got {
				if !schemaRules[d.Rule] {
					t.Errorf("checkSchema reported rule %s: %v", d.Rule, d)
				}
			}
			if diff := cmp.Diff("", goldenText(lintSchema(t, base+".valid.config", tt.target))); diff != "" {
				t.Errorf("%s.valid.config on %s draws findings (-want +got):\n%s", tt.name, tt.target, diff)
			}
			if tt.newer != 0 {
				if diff := cmp.Diff("", goldenText(lintSchema(t, base+".invalid.config", tt.newer))); diff != "" {
					t.Errorf("%s.invalid.config on %s draws findings (-want +got):\n%s", tt.name, tt.newer, diff)
				}
			}
		})
	}
}

func schemaHasRule(ds []Diagnostic, rule string) bool {
	for _, d := range ds {
		if d.Rule == rule {
			return true
		}
	}
	return false
}

// schemaCheckGolden compares got with the golden file at path, or rewrites the file when
// -update-schema is set.
func schemaCheckGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateSchema {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update-schema to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// corpusOldest is, for each corpus file, the oldest IIS version whose schema accepts
// it. Older targets must reject it only for features they do not have yet (PC108).
var corpusOldest = map[string]schema.Version{
	"01-c1982-IIS-SharedGitConfig.config":     schema.IIS70,
	"02-coso-configuration-supernova.config":  schema.IIS70,
	"03-dorik84-Web-Server-IIS.config":        schema.IIS80, // <binding sslFlags> (SNI, IIS 8.0); setProfileEnvironment (7.5)
	"04-0001vrn-ASP.Net-Web-Api-Demo.config":  schema.IIS75, // CLRConfigFile (IIS Express, 7.5 schema)
	"05-MarkKharitonov-wcf-to-corewcf.config": schema.IIS75, // CLRConfigFile, setProfileEnvironment
	"06-00raq00-OAuth2JWTAuthSample.config":   schema.IIS75, // CLRConfigFile
}

func TestCheckSchemaCorpus(t *testing.T) {
	files := sharedtest.Glob(t, "*.config", "corpus", "real")
	for _, file := range files {
		oldest, known := corpusOldest[filepath.Base(file)]
		if !known {
			oldest = schema.IIS10
		}
		for _, v := range schema.Versions() {
			t.Run(filepath.Base(file)+"/"+v.String(), func(t *testing.T) {
				ds, err := LintFile(file, Options{Target: v})
				if err != nil {
					t.Fatal(err)
				}
				errs := schemaErrors(ds)
				switch {
				case v >= oldest && len(errs) > 0:
					t.Errorf("errors on %s:\n%s", v, goldenText(errs))
				case v < oldest && known && len(errs) == 0:
					t.Errorf("no error on %s; corpusOldest says the file needs %s", v, oldest)
				}
				for _, d := range errs {
					if d.Rule != RuleNotInTarget {
						t.Errorf("older target %s rejects the file for more than newer features: %v", v, d)
					}
				}
			})
		}
	}
}

// schemaErrors returns the error-severity findings of checkSchema's rules and of the
// reader (PC001, PC002); other checks have their own corpus tests.
func schemaErrors(ds []Diagnostic) []Diagnostic {
	var out []Diagnostic
	for _, d := range ds {
		if d.Severity == Error && (schemaRules[d.Rule] || d.Rule == RuleMalformedXML || d.Rule == RuleConfigSource) {
			out = append(out, d)
		}
	}
	return out
}

func TestCheckSchemaPositions(t *testing.T) {
	lines := []string{
		`<configuration>`,
		`  <system.applicationHost>`,
		`    <applicationPools>`,
		`      <add name="Shop" queueLength="5" />`,
		`      <add name="Caf&#233;/Bar" />`,
		`      <add name="Café|Bar" managedPipelineMode="classic" />`,
		`      <add name="Blog"><processModel idleTimout="00:10:00" /></add>`,
		`      <add name="R&amp;D"><ProcessModel /></add>`,
		`      <add name="Api"><processModel idleTimeout="00:30:30" /></add>`,
		`    </applicationPools>`,
		`  </system.applicationHost>`,
		`</configuration>`,
	}
	type at struct {
		Rule      string
		Line, Col int
	}
	want := []at{
		{RuleOutOfRange, 4, schemaColumn(lines[3], `5" />`)},
		{RuleInvalidString, 5, schemaColumn(lines[4], `/Bar`)},
		{RuleInvalidString, 6, schemaColumn(lines[5], `|Bar`)},
		{RuleNonCanonical, 6, schemaColumn(lines[5], `classic`)},
		{RuleUnknownAttribute, 7, schemaColumn(lines[6], `idleTimout`)},
		{RuleInvalidString, 8, schemaColumn(lines[7], `&amp;`)},
		{RuleUnknownElement, 8, schemaColumn(lines[7], `<ProcessModel`)},
		{RuleOutOfRange, 9, schemaColumn(lines[8], `00:30:30`)},
	}
	ds := lintSchemaBytes(t, "positions.config", strings.Join(lines, "\n"), schema.IIS10)
	var got []at
	for _, d := range ds {
		got = append(got, at{d.Rule, d.Line, d.Column})
		if d.SourceLine != lines[d.Line-1] {
			t.Errorf("%v: SourceLine %q, want %q", d, d.SourceLine, lines[d.Line-1])
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

// schemaColumn returns the 1-based column, in runes, of the first occurrence of sub in line.
func schemaColumn(line, sub string) int {
	i := strings.Index(line, sub)
	if i < 0 {
		panic("schemaColumn: " + sub + " not in " + line)
	}
	return utf8.RuneCountInString(line[:i]) + 1
}

func TestCheckSchemaPositionsCRLFAndBOM(t *testing.T) {
	src := "\uFEFF<configuration>\r\n<system.applicationHost>\r\n<applicationPools>\r\n" +
		"<add name=\"Shop\" queueLength=\"5\" />\r\n</applicationPools>\r\n</system.applicationHost>\r\n</configuration>\r\n"
	ds := lintSchemaBytes(t, "crlf.config", src, schema.IIS10)
	if len(ds) != 1 {
		t.Fatalf("got %d findings, want 1:\n%s", len(ds), goldenText(ds))
	}
	if d := ds[0]; d.Line != 4 || d.Column != 31 || d.SourceLine != `<add name="Shop" queueLength="5" />` {
		t.Errorf("got %d:%d %q, want 4:31 with the line's text", d.Line, d.Column, d.SourceLine)
	}
}

func TestCheckSchemaMessages(t *testing.T) {
	const pools = `<configuration><system.applicationHost><applicationPools>%s</applicationPools></system.applicationHost></configuration>`
	tests := []struct {
		name    string
		target  schema.Version
		content string
		want    []string // "RULE: message | fix"
	}{
		{
			name:    "max processes zero before 8.0",
			target:  schema.IIS75,
			content: `<add name="Shop"><processModel maxProcesses="0" /></add>`,
			want: []string{`PC108: pool "Shop": processModel.maxProcesses "0" (one worker per NUMA node) needs IIS 8.0 or later (target iis7.5)` +
				` | use a value iis7.5 accepts, or lint with --target iis8.0 if every server runs IIS 8.0 or later`},
		},
		{
			name:    "max processes zero on 8.0",
			target:  schema.IIS80,
			content: `<add name="Shop"><processModel maxProcesses="0" /></add>`,
		},
		{
			name:    "idle timeout action on 8.0",
			target:  schema.IIS80,
			content: `<add name="Shop"><processModel idleTimeoutAction="Suspend" /></add>`,
			want: []string{`PC108: pool "Shop": processModel.idleTimeoutAction needs IIS 8.5 or later (target iis8.0)` +
				` | remove the attribute, or lint with --target iis8.5 if every server runs IIS 8.5 or later`},
		},
		{
			name:    "granularity",
			target:  schema.IIS10,
			content: `<add name="Shop"><processModel idleTimeout="00:30:30" /></add>`,
			want:    []string{`PC104: pool "Shop": processModel.idleTimeout "00:30:30" must be a whole multiple of 60 seconds (whole minutes) | `},
		},
		{
			name:    "queue length",
			target:  schema.IIS10,
			content: `<add name="Shop" queueLength="5" />`,
			want:    []string{`PC104: pool "Shop": queueLength "5" must be from 10 to 65535 | `},
		},
		{
			name:    "lower-case attribute",
			target:  schema.IIS10,
			content: `<add name="Shop"><processModel idletimeout="00:10:00" /></add>`,
			want: []string{`PC102: pool "Shop": unrecognized attribute "idletimeout" on <processModel> (attribute names are case-sensitive)` +
				` | did you mean idleTimeout?`},
		},
		{
			name:    "numeric enum",
			target:  schema.IIS10,
			content: `<add name="Shop"><processModel identityType="4" /></add>`,
			want: []string{`PC310: pool "Shop": processModel.identityType "4" is the number of "ApplicationPoolIdentity"; write the name (whether IIS accepts numbers is not documented)` +
				` | identityType="ApplicationPoolIdentity"`},
		},
		{
			name:    "other case enum",
			target:  schema.IIS10,
			content: `<add name="Shop"><processModel identityType="networkservice" /></add>`,
			want: []string{`PC310: pool "Shop": processModel.identityType "networkservice" is spelled "NetworkService" in the schema; IIS matches it case-insensitively` +
				` | identityType="NetworkService"`},
		},
		{
			name:    "unnamed pool",
			target:  schema.IIS10,
			content: `<add queueLength="5" />`,
			want: []string{
				`PC106: <add> in <applicationPools> has no name attribute, which IIS requires | add name="..."`,
				`PC104: pool (no name): queueLength "5" must be from 10 to 65535 | `,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := lintSchemaBytes(t, "m.config", fmt.Sprintf(pools, tt.content), tt.target)
			var got []string
			for _, d := range ds {
				got = append(got, d.Rule+": "+d.Message+" | "+d.Fix)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	names := []string{"processModel", "recycling", "failure", "cpu", "environmentVariables"}
	tests := []struct {
		name, want string
	}{
		{"ProcessModel", "did you mean processModel?"},
		{"procesModel", "did you mean processModel?"},
		{"recyling", "did you mean recycling?"},
		{"CPU", "did you mean cpu?"},
		{"healthMonitoring", "none"},
		{"gpu", "did you mean cpu?"},
		{"xy", "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := didYouMean(tt.name, names, "none"); got != tt.want {
				t.Errorf("didYouMean(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"idleTimout", "idleTimeout", 1},
		{"idletimeout", "idleTimeout", 1},
		{"kitten", "sitting", 3},
		{"Café", "Cafe", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := editDistance(tt.a, tt.b, 100); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := editDistance(tt.b, tt.a, 100); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestAppendFold(t *testing.T) {
	tests := []struct{ a, b string }{
		{"DefaultAppPool", "defaultapppool"},
		{"\u212Aelvin", "kelvin"}, // the Kelvin sign folds to k
		{"ΣΊΣΥΦΟΣ", "σίσυφος"},
		{"Straße", "STRAßE"},
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			if !strings.EqualFold(tt.a, tt.b) {
				t.Fatalf("bad test: %q and %q are not EqualFold", tt.a, tt.b)
			}
			if fa, fb := string(appendFold(nil, tt.a)), string(appendFold(nil, tt.b)); fa != fb {
				t.Errorf("appendFold(%q) = %q, appendFold(%q) = %q; want equal", tt.a, fa, tt.b, fb)
			}
		})
	}
	if string(appendFold(nil, "Shop")) == string(appendFold(nil, "Shops")) {
		t.Error("appendFold conflates different names")
	}
}

// TestRepeatedValues checks the memo of clean values: a value reported for one pool is
// reported for every pool that writes it, a clean value stays clean, and a text clean
// for one attribute is still checked for another.
func TestRepeatedValues(t *testing.T) {
	pool := `<add name="%s"><processModel idleTimeout="%s" pingInterval="%s" loadUserProfile="%s" /></add>`
	var pools []string
	for i, vals := range [][3]string{
		{"00:05:00", "00:05:00", "true"}, // clean, remembered
		{"00:05:00", "00:05:00", "true"}, // the same, from the memo
		{"20", "00:05:00", "True"},       // PC314, PC310
		{"20", "00:05:00", "True"},       // the same again
		{"00:05:00", "true", "00:05:00"}, // texts clean for other attributes: PC103 twice
	} {
		pools = append(pools, fmt.Sprintf(pool, fmt.Sprint("P", i), vals[0], vals[1], vals[2]))
	}
	src := `<configuration><system.applicationHost><applicationPools>` + strings.Join(pools, "") +
		`</applicationPools></system.applicationHost></configuration>`
	var got []string
	for _, d := range lintSchemaBytes(t, "repeated.config", src, schema.IIS10) {
		got = append(got, fmt.Sprintf("%s %d", d.Rule, d.Column))
	}
	col := func(pool int, attr string) int {
		return len(`<configuration><system.applicationHost><applicationPools>`+strings.Join(pools[:pool], "")) +
			strings.Index(pools[pool], attr+`="`) + len(attr) + 3
	}
	want := []string{
		fmt.Sprintf("%s %d", RuleBareTimeSpan, col(2, "idleTimeout")),
		fmt.Sprintf("%s %d", RuleNonCanonical, col(2, "loadUserProfile")),
		fmt.Sprintf("%s %d", RuleBareTimeSpan, col(3, "idleTimeout")),
		fmt.Sprintf("%s %d", RuleNonCanonical, col(3, "loadUserProfile")),
		fmt.Sprintf("%s %d", RuleInvalidValue, col(4, "pingInterval")),
		fmt.Sprintf("%s %d", RuleInvalidValue, col(4, "loadUserProfile")),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestGeneralAttributesLock checks what walker.attributes relies on to skip looking
// most attributes up: every general attribute starts with "lock".
func TestGeneralAttributesLock(t *testing.T) {
	for name := range generalAttributes {
		if !strings.HasPrefix(name, "lock") {
			t.Errorf("general attribute %q does not start with \"lock\"", name)
		}
	}
}
