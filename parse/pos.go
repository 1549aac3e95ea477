package parse

import (
	"github.com/beevik/etree"

	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// Unicode characters (runes), not bytes. Offset is the 0-based byte offset.
//
// For a UTF-16 file, Offset counts bytes of the file's UTF-8 decoding
// (including a three-byte byte order mark), the text the tree was built from.
type Pos struct {
	File   string
	Line   int
	Col    int
	Offset int
}

// String returns the position as "file:line:col", or "line:col" when File is
// empty.
func (p Pos) String() string {
	s := strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	if p.File != "" {
		s = p.File + ":" + s
	}
	return s
}

// IsValid reports whether the position is known, that is whether Line > 0.
func (p Pos) IsValid() bool { return p.Line > 0 }

// lineIndex turns byte offsets of a text into lines. It is built on first
// use, so that reading a document that never needs a position does not pay
// for it.
type lineIndex struct {
	once   sync.Once
	starts []int32 // offset of the first byte of each line; starts[0] == 0
	crlf   int     // number of CR LF line breaks
}

// build fills the index for text. A line ends at LF, at CR LF and at a CR
// that no LF follows, as XML's end-of-line handling has it.
func (x *lineIndex) build(text string) {
	x.once.Do(func() {
		lf := strings.Count(text, "\n")
		cr := strings.Count(text, "\r")
		if cr > 0 {
			x.crlf = strings.Count(text, "\r\n")
		}
		x.starts = make([]int32, 1, 1+lf+cr-x.crlf)
		if cr == x.crlf {
			// Every CR is part of a CR LF: the LFs alone end lines.
			for i := 0; ; {
				j := strings.IndexByte(text[i:], '\n')
				if j < 0 {
					break
				}
				i += j + 1
				x.starts = append(x.starts, int32(i))
			}
			return
		}
		for i := 0; i < len(text); i++ {
			switch text[i] {
			case '\r':
				if i+1 < len(text) && text[i+1] == '\n' {
					i++
				}
				x.starts = append(x.starts, int32(i+1))
			case '\n':
				x.starts = append(x.starts, int32(i+1))
			}
		}
	})
}

// PosAt returns the position of the byte at offset, a byte offset in
// Source (for a UTF-16 file, in its UTF-8 decoding; see Pos). An offset
// outside the text is moved to its nearest end.
func (d *Document) PosAt(offset int) Pos {
	offset = min(max(offset, 0), len(d.text))
	d.lines.build(d.text)
	i, found := slices.BinarySearch(d.lines.starts, int32(offset))
	if !found {
		i--
	}
	start := int(d.lines.starts[i])
	if i == 0 {
		// A byte order mark is not a character of the first line.
		start = min(d.bomLen, offset)
	}
	return Pos{
		File:   d.Name,
		Line:   i + 1,
		Col:    1 + utf8.RuneCountInString(d.text[start:offset]),
		Offset: offset,
	}
}

// LineEnding returns the document's dominant line ending: "\r\n" when most
// of its line breaks are CR LF, else "\n". Writers adding lines use it, and
// WriteTo writes the line breaks of new text with it.
func (d *Document) LineEnding() string {
	d.lines.build(d.text)
	if breaks := len(d.lines.starts) - 1; d.lines.crlf > 0 && 2*d.lines.crlf >= breaks {
		return "\r\n"
	}
	return "\n"
}

// Line returns the text of line n (1-based) without its line ending, or "" when the
// document has no such line.
func (d *Document) Line(n int) string {
	d.lines.build(d.text)
	if n < 1 || n > len(d.lines.starts) {
		return ""
	}
	start := int(d.lines.starts[n-1])
	if n == 1 {
		start = d.bomLen
	}
	end := len(d.text)
	if n < len(d.lines.starts) {
		end = int(d.lines.starts[n])
	}
	return strings.TrimRight(d.text[start:end], "\r\n")
}

// Comments calls f for every comment of the document as read, in document order, with
// the position of its "<!--" and of its "-->". It needs no index: linters that look
// for directives in comments call it on large files.
func (d *Document) Comments(f func(c *etree.Comment, start, end Pos)) {
	for i := range d.leaves.len() {
		o := d.leaves.at(i)
		if c, ok := o.t.(*etree.Comment); ok {
			f(c, d.PosAt(int(o.start)), d.PosAt(int(o.end)-len("-->")))
		}
	}
}
