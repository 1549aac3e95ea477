package validate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSourceWindow checks that the window of a long line keeps the character the
// column points at under SourceCol, and says where it was cut.
func TestSourceWindow(t *testing.T) {
	// Each character is unique by position, in runes of one and two bytes.
	var b strings.Builder
	for i := range 5000 {
		b.WriteRune(rune('a' + i%26 + (i%3)*0xC0))
	}
	line := b.String()
	runes := []rune(line)
	tests := []struct {
		name               string
		col                int
		wantHead, wantTail bool // "…" at the start, "… (N bytes)" at the end
	}{
		{"column near the start", 5, false, true},
		{"column in the middle", 2500, true, true},
		{"column near the end", 4990, true, false},
		{"column just past the end", 5001, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := []Diagnostic{{Column: tt.col, SourceLine: line}}
			cutSourceLines(ds)
			w, col := ds[0].SourceLine, ds[0].SourceCol
			if n := utf8.RuneCountInString(w); n > sourceLead+300 {
				t.Errorf("window of %d runes", n)
			}
			if got := strings.HasPrefix(w, "…"); got != tt.wantHead {
				t.Errorf("window starts with …: %v, want %v", got, tt.wantHead)
			}
			if got := strings.HasSuffix(w, " bytes)"); got != tt.wantTail {
				t.Errorf("window ends with the length: %v, want %v", got, tt.wantTail)
			}
			wr := []rune(w)
			if tt.col <= len(runes) && (col < 1 || col > len(wr) || wr[col-1] != runes[tt.col-1]) {
				t.Errorf("SourceCol %d does not point at the column's character %q", col, runes[tt.col-1])
			}
		})
	}
	short := []Diagnostic{{Column: 3, SourceLine: "<add name=\"a\"/>"}}
	cutSourceLines(short)
	if short[0].SourceLine != "<add name=\"a\"/>" || short[0].SourceCol != 0 {
		t.Errorf("a short line changed: %+v", short[0])
	}
}
