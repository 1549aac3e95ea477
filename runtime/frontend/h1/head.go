package h1

import (
	"bufio"
	"bytes"
)

// maxEmptyLines is how many empty lines before a request line are skipped
// (RFC 9112 2.2: at least one).
const maxEmptyLines = 4

// skipEmptyLines consumes the empty lines before a request line. It returns
// io.EOF when br ends cleanly before a request starts.
func skipEmptyLines(br *bufio.Reader) error {
	for range maxEmptyLines + 1 {
		b, err := br.Peek(1)
		if err != nil {
			return err
		}
		n := 1
		switch b[0] {
		case '\n':
		case '\r':
			if b, err = br.Peek(2); err != nil {
				return unexpected(err)
			}
			if b[1] != '\n' {
				return errBareCR
			}
			n = 2
		default:
			return nil
		}
		br.Discard(n)
	}
	return errEmptyLines
}

// ReadHead reads the message head (a start line and fields, through the empty
// line) that starts at br, of at most limit bytes, and returns its bytes, which
// stay valid until br's next read. It returns io.EOF when br ends before the
// head's first byte, io.ErrUnexpectedEOF when it ends inside it, ErrTooLong
// past limit, and br's other read errors as they are.
func ReadHead(br *bufio.Reader, limit int) ([]byte, error) {
	from := 0
	for {
		n := br.Buffered()
		buf, _ := br.Peek(n)
		if end := headEnd(buf, from, limit); end > 0 {
			br.Discard(end)
			return buf[:end], nil
		}
		if n >= limit {
			return nil, ErrTooLong
		}
		if n == br.Size() {
			return readLongHead(br, limit)
		}
		from = max(n-2, 0)
		if _, err := br.Peek(n + 1); err != nil {
			if n == 0 {
				return nil, err
			}
			return nil, unexpected(err)
		}
	}
}

// readLongHead reads a head that does not fit in br's buffer, which is full.
func readLongHead(br *bufio.Reader, limit int) ([]byte, error) {
	long := make([]byte, 0, min(limit, 4*br.Size()))
	for {
		buf, _ := br.Peek(br.Buffered())
		from := max(len(long)-2, 0)
		kept := len(long)
		long = append(long, buf[:min(len(buf), limit-kept)]...)
		if end := headEnd(long, from, limit); end > 0 {
			br.Discard(end - kept)
			return long[:end], nil
		}
		if len(long) == limit {
			return nil, ErrTooLong
		}
		br.Discard(len(buf))
		if _, err := br.Peek(1); err != nil {
			return nil, unexpected(err)
		}
	}
}

// headEnd returns the length of the head at the start of b, through the first
// empty line ("\n\n" or "\n\r\n"), searching from b[from], or -1 when b holds
// no end of head. Only the first limit bytes are searched.
func headEnd(b []byte, from, limit int) int {
	b = b[:min(len(b), limit)]
	if from > len(b) {
		return -1
	}
	for i := from; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j + 1
		if i < len(b) && b[i] == '\n' {
			return i + 1
		}
		if i+1 < len(b) && b[i] == '\r' && b[i+1] == '\n' {
			return i + 2
		}
	}
}
