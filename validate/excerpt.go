package validate

import (
	"strconv"

	"github.com/poolctl/poolctl/internal/excerpt"
)

// The window of a long source line that a diagnostic shows: this many runes before
// the column, and excerpt.Max runes from it.
const sourceLead = 80

// cutSourceLines replaces each source line longer than fits a window of sourceLead +
// excerpt.Max runes by the window around its column, with "…" where it was cut and the
// line's length at the end, and sets SourceCol to the column in the window: a file
// with a huge value on one line is not echoed whole.
func cutSourceLines(ds []Diagnostic) {
	for i := range ds {
		d := &ds[i]
		if len(d.SourceLine) <= sourceLead+excerpt.Max {
			continue
		}
		d.SourceLine, d.SourceCol = sourceWindow(d.SourceLine, max(d.Column, 1))
	}
}

// sourceWindow returns the window of line around column col (1-based, in runes), and
// the column of col in the window.
func sourceWindow(line string, col int) (string, int) {
	first := max(col-1-sourceLead, 0)  // the rune the window starts at
	start, end := len(line), len(line) // byte offsets of the window's first and past-last runes
	n := 0
	for i := range line {
		if n == first {
			start = i
		}
		if n == col-1+excerpt.Max {
			end = i
			break
		}
		n++
	}
	w, wcol := line[start:end], col
	if first > 0 {
		w, wcol = "…"+w, sourceLead+2 // one for the "…"
	}
	if end < len(line) {
		w += "… (" + strconv.Itoa(len(line)) + " bytes)"
	}
	return w, wcol
}
