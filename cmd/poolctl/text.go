package main

import (
	"strconv"
	"strings"
)

// joinOr joins words as "a, b or c".
func joinOr(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// displayText returns s as it can stand in a table cell: quoted when it is empty or
// holds a control character such as a tab or a newline, as it is otherwise.
func displayText(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return strconv.Quote(s)
	}
	return s
}

// orDash returns s, or "-" for an empty s, so that a table cell is never blank.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
