package printers

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/poolctl/poolctl/validate"
)

// ANSI SGR sequences of the text format's colours.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// indent starts the lines that belong to a diagnostic: its source line, the
// caret under it and the fix.
const indent = "    "

// textPrinter writes one "file:line:col: severity RULE: message" line per
// diagnostic, like compilers do, with the source line, a caret under the
// column and the suggested fix below it, and a summary line at the end.
type textPrinter struct {
	color bool
}

// Print implements Printer.
func (p textPrinter) Print(w io.Writer, ds []validate.Diagnostic, s validate.Summary) error {
	bw := bufio.NewWriter(w)
	for _, d := range ds {
		p.diagnostic(bw, d)
	}
	if len(ds) > 0 {
		bw.WriteByte('\n')
	}
	bw.WriteString(summaryLine(s))
	bw.WriteByte('\n')
	return bw.Flush() // bufio.Writer keeps the first write error
}

// diagnostic writes d. Text that comes from the linted file is passed through
// sanitize, so that a hostile file cannot send escape sequences to the terminal.
// It writes each piece as it is, joining none: a findings-heavy lint prints tens of
// thousands of diagnostics.
func (p textPrinter) diagnostic(w *bufio.Writer, d validate.Diagnostic) {
	sev, caret, fix, bold, reset := d.Severity.String(), "^", "fix:", "", ""
	if p.color {
		c := severityColor(d.Severity)
		bold, reset = ansiBold, ansiReset
		sev = c + sev + ansiReset
		caret = c + caret + ansiReset
		fix = ansiGreen + fix + ansiReset
	}
	w.WriteString(bold)
	w.Write(appendLocation(w.AvailableBuffer(), d))
	writeAll(w, ":", reset, " ", sev, " ", sanitize(d.Rule), ": ", sanitize(d.Message), "\n")
	if d.SourceLine != "" {
		line := sanitize(d.SourceLine)
		writeAll(w, indent, line, "\n")
		// The caret may point just past the end of the line (at a missing
		// quote, say), not further.
		col := d.Column
		if d.SourceCol > 0 {
			col = d.SourceCol // line is a window of a long line
		}
		if col > 0 && col <= utf8.RuneCountInString(line)+1 {
			w.WriteString(indent)
			writeCaretPadding(w, line, col)
			writeAll(w, caret, "\n")
		}
	}
	if d.Fix != "" {
		writeAll(w, indent, fix, " ", sanitize(d.Fix), "\n")
	}
}

// writeAll writes each string in turn.
func writeAll(w *bufio.Writer, ss ...string) {
	for _, s := range ss {
		w.WriteString(s)
	}
}

// appendLocation appends where d is as "file:line:col", the file name sanitized,
// leaving out a line or column that is not known (zero), like go/token.Position
// does; "-" when nothing is. Appending to the writer's buffer, a findings-heavy lint
// builds no string for it (a few megabytes for 17,500 findings).
func appendLocation(dst []byte, d validate.Diagnostic) []byte {
	start := len(dst)
	dst = append(dst, sanitize(d.File)...)
	if d.Line > 0 {
		if d.File != "" {
			dst = append(dst, ':')
		}
		dst = strconv.AppendInt(dst, int64(d.Line), 10)
		if d.Column > 0 {
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, int64(d.Column), 10)
		}
	}
	if len(dst) == start {
		dst = append(dst, '-')
	}
	return dst
}

// writeCaretPadding writes what goes before the caret that points at column col
// (1-based, in runes) of line: a tab for each tab of the line, so that the caret
// lines up whatever the terminal's tab width, and a space for any other rune.
func writeCaretPadding(w *bufio.Writer, line string, col int) {
	n := 0
	for _, r := range line {
		if n >= col-1 {
			break
		}
		if r == '\t' {
			w.WriteByte('\t')
		} else {
			w.WriteByte(' ')
		}
		n++
	}
	for ; n < col-1; n++ {
		w.WriteByte(' ')
	}
}

// sanitize replaces the control characters of s other than tab (C0, DEL and
// C1, among them the ESC that starts terminal escape sequences) and its
// invalid UTF-8 bytes with U+FFFD. Each replaced character or byte stays one
// rune, so carets computed on the result still line up.
func sanitize(s string) string {
	if printableASCII(s) { // most text: nothing to replace, no rune to decode
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || 0x7f <= r && r < 0xa0 {
			return utf8.RuneError
		}
		return r
	}, s)
}

// printableASCII reports whether s holds only printable ASCII and tabs. It looks at
// eight bytes at a time: a findings-heavy lint passes megabytes of source lines and
// messages through it.
func printableASCII(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		below := (x - ones*0x20) &^ x & highs       // some byte is below 0x20
		above := (x + ones*(0x7f-0x7e) | x) & highs // some byte is 0x7f or above
		if below|above != 0 && !printableBytes(s[i:i+8]) {
			return false // a tab is below 0x20 but printable: the bytes decide
		}
	}
	return printableBytes(s[i:])
}

// printableBytes is printableASCII one byte at a time.
func printableBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// severityColor returns the colour of severity s: red errors, yellow warnings
// and cyan infos.
func severityColor(s validate.Severity) string {
	switch s {
	case validate.Error:
		return ansiRed
	case validate.Warning:
		return ansiYellow
	case validate.Info:
		return ansiCyan
	}
	return ""
}

// summaryLine returns "N errors, N warnings, N infos in N files", or "no
// problems in N files" when s counts no diagnostic.
func summaryLine(s validate.Summary) string {
	files := count(s.Files, "file", "files")
	if s.Errors == 0 && s.Warnings == 0 && s.Infos == 0 {
		return "no problems in " + files
	}
	return count(s.Errors, "error", "errors") + ", " + count(s.Warnings, "warning", "warnings") + ", " +
		count(s.Infos, "info", "infos") + " in " + files
}

// count returns n followed by the singular or the plural noun.
func count(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return strconv.Itoa(n) + " " + plural
}

// ColorEnabled reports whether text written to f may be coloured: f is a
// terminal (a character device), NO_COLOR is unset or empty (see
// https://no-color.org) and TERM is not "dumb". getenv looks up environment
// variables; nil means os.Getenv.
func ColorEnabled(f *os.File, getenv func(string) string) bool {
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" || f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
