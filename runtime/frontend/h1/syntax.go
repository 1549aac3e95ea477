package h1

import (
	"bufio"
	"strings"
)

// ValidName reports whether name is a field name: a token (RFC 9110 5.1).
func ValidName(name string) bool { return isToken(name) }

// ValidValue reports whether v may be a field value (or a reason phrase): no
// control byte but HTAB (RFC 9110 5.5).
func ValidValue(v string) bool { return validBytes(v) }

// CanonicalName returns the field name name in canonical form ("Content-Type",
// as textproto.CanonicalMIMEHeaderKey gives it), without allocating when it is
// already canonical.
func CanonicalName(name string) string {
	if n, canonical := scanName(name); canonical || n < len(name) {
		return name // canonical, or no token: left as it is
	}
	var b strings.Builder
	b.Grow(len(name))
	writeCanonical(&b, name)
	return b.String()
}

// HeadBuffered reports whether br already holds a whole head (through its empty
// line), so that reading it cannot block.
func HeadBuffered(br *bufio.Reader) bool {
	buf, _ := br.Peek(br.Buffered())
	return headEnd(buf, 0, MaxHeadBytes) > 0
}
