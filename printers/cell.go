package printers

import (
	"strconv"
	"strings"
)

// Cell returns s as it can stand in a table cell: quoted when it is empty or holds a
// control character such as a tab or a newline, as it is otherwise.
func Cell(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return strconv.Quote(s)
	}
	return s
}

// OrDash returns s, or "-" for an empty s, so that a table cell is never blank.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
