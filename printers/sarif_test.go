package printers

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/poolctl/poolctl/validate"
)

// sarifOptions are the options of the SARIF golden tests.
var sarifOptions = Options{ToolVersion: "1.2.3-test"}

func TestSARIFGolden(t *testing.T) {
	testGolden(t, "sarif", sarifOptions)
}

// compileSARIFSchema compiles testdata/sarif-schema-2.1.0.json, the SARIF 2.1.0
// JSON schema as OASIS publishes it (oasis-tcs/sarif-spec,
// Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json). It is a
// draft-07 schema, which the compiler tells from its $schema; under draft-07
// the compiler also asserts formats ("uri", "uri-reference").
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// validateSARIF validates a SARIF log against the schema.
func validateSARIF(t *testing.T, sch *jsonschema.Schema, name string, log []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return sch.Validate(inst)
}

// TestSARIFSchema validates the golden SARIF logs, and the log of
// diagnostics at the edges (no position, no file, an unknown rule, an
// absolute path), against the official schema.
func TestSARIFSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	goldens, err := filepath.Glob(filepath.Join("testdata", "sarif", "*.golden"))
	if err != nil || len(goldens) < 2 {
		t.Fatalf("golden SARIF logs: %q, %v", goldens, err)
	}
	for _, file := range goldens {
		if err := validateSARIF(t, sch, file, readFile(t, file)); err != nil {
			t.Errorf("%s is not valid SARIF 2.1.0:\n%v", file, err)
		}
	}

	abs, _ := filepath.Abs("some dir/app.config")
	edges := []validate.Diagnostic{
		{File: "a.config", Severity: validate.Error, Rule: validate.RuleConfigSource, Message: "no position"},
		{File: "a.config", Line: 3, Severity: validate.Warning, Rule: validate.RuleLocalSystem, Message: "no column"},
		{Severity: validate.Info, Rule: "PC999", Message: "no file, unknown rule"},
		{File: abs, Line: 1, Column: 1, Severity: validate.Error, Message: "absolute path, no rule"},
		{File: "<stdin>", Line: 1, Column: 1, Severity: validate.Error, Rule: "PC001", Message: "standard input"},
	}
	for _, opt := range []Options{{}, sarifOptions} {
		out := render(t, "sarif", opt, edges, validate.Summary{Files: 3, Errors: 1, Warnings: 1, Infos: 1})
		if err := validateSARIF(t, sch, "edges", out); err != nil {
			t.Errorf("invalid SARIF 2.1.0:\n%v\n%s", err, out)
		}
	}
}

// TestSARIFSchemaRejects makes sure the schema check can fail: a log with a
// level SARIF does not know, or a region at line 0, is rejected.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := compileSARIFSchema(t)
	ds, s := fixture()
	good := string(render(t, "sarif", sarifOptions, ds, s))
	for name, bad := range map[string]string{
		"level info":  strings.Replace(good, `"level": "note"`, `"level": "info"`, 1),
		"startLine 0": strings.Replace(good, `"startLine": 4`, `"startLine": 0`, 1),
		"no version":  strings.Replace(good, `"version": "2.1.0",`, ``, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		if err := validateSARIF(t, sch, name, []byte(bad)); err == nil {
			t.Errorf("%s: the schema accepted an invalid log", name)
		}
	}
}

// TestSARIFContent decodes the log and checks what the schema cannot: every
// rule is described, each result's ruleIndex points at its rule, levels,
// messages with fixes, locations and the tool version.
func TestSARIFContent(t *testing.T) {
	ds, s := fixture()
	var log sarifLog
	if err := json.Unmarshal(render(t, "sarif", sarifOptions, ds, s), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	if d := run.Tool.Driver; d.Name != "poolctl" || d.Version != "1.2.3-test" || d.InformationURI != "https://github.com/poolctl/poolctl" {
		t.Errorf("driver %q %q %q", d.Name, d.Version, d.InformationURI)
	}
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	rules := validate.Rules()
	if len(run.Tool.Driver.Rules) != len(rules) {
		t.Fatalf("%d rules, want %d", len(run.Tool.Driver.Rules), len(rules))
	}
	levels := map[validate.Severity]string{validate.Error: "error", validate.Warning: "warning", validate.Info: "note"}
	for i, r := range rules {
		got := run.Tool.Driver.Rules[i]
		if got.ID != r.ID || got.Name != r.Name || got.ShortDescription.Text != r.Summary ||
			got.FullDescription.Text != r.Explanation || got.Help.Text != r.Explanation ||
			got.DefaultConfiguration.Level != levels[r.Severity] {
			t.Errorf("rule %d = %+v, does not describe %+v", i, got, r)
		}
	}
	if len(run.Results) != len(ds) {
		t.Fatalf("%d results, want %d", len(run.Results), len(ds))
	}
	for i, res := range run.Results {
		d := ds[i]
		if res.RuleID != d.Rule || res.RuleIndex == nil || run.Tool.Driver.Rules[*res.RuleIndex].ID != d.Rule {
			t.Errorf("result %d: ruleId %q, ruleIndex %v, want %s", i, res.RuleID, res.RuleIndex, d.Rule)
		}
		if res.Level != levels[d.Severity] {
			t.Errorf("result %d: level %q, want %q", i, res.Level, levels[d.Severity])
		}
		want := d.Message
		if d.Fix != "" {
			want += " Fix: " + d.Fix
		}
		if res.Message.Text != want {
			t.Errorf("result %d: message %q, want %q", i, res.Message.Text, want)
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region == nil ||
			loc.Region.StartLine != d.Line || loc.Region.StartColumn != d.Column {
			t.Errorf("result %d: location %+v %+v", i, loc.ArtifactLocation, loc.Region)
		}
	}

	empty := string(render(t, "sarif", Options{}, nil, validate.Summary{}))
	if !strings.Contains(empty, `"results": []`) {
		t.Errorf("no results is not []:\n%s", empty)
	}
	var noVersion sarifLog
	if err := json.Unmarshal([]byte(empty), &noVersion); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(empty, `"version": "`) && noVersion.Runs[0].Tool.Driver.Version != "" ||
		strings.Count(empty, `"version"`) != 1 {
		t.Errorf("driver version not left out without ToolVersion:\n%.400s", empty)
	}
}

func TestArtifactURI(t *testing.T) {
	type uri struct{ uri, base string }
	tests := map[string]uri{
		"applicationHost.config":  {"applicationHost.config", "%SRCROOT%"},
		"sites/Shop, Café.config": {"sites/Shop,%20Caf%C3%A9.config", "%SRCROOT%"},
		"./a/../b/c.config":       {"b/c.config", "%SRCROOT%"},
		"../up.config":            {"../up.config", "%SRCROOT%"},
		"a:b.config":              {"./a:b.config", "%SRCROOT%"}, // not a scheme
		"100%.config":             {"100%25.config", "%SRCROOT%"},
		"x#y?.config":             {"x%23y%3F.config", "%SRCROOT%"},
		"<stdin>":                 {"%3Cstdin%3E", "%SRCROOT%"},
	}
	if runtime.GOOS == "windows" {
		tests[`conf\app.config`] = uri{"conf/app.config", "%SRCROOT%"}
		tests[`C:\inetpub\app host.config`] = uri{"file:///C:/inetpub/app%20host.config", ""}
	} else {
		tests["/etc/iis/app host.config"] = uri{"file:///etc/iis/app%20host.config", ""}
	}
	for in, want := range tests {
		var got uri
		got.uri, got.base = artifactURI(in)
		if got != want {
			t.Errorf("artifactURI(%q) = %q, %q; want %q, %q", in, got.uri, got.base, want.uri, want.base)
		}
	}
}

// TestSARIFInvocation checks the run's invocation: successful when every file was
// linted; unsuccessful, with a notification naming file:line:col for each, when a file
// was not well-formed (PC001), for which lint exits 2.
func TestSARIFInvocation(t *testing.T) {
	malformed := []validate.Diagnostic{
		{File: "bad.config", Line: 4, Column: 7, Severity: validate.Error, Rule: validate.RuleMalformedXML, Message: "element <applicationPools> closed by </system.applicationHost>"},
		{File: "good.config", Line: 9, Column: 3, Severity: validate.Error, Rule: validate.RuleUnknownPool, Message: "no such pool"},
	}
	tests := []struct {
		name    string
		ds      []validate.Diagnostic
		ok      bool
		notices []string
	}{
		{name: "findings", ds: malformed[1:], ok: true},
		{name: "nothing", ok: true},
		{name: "malformed", ds: malformed, notices: []string{"could not lint bad.config:4:7: element <applicationPools> closed by </system.applicationHost>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, "sarif", sarifOptions, tt.ds, validate.Summary{Files: 2})
			if tt.name == "malformed" {
				checkGolden(t, "sarif", "malformed", out)
			}
			var log sarifLog
			if err := json.Unmarshal(out, &log); err != nil {
				t.Fatal(err)
			}
			invs := log.Runs[0].Invocations
			if len(invs) != 1 {
				t.Fatalf("%d invocations, want 1", len(invs))
			}
			var notices []string
			for _, n := range invs[0].ToolExecutionNotifications {
				notices = append(notices, n.Message.Text)
				if n.Level != "error" || n.AssociatedRule == nil || n.AssociatedRule.ID != "PC001" || len(n.Locations) != 1 {
					t.Errorf("notification %+v: want level error, rule PC001 and the file's location", n)
				}
			}
			if invs[0].ExecutionSuccessful != tt.ok || !slices.Equal(notices, tt.notices) {
				t.Errorf("executionSuccessful %v, notifications %q; want %v, %q", invs[0].ExecutionSuccessful, notices, tt.ok, tt.notices)
			}
		})
	}
}
