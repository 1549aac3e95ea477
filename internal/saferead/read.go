package saferead

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// NotRegularError reports a path that names something other than a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

// Error names the path and what it is.
func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, Kind(e.Mode))
}

// TooLargeError reports input larger than the limit it was read with.
type TooLargeError struct {
	Name  string
	Limit int64
}

// Error names the input and the limit.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than the limit of %d bytes", e.Name, e.Limit)
}

// Kind names the type of a file mode for messages: "a directory", "a FIFO", ...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}

// Open opens path for reading and returns it only when the file opened is a
// regular file; a FIFO does not block the open. Symlinks are followed, and the check
// is made on the opened descriptor, so a file swapped after a check cannot slip by.
func Open(path string) (*os.File, error) {
	f, err := openNonblock(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	return f, nil
}

// ReadFile reads the regular file at path, refusing it when it holds more than
// limit bytes.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, path, limit)
}

// readOpened reads the opened regular file f with limit.
func readOpened(f *os.File, name string, limit int64) ([]byte, error) {
	return ReadOpened(f, name, limit, nil)
}

// ReadOpened reads f, a regular file from Open, as ReadFile reads the file at a path;
// name is used in errors. made, when not nil, is given each buffer the read makes,
// before the read fills it (package parse has the pages of a large one mapped on
// another core meanwhile).
func ReadOpened(f *os.File, name string, limit int64, made func([]byte)) ([]byte, error) {
	size := int64(0)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	if size > limit {
		return nil, &TooLargeError{Name: name, Limit: limit}
	}
	return readAll(f, name, limit, size, made)
}

// ReadAll reads r to its end, stopping with a *TooLargeError as soon as more than
// limit bytes have come; name is used in that error.
func ReadAll(r io.Reader, name string, limit int64) ([]byte, error) {
	return readAll(r, name, limit, 0, nil)
}

// readAll reads r into chunks that it joins at the end, so that reading endless input
// up to the limit holds about limit bytes (a buffer that doubles holds up to three
// times that while it copies), and input of hint bytes (a regular file's size) is read
// into one chunk, which is returned as is. made, when not nil, is given each chunk
// before it is filled.
func readAll(r io.Reader, name string, limit, hint int64, made func([]byte)) ([]byte, error) {
	var chunks [][]byte
	total := int64(0)
	// One byte past the limit tells "exactly limit" from "more".
	next := min(max(hint+1, bytes.MinRead), limit+1)
	for {
		chunk := make([]byte, next)
		if made != nil {
			made(chunk)
		}
		n, err := io.ReadFull(r, chunk)
		chunks = append(chunks, chunk[:n])
		total += int64(n)
		if total > limit {
			return nil, &TooLargeError{Name: name, Limit: limit}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		next = min(max(total, bytes.MinRead), limit+1-total)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}
