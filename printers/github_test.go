package printers

import (
	"strings"
	"testing"

	"github.com/poolctl/poolctl/validate"
)

func TestGitHubGolden(t *testing.T) {
	testGolden(t, "github", Options{})
}

// TestGitHubEscape checks the escapes against those of GitHub's toolkit:
// actions/toolkit, packages/core/src/command.ts, has
//
//	function escapeData(s: any): string {
//	  return toCommandValue(s)
//	    .replace(/%/g, '%25')
//	    .replace(/\r/g, '%0D')
//	    .replace(/\n/g, '%0A')
//	}
//
//	function escapeProperty(s: any): string {
//	  return toCommandValue(s)
//	    .replace(/%/g, '%25')
//	    .replace(/\r/g, '%0D')
//	    .replace(/\n/g, '%0A')
//	    .replace(/:/g, '%3A')
//	    .replace(/,/g, '%2C')
//	}
//
// and the GitHub community discussion "What is the correct character escaping
// for workflow command values" (github.com/orgs/community/discussions/26736)
// finds the same: %0A is a newline, so a literal % must be %25.
func TestGitHubEscape(t *testing.T) {
	for _, tc := range []struct {
		in, data, property string
	}{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"}, // an encoding in the text stays text
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"C:\\x, y: z", "C:\\x, y: z", "C%3A\\x%2C y%3A z"},
		{"a::b", "a::b", "a%3A%3Ab"},
		{"Café", "Café", "Café"},
	} {
		if got := escapeData(tc.in); got != tc.data {
			t.Errorf("escapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := escapeProperty(tc.in); got != tc.property {
			t.Errorf("escapeProperty(%q) = %q, want %q", tc.in, got, tc.property)
		}
	}
}

// TestGitHubOneLinePerDiagnostic checks that whatever the message, fix and
// file name hold, each diagnostic is one command on one line.
func TestGitHubOneLinePerDiagnostic(t *testing.T) {
	ds := []validate.Diagnostic{
		{File: "a,b:c.config", Line: 1, Column: 2, Severity: validate.Error, Rule: "PC101", Message: "two\nlines\r", Fix: "x::y"},
		{File: "b.config", Severity: validate.Warning, Rule: "PC302", Message: "no position"},
		{Severity: validate.Info, Message: "no file, no rule"},
	}
	out := string(render(t, "github", Options{}, ds, validate.Summary{Files: 2, Errors: 1, Warnings: 1, Infos: 1}))
	want := "::error file=a%2Cb%3Ac.config,line=1,col=2,title=PC101::two%0Alines%0D%0Afix: x::y\n" +
		"::warning file=b.config,title=PC302::no position\n" +
		"::notice::no file, no rule\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if n := strings.Count(out, "\n"); n != len(ds) {
		t.Errorf("%d lines for %d diagnostics", n, len(ds))
	}
}
