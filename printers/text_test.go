package printers

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/validate"
)

func TestTextGolden(t *testing.T) {
	testGolden(t, "text", Options{})
	ds, s := fixture()
	checkGolden(t, "text", "color", render(t, "text", Options{Color: true}, ds, s))
}

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTextColor checks that colour adds escape sequences and nothing else,
// and that the plain output has none.
func TestTextColor(t *testing.T) {
	ds, s := fixture()
	plain := render(t, "text", Options{}, ds, s)
	color := render(t, "text", Options{Color: true}, ds, s)
	if bytes.Contains(plain, []byte("\x1b")) {
		t.Errorf("plain output has an escape character:\n%s", plain)
	}
	if !ansiEscape.Match(color) {
		t.Fatalf("colour output has no escape sequence:\n%s", color)
	}
	if stripped := ansiEscape.ReplaceAll(color, nil); !bytes.Equal(stripped, plain) {
		t.Errorf("colour output without its escapes:\n%s\ndiffers from the plain output:\n%s", stripped, plain)
	}
	for sev, code := range map[validate.Severity]string{validate.Error: ansiRed, validate.Warning: ansiYellow, validate.Info: ansiCyan} {
		if want := code + sev.String() + ansiReset; !bytes.Contains(color, []byte(want)) {
			t.Errorf("colour output lacks %q", want)
		}
	}
}

// TestTextHeader checks that a diagnostic's first line is Diagnostic.String.
func TestTextHeader(t *testing.T) {
	ds, _ := fixture()
	for _, d := range ds {
		out := string(render(t, "text", Options{}, []validate.Diagnostic{d}, validate.Summary{}))
		if got, _, _ := strings.Cut(out, "\n"); got != d.String() {
			t.Errorf("first line %q, want %q", got, d.String())
		}
	}
}

// TestTextCaret checks that the caret sits under the column: the padding
// repeats the line's tabs and has one space for every other rune.
func TestTextCaret(t *testing.T) {
	for _, tc := range []struct {
		line string
		col  int
		want string
	}{
		{"abc", 1, ""},
		{"abc", 3, "  "},
		{"\t\tx", 3, "\t\t"},
		{"\tCafé x", 7, "\t     "}, // é is one rune though two bytes
		{" \t日本 x", 6, " \t   "},
		{"ab", 3, "  "}, // just past the end of the line
	} {
		var b strings.Builder
		w := bufio.NewWriter(&b)
		writeCaretPadding(w, tc.line, tc.col)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != tc.want {
			t.Errorf("writeCaretPadding(%q, %d) wrote %q, want %q", tc.line, tc.col, got, tc.want)
		}
	}
	out := string(render(t, "text", Options{}, []validate.Diagnostic{{
		File: "a.config", Line: 1, Column: 7, Severity: validate.Error, Rule: "PC101",
		Message: "m", SourceLine: "\t<é>\t<x/>",
	}}, validate.Summary{Files: 1, Errors: 1}))
	want := "a.config:1:7: error PC101: m\n" +
		"    \t<é>\t<x/>\n" +
		"    \t   \t ^\n" +
		"\n1 error, 0 warnings, 0 infos in 1 file\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
}

// TestTextPositions checks unknown lines and columns (zero) and an empty file
// name: they are left out. A diagnostic without a column, or with one beyond
// the end of the line, gets no caret.
func TestTextPositions(t *testing.T) {
	for _, tc := range []struct {
		d    validate.Diagnostic
		want string
	}{
		{validate.Diagnostic{File: "a.config", Line: 3, Column: 0, SourceLine: "<x/>"}, "a.config:3: warning PC001: m\n    <x/>\n"},
		{validate.Diagnostic{File: "a.config", Line: 3, Column: 5, SourceLine: "<x/>"}, "a.config:3:5: warning PC001: m\n    <x/>\n        ^\n"},
		{validate.Diagnostic{File: "a.config", Line: 3, Column: 6, SourceLine: "<x/>"}, "a.config:3:6: warning PC001: m\n    <x/>\n"},
		{validate.Diagnostic{File: "a.config"}, "a.config: warning PC001: m\n"},
		{validate.Diagnostic{Line: 2, Column: 5}, "2:5: warning PC001: m\n"},
		{validate.Diagnostic{}, "-: warning PC001: m\n"},
	} {
		tc.d.Severity, tc.d.Rule, tc.d.Message = validate.Warning, "PC001", "m"
		out := string(render(t, "text", Options{}, []validate.Diagnostic{tc.d}, validate.Summary{}))
		if got, _, _ := strings.Cut(out, "\n\n"); got+"\n" != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.d, got+"\n", tc.want)
		}
	}
}

// TestTextSanitize checks that control characters from the linted file do not
// reach the terminal, and that the caret still lines up.
func TestTextSanitize(t *testing.T) {
	d := validate.Diagnostic{
		File: "evil\x1b[2J.config", Line: 1, Column: 6, Severity: validate.Error, Rule: validate.RuleMalformedXML,
		Message: "bad \x1b]0;title\x07 name", Fix: "x\ry", SourceLine: "<a\x1b[\xffb\t",
	}
	out := string(render(t, "text", Options{}, []validate.Diagnostic{d}, validate.Summary{Files: 1, Errors: 1}))
	if strings.ContainsAny(out, "\x1b\x07\r") || !strings.Contains(out, "\t") {
		t.Errorf("control characters got through, or the tab did not:\n%q", out)
	}
	want := "evil\uFFFD[2J.config:1:6: error PC001: bad \uFFFD]0;title\uFFFD name\n" +
		"    <a\uFFFD[\uFFFDb\t\n" +
		"         ^\n" +
		"    fix: x\uFFFDy\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("got\n%q\nwant prefix\n%q", out, want)
	}
	if s := "plain\ttext, Café"; sanitize(s) != s {
		t.Errorf("sanitize(%q) = %q", s, sanitize(s))
	}
}

// TestSanitize checks sanitize on both sides of its printable-ASCII fast path.
func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"printable ASCII", " ~plain\ttext", " ~plain\ttext"},
		{"DEL", "a\x7fb", "a\uFFFDb"},
		{"C1 NEL", "a\u0085b", "a\uFFFDb"},
		{"ESC", "\x1b[2J", "\uFFFD[2J"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"non-ASCII letters", "Café ü", "Café ü"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sanitize(tc.in); got != tc.want {
				t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSummaryLine(t *testing.T) {
	for _, tc := range []struct {
		s    validate.Summary
		want string
	}{
		{validate.Summary{Files: 0}, "no problems in 0 files"},
		{validate.Summary{Files: 1}, "no problems in 1 file"},
		{validate.Summary{Files: 3}, "no problems in 3 files"},
		{validate.Summary{Files: 1, Errors: 1}, "1 error, 0 warnings, 0 infos in 1 file"},
		{validate.Summary{Files: 2, Warnings: 1, Infos: 1}, "0 errors, 1 warning, 1 info in 2 files"},
		{validate.Summary{Files: 5, Errors: 2, Warnings: 3, Infos: 4}, "2 errors, 3 warnings, 4 infos in 5 files"},
	} {
		if got := summaryLine(tc.s); got != tc.want {
			t.Errorf("summaryLine(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestColorEnabled(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}

	regular, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()

	for _, tc := range []struct {
		name   string
		f      *os.File
		getenv func(string) string
	}{
		{"regular file", regular, env("TERM", "xterm-256color")},
		{"pipe", w, env("TERM", "xterm-256color")},
		{"nil file", nil, env()},
	} {
		if ColorEnabled(tc.f, tc.getenv) {
			t.Errorf("%s: ColorEnabled = true, want false", tc.name)
		}
	}

	// A character device stands in for a terminal: os.DevNull is one on Unix.
	tty, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no %s: %v", os.DevNull, err)
	}
	defer tty.Close()
	if fi, err := tty.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Skipf("%s is not a character device here", os.DevNull)
	}
	for _, tc := range []struct {
		name   string
		getenv func(string) string
		want   bool
	}{
		{"terminal", env("TERM", "xterm-256color"), true},
		{"terminal, no TERM", env(), true},
		{"terminal, NO_COLOR empty", env("NO_COLOR", "", "TERM", "xterm"), true},
		{"NO_COLOR=1", env("NO_COLOR", "1", "TERM", "xterm"), false},
		{"NO_COLOR=0", env("NO_COLOR", "0"), false}, // any non-empty value, per no-color.org
		{"TERM=dumb", env("TERM", "dumb"), false},
	} {
		if got := ColorEnabled(tty, tc.getenv); got != tc.want {
			t.Errorf("%s: ColorEnabled = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestPrintableASCII checks the eight-bytes-at-a-time test against the byte loop for
// every byte value at every position of a string longer than two words, alone and
// after a 0xff (whose carry crosses into the next byte).
func TestPrintableASCII(t *testing.T) {
	for c := range 256 {
		for pos := range 19 {
			for _, before := range []byte{'a', 0xff} {
				b := bytes.Repeat([]byte{'a'}, 19)
				if pos > 0 {
					b[pos-1] = before
				}
				b[pos] = byte(c)
				if got, want := printableASCII(string(b)), printableBytes(string(b)); got != want {
					t.Fatalf("printableASCII(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}

// TestAppendLocation checks the location of a diagnostic in every shape: what is not
// known (zero) is left out, "-" when nothing is, and the file name is sanitized.
func TestAppendLocation(t *testing.T) {
	for _, tc := range []struct {
		file      string
		line, col int
		want      string
	}{
		{"a.config", 3, 7, "a.config:3:7"},
		{"a.config", 3, 0, "a.config:3"},
		{"a.config", 0, 7, "a.config"},
		{"", 3, 7, "3:7"},
		{"", 0, 0, "-"},
		{"a\x1b[2J.config", 1, 1, "a\uFFFD[2J.config:1:1"},
	} {
		d := validate.Diagnostic{File: tc.file, Line: tc.line, Column: tc.col}
		if got := string(appendLocation([]byte("x "), d)); got != "x "+tc.want {
			t.Errorf("appendLocation(%q, %d, %d) = %q, want %q", tc.file, tc.line, tc.col, got, "x "+tc.want)
		}
	}
}
