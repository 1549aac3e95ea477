package h1

import (
	"bufio"
	"bytes"
)

// readTrailer reads the trailer section after the last chunk, through its
// empty line, checks its fields like header fields and drops them. The section
// may take MaxHeadBytes at most, and its lines must end with CRLF.
func readTrailer(br *bufio.Reader) error {
	left := MaxHeadBytes
	for {
		line, err := readTrailerLine(br, &left)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		if _, e := scanField(line); e != nil {
			return errTrailer
		}
	}
}

// readTrailerLine reads one line of at most *left bytes, which it counts
// down, and returns it without its CRLF.
func readTrailerLine(br *bufio.Reader, left *int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		line = bytes.Clone(line)
		for err == bufio.ErrBufferFull && len(line) <= *left {
			var more []byte
			more, err = br.ReadSlice('\n')
			line = append(line, more...)
		}
	}
	if *left -= len(line); *left < 0 {
		return nil, errTrailerLong
	}
	if err != nil {
		return nil, unexpected(err)
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, errChunked
	}
	return line[:len(line)-2], nil
}
