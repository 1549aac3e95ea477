// Package excerpt cuts long values that messages quote, so that a huge attribute
// value in a file is not echoed whole in findings and errors.
package excerpt

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Max is the longest value, in bytes, that a message shows whole.
const Max = 200

// String is a value quoted in a message: formatted with %s, %v or %q like a string
// when it is at most Max bytes long, else as its first Max bytes (cut at a character
// boundary) followed by "… (N bytes)", N being its full length.
type String string

// Format writes the value, cut when it is longer than Max.
func (s String) Format(f fmt.State, verb rune) {
	if len(s) <= Max {
		fmt.Fprintf(f, fmt.FormatString(f, verb), string(s))
		return
	}
	n := Max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	head := string(s[:n])
	if verb == 'q' {
		head = strconv.Quote(head)
	}
	io.WriteString(f, head+"… ("+strconv.Itoa(len(s))+" bytes)")
}

// ArgMax is the longest string argument Args leaves whole: more than Max, so that a
// part of a message that quotes a value already cut is not cut again.
const ArgMax = 1000

// Args returns args with every string longer than ArgMax as a String, for a message
// built by fmt from values of a file that no one has cut; shorter strings and other
// values stay as they are.
func Args(args []any) []any {
	var out []any
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > ArgMax {
			if out == nil {
				out = append([]any(nil), args...)
			}
			out[i] = String(s)
		}
	}
	if out == nil {
		return args
	}
	return out
}
