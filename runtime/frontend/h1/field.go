package h1

import (
	"bytes"
	"strings"
)

// Field is one header field: its name in canonical form ("Content-Type", as
// textproto.CanonicalMIMEHeaderKey gives it) and its value without leading and
// trailing spaces and tabs.
type Field struct{ Name, Value string }

// fieldSpan locates a field line's name and value in a head (or in the line
// itself, from scanField): name = head[nameStart:nameEnd], value =
// head[valueStart:valueEnd].
type fieldSpan struct {
	nameStart, nameEnd, valueStart, valueEnd int32
	canonical                                bool // whether the name is in canonical form
}

// scanFields checks the field lines of the head raw, which ends with its empty
// line, and appends their spans to spans.
func scanFields(raw []byte, spans []fieldSpan) ([]fieldSpan, *Error) {
	i := bytes.IndexByte(raw, '\n') + 1 // after the request line
	for {
		n := bytes.IndexByte(raw[i:], '\n')
		line := raw[i : i+n]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) == 0 {
			return spans, nil
		}
		s, e := scanField(line)
		if e != nil {
			return nil, e
		}
		at := int32(i)
		s.nameStart, s.nameEnd, s.valueStart, s.valueEnd = at, at+s.nameEnd, at+s.valueStart, at+s.valueEnd
		spans = append(spans, s)
		i += n + 1
	}
}

// scanField checks a field line without its line end,
// field-name ":" OWS field-value OWS (RFC 9112 5), and locates its parts.
func scanField(line []byte) (fieldSpan, *Error) {
	if line[0] == ' ' || line[0] == '\t' {
		return fieldSpan{}, errObsFold
	}
	n, canonical := scanName(line)
	if n == 0 || n == len(line) || line[n] != ':' {
		return fieldSpan{}, errFieldName
	}
	start, end := n+1, len(line)
	for start < end && (line[start] == ' ' || line[start] == '\t') {
		start++
	}
	for end > start && (line[end-1] == ' ' || line[end-1] == '\t') {
		end--
	}
	if !validValue(line[start:end]) {
		return fieldSpan{}, errFieldValue
	}
	return fieldSpan{0, int32(n), int32(start), int32(end), canonical}, nil
}

// scanName returns the length of the token at the start of b and whether it
// is in canonical form: upper case at its start and after each '-', lower case
// elsewhere.
func scanName[T string | []byte](b T) (n int, canonical bool) {
	canonical = true
	upper := true
	for ; n < len(b) && tchars[b[n]]; n++ {
		c := b[n]
		if upper && 'a' <= c && c <= 'z' || !upper && 'A' <= c && c <= 'Z' {
			canonical = false
		}
		upper = c == '-'
	}
	return n, canonical
}

// newHead returns a copy of raw, a head whose fields are at spans, in one
// string, with every field name in canonical form.
func newHead(raw []byte, spans []fieldSpan) string {
	var b strings.Builder
	b.Grow(len(raw))
	done := 0
	for _, s := range spans {
		if !s.canonical {
			b.Write(raw[done:s.nameStart])
			writeCanonical(&b, raw[s.nameStart:s.nameEnd])
			done = int(s.nameEnd)
		}
	}
	b.Write(raw[done:])
	return b.String()
}

// writeCanonical writes the token name to b in canonical form.
func writeCanonical[T string | []byte](b *strings.Builder, name T) {
	upper := true
	for i := range len(name) {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
		upper = c == '-'
	}
}
