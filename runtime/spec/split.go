package spec

import (
	"fmt"
	"strings"
)

// SplitError is a string SplitWords cannot split: a quote that is not closed.
type SplitError struct {
	Offset int    // the byte offset of the opening quote
	Msg    string // what is wrong
}

// Error returns the message with the offset.
func (e *SplitError) Error() string {
	return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg)
}

// SplitWords splits s into words as a POSIX shell splits a command line, and interprets
// nothing else. Words are separated by unquoted spaces, tabs and newlines. Inside
// single quotes every character is literal. Inside double quotes a backslash escapes
// only '"', '\', '$', '`' and a newline (a backslash-newline is removed); before any
// other character it is kept. Outside quotes a backslash makes the next character
// literal (a backslash-newline is removed, and a backslash at the very end is kept, as
// sh keeps it). Quotes join with what touches them ("a"'b'c is one word, abc), and
// an empty pair of quotes is an empty word. There is no globbing, no $VAR or ~
// expansion, no comments, and no operators: *, $HOME, #, | and ; are ordinary
// characters. An unclosed quote is a *SplitError.
func SplitWords(s string) ([]string, error) {
	words, _, err := split(s)
	return words, err
}

// splitter holds the state of one SplitWords.
type splitter struct {
	s       string
	i       int
	words   []string
	cur     strings.Builder
	inWord  bool  // cur holds a word, possibly empty (after "")
	escaped []int // offsets of backslashes outside quotes before an ordinary character
}

// split is SplitWords that also returns the offsets of backslashes, outside quotes, that
// escape a character with no special meaning to a shell (".\app.dll"): Windows path
// separators that a shell, and so SplitWords, drops.
func split(s string) ([]string, []int, error) {
	sp := &splitter{s: s}
	for sp.i < len(s) {
		if err := sp.step(); err != nil {
			return nil, nil, err
		}
	}
	sp.endWord()
	return sp.words, sp.escaped, nil
}

// step consumes one character, or one quoted part, of the input.
func (sp *splitter) step() error {
	switch c := sp.s[sp.i]; c {
	case ' ', '\t', '\n':
		sp.endWord()
		sp.i++
	case '\'':
		return sp.singleQuoted()
	case '"':
		return sp.doubleQuoted()
	case '\\':
		sp.backslash()
	default:
		sp.inWord = true
		sp.cur.WriteByte(c)
		sp.i++
	}
	return nil
}

// endWord ends the current word, if there is one.
func (sp *splitter) endWord() {
	if sp.inWord {
		sp.words = append(sp.words, sp.cur.String())
		sp.cur.Reset()
		sp.inWord = false
	}
}

// singleQuoted consumes '...' with every character literal.
func (sp *splitter) singleQuoted() error {
	start := sp.i
	end := strings.IndexByte(sp.s[start+1:], '\'')
	if end < 0 {
		return &SplitError{Offset: start, Msg: "unclosed single quote"}
	}
	sp.inWord = true
	sp.cur.WriteString(sp.s[start+1 : start+1+end])
	sp.i = start + end + 2
	return nil
}

// doubleQuoted consumes "..." in which a backslash escapes only " \ $ ` and newline.
func (sp *splitter) doubleQuoted() error {
	start := sp.i
	sp.inWord = true
	for i := start + 1; i < len(sp.s); i++ {
		switch c := sp.s[i]; {
		case c == '"':
			sp.i = i + 1
			return nil
		case c == '\\' && i+1 < len(sp.s) && strings.IndexByte("\"\\$`\n", sp.s[i+1]) >= 0:
			if sp.s[i+1] != '\n' {
				sp.cur.WriteByte(sp.s[i+1])
			}
			i++
		default:
			sp.cur.WriteByte(c)
		}
	}
	return &SplitError{Offset: start, Msg: "unclosed double quote"}
}

// backslash consumes a backslash outside quotes and the character it escapes.
func (sp *splitter) backslash() {
	i := sp.i
	if i+1 == len(sp.s) { // kept, as sh keeps a final backslash
		sp.inWord = true
		sp.cur.WriteByte('\\')
		sp.i++
		return
	}
	next := sp.s[i+1]
	sp.i += 2
	if next == '\n' { // line continuation
		return
	}
	if !isShellSpecial(next) {
		sp.escaped = append(sp.escaped, i)
	}
	sp.inWord = true
	sp.cur.WriteByte(next)
}

// isShellSpecial reports whether a shell gives c a meaning that a backslash would
// take away, so that escaping it is deliberate.
func isShellSpecial(c byte) bool {
	return strings.IndexByte(" \t\n'\"\\$`|&;<>()*?[]#~=%{}!", c) >= 0
}
