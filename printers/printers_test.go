package printers

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the printers' output")

// fixture returns the diagnostics of the golden tests: two files (the second
// with a space, a comma and a non-ASCII letter in its name), every severity,
// a source line with tabs and one with a tab and a non-ASCII letter, a
// diagnostic without a source line, fixes, and a message with %, : and ,.
func fixture() ([]validate.Diagnostic, validate.Summary) {
	ds := []validate.Diagnostic{
		{
			File: "applicationHost.config", Line: 4, Column: 17,
			Severity: validate.Error, Rule: validate.RuleUnknownAttribute,
			Message:    `unknown attribute "idletimeout" on <processModel>`,
			Fix:        `idleTimeout="00:20:00"`,
			SourceLine: "\t\t<processModel idletimeout=\"00:20:00\" />",
		},
		{
			File: "applicationHost.config", Line: 9, Column: 49,
			Severity: validate.Error, Rule: validate.RuleUnknownPool,
			Message:    `application "/" of site "Café" runs in pool "Shopp", which does not exist`,
			SourceLine: "\t<site name=\"Café\" id=\"1\"><application path=\"/\" applicationPool=\"Shopp\" /></site>",
		},
		{
			File: "applicationHost.config", Line: 12, Column: 66,
			Severity: validate.Warning, Rule: validate.RulePlaintextPassword,
			Message:    `the password of pool "Shop" is stored in clear text`,
			SourceLine: `        <processModel identityType="SpecificUser" userName="svc" password="s3cret" />`,
		},
		{
			File: "sites/Shop, Café.config", Line: 3, Column: 3,
			Severity: validate.Info, Rule: validate.RuleUnusedPool,
			Message: `pool "Legacy" is not used by any application`,
		},
		{
			File: "sites/Shop, Café.config", Line: 7, Column: 43,
			Severity: validate.Warning, Rule: validate.RulePingResponseShort,
			Message:    `pingResponseTime 00:00:10 is shorter than pingInterval 00:00:30: at 100% load, a busy worker is recycled`,
			Fix:        `pingResponseTime="00:00:30"`,
			SourceLine: `    <processModel pingInterval="00:00:30" pingResponseTime="00:00:10" />`,
		},
	}
	s := validate.Summary{Files: 2}
	s.Add(ds)
	return ds, s
}

// checkGolden compares got with testdata/<format>/<name>.golden, or writes
// the file when the test runs with -update.
func checkGolden(t *testing.T, format, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", format, name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s: output differs from the golden file (-want +got; go test -update rewrites it):\n%s", file, diff)
	}
}

// render runs the printer of format with opt over ds and s.
func render(t *testing.T, format string, opt Options, ds []validate.Diagnostic, s validate.Summary) []byte {
	t.Helper()
	p, err := New(format, opt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.Print(&buf, ds, s); err != nil {
		t.Fatalf("Print: %v", err)
	}
	return buf.Bytes()
}

// testGolden checks the output of format for the fixture and for a run
// without diagnostics against the golden files "diagnostics" and "empty".
func testGolden(t *testing.T, format string, opt Options) {
	t.Helper()
	ds, s := fixture()
	before := slices.Clone(ds)
	checkGolden(t, format, "diagnostics", render(t, format, opt, ds, s))
	if !slices.Equal(ds, before) {
		t.Errorf("Print changed its diagnostics")
	}
	checkGolden(t, format, "empty", render(t, format, opt, nil, validate.Summary{Files: 1}))
}

func TestFormats(t *testing.T) {
	got := Formats()
	if want := []string{"text", "json", "sarif", "github"}; !slices.Equal(got, want) {
		t.Errorf("Formats() = %q, want %q", got, want)
	}
	got[0] = "changed"
	if Formats()[0] != "text" {
		t.Errorf("Formats returns the package's own slice")
	}
	for _, f := range Formats() {
		if p, err := New(f, Options{}); err != nil || p == nil {
			t.Errorf("New(%q) = %v, %v", f, p, err)
		}
	}
}

func TestNewUnknownFormat(t *testing.T) {
	for _, f := range []string{"", "xml", "TEXT", "checkstyle"} {
		p, err := New(f, Options{})
		if err == nil {
			t.Errorf("New(%q) = %v, want an error", f, p)
			continue
		}
		for _, known := range Formats() {
			if !strings.Contains(err.Error(), known) {
				t.Errorf("New(%q) error %q does not list format %q", f, err, known)
			}
		}
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestPrintReportsWriteErrors(t *testing.T) {
	ds, s := fixture()
	for _, f := range Formats() {
		p, err := New(f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Print(failingWriter{}, ds, s); err == nil {
			t.Errorf("%s: Print to a failing writer returned nil", f)
		}
	}
}

// readFile returns the contents of file, failing the test if it cannot.
func readFile(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzPrinters checks what must hold whatever a diagnostic holds: text output
// has no control character but tab and newline, valid UTF-8, a fixed number
// of lines and a caret under the column; a GitHub command is one line; JSON
// and SARIF are valid JSON.
func FuzzPrinters(f *testing.F) {
	ds, _ := fixture()
	for _, d := range ds {
		f.Add(d.File, d.Line, d.Column, d.Message, d.Fix, d.SourceLine)
	}
	f.Add("a\x1b.config", 0, 0, "m\r\n\x00", "f\xff", "\t\x9b[31m")
	f.Fuzz(func(t *testing.T, file string, line, col int, msg, fix, src string) {
		d := validate.Diagnostic{File: file, Line: line, Column: col, Severity: validate.Warning,
			Rule: validate.RuleWebGarden, Message: msg, Fix: fix, SourceLine: src}
		ds, s := []validate.Diagnostic{d}, validate.Summary{Files: 1, Warnings: 1}

		text := string(render(t, "text", Options{}, ds, s))
		if !utf8.ValidString(text) || strings.ContainsFunc(text, func(r rune) bool {
			return r < 0x20 && r != '\t' && r != '\n' || 0x7f <= r && r < 0xa0
		}) {
			t.Fatalf("text output has control characters or invalid UTF-8: %q", text)
		}
		lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		want := 3 // header, blank, summary
		if src != "" {
			want++
			if col > 0 && col <= utf8.RuneCountInString(src)+1 {
				want++
				caret := strings.TrimPrefix(lines[2], indent)
				if n := utf8.RuneCountInString(caret); n != col || !strings.HasSuffix(caret, "^") {
					t.Fatalf("caret line %q for column %d", lines[2], col)
				}
			}
		}
		if fix != "" {
			want++
		}
		if len(lines) != want {
			t.Fatalf("%d lines, want %d: %q", len(lines), want, text)
		}

		gh := string(render(t, "github", Options{}, ds, s))
		if strings.Count(gh, "\n") != 1 || !strings.HasSuffix(gh, "\n") || strings.Contains(gh, "\r") {
			t.Fatalf("GitHub output is not one line: %q", gh)
		}
		for _, format := range []string{"json", "sarif"} {
			if out := render(t, format, Options{}, ds, s); !json.Valid(out) {
				t.Fatalf("%s output is not valid JSON: %s", format, out)
			}
		}
	})
}
