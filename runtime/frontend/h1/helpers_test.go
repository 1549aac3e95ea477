package h1

import (
	"bufio"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// bufSizes are the reader buffer sizes every table runs with: bufio's
// smallest, the caller's, and one larger than MaxHeadBytes.
var bufSizes = []int{16, 4096, 64 << 10}

// fields returns the fields given as name, value pairs.
func fields(nameValues ...string) []Field {
	var fs []Field
	for i := 0; i < len(nameValues); i += 2 {
		fs = append(fs, Field{Name: nameValues[i], Value: nameValues[i+1]})
	}
	return fs
}

// head returns a request head from its lines, each ended with CRLF, and the
// empty line.
func head(lines ...string) string {
	return strings.Join(lines, "\r\n") + "\r\n\r\n"
}

// reader returns a reader of s with a buffer of size bytes.
func reader(s string, size int) *bufio.Reader {
	return bufio.NewReaderSize(strings.NewReader(s), size)
}

// status returns the status of err, a *Error, or 0.
func status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// forEachBufSize runs f as a subtest for every size of bufSizes.
func forEachBufSize(t *testing.T, f func(t *testing.T, size int)) {
	t.Helper()
	for _, size := range bufSizes {
		t.Run("buf"+strconv.Itoa(size), func(t *testing.T) { f(t, size) })
	}
}
