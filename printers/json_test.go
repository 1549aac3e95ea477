package printers

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/validate"
)

func TestJSONGolden(t *testing.T) {
	testGolden(t, "json", Options{})
}

// TestJSONShape decodes the output strictly: exactly the documented keys,
// "fix" only when there is one, the values of the diagnostics and summary.
func TestJSONShape(t *testing.T) {
	ds, s := fixture()
	out := render(t, "json", Options{}, ds, s)

	var keys map[string]json.RawMessage
	if err := json.Unmarshal(out, &keys); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(keys); !slices.Equal(got, []string{"diagnostics", "summary"}) {
		t.Errorf("top-level keys %q", got)
	}
	var raw []map[string]any
	if err := json.Unmarshal(keys["diagnostics"], &raw); err != nil {
		t.Fatal(err)
	}
	for i, d := range raw {
		want := []string{"column", "file", "line", "message", "rule", "severity"}
		if ds[i].Fix != "" {
			want = []string{"column", "file", "fix", "line", "message", "rule", "severity"}
		}
		if got := sortedKeys(d); !slices.Equal(got, want) {
			t.Errorf("diagnostic %d has keys %q, want %q", i, got, want)
		}
	}

	var got struct {
		Diagnostics []jsonDiagnostic
		Summary     validate.Summary
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	var want []jsonDiagnostic
	for _, d := range ds {
		want = append(want, jsonDiagnostic{d.File, d.Line, d.Column, d.Severity.String(), d.Rule, d.Message, d.Fix})
	}
	if diff := cmp.Diff(want, got.Diagnostics); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if got.Summary != s {
		t.Errorf("summary %+v, want %+v", got.Summary, s)
	}
	if !bytes.Contains(out, []byte(`"message": "unknown attribute \"idletimeout\" on <processModel>"`)) {
		t.Errorf("< and > are escaped, or the message is missing:\n%s", out)
	}
}

func TestJSONEmpty(t *testing.T) {
	for _, ds := range [][]validate.Diagnostic{nil, {}} {
		out := string(render(t, "json", Options{}, ds, validate.Summary{Files: 3}))
		if !strings.Contains(out, `"diagnostics": [],`) || strings.Contains(out, "null") {
			t.Errorf("diagnostics %#v gave\n%s", ds, out)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestJSONIsTheEncoders checks that the JSON format is, byte for byte, what
// encoding/json writes for the whole report indented by two spaces with HTML escaping
// off, for text that takes every path of jsonStrings: plain ASCII, quotes and
// backslashes, tabs and other control characters, <, > and &, non-ASCII letters,
// U+2028, invalid UTF-8 and DEL.
func TestJSONIsTheEncoders(t *testing.T) {
	texts := []string{
		"", "plain", `pool "Shop": a\b`, `"`, `\`, "tab\there", "line\nbreak\r", "\x00\x1b[31m",
		"<add> & <remove>", "Café 日本", "sep\u2028arator\u2029", "bad \xff\xfe utf-8", "del\x7f",
	}
	var ds []validate.Diagnostic
	for i, text := range texts {
		ds = append(ds, validate.Diagnostic{
			File: "dir/" + text + ".config", Line: i + 1, Column: 10 * i, Severity: validate.Severity(i % 3),
			Rule: "PC" + text, Message: "message " + text, Fix: text,
		})
	}
	s := validate.Summary{Files: 2, Errors: 5, Warnings: 4, Infos: 4}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	report := struct {
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
		Summary     jsonSummary      `json:"summary"`
	}{Diagnostics: []jsonDiagnostic{}, Summary: jsonSummary{s.Files, s.Errors, s.Warnings, s.Infos}}
	for _, d := range ds {
		report.Diagnostics = append(report.Diagnostics, jsonDiagnostic{d.File, d.Line, d.Column, d.Severity.String(), d.Rule, d.Message, d.Fix})
	}
	if err := enc.Encode(report); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), string(render(t, "json", Options{}, ds, s))); diff != "" {
		t.Errorf("output differs from encoding/json's (-encoding/json +printer):\n%s", diff)
	}
}
