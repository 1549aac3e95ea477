package h1

import (
	"bufio"
	"io"
	"math"
)

// maxChunkLine bounds a chunk-size line with its extensions and CRLF, as
// net/http does.
const maxChunkLine = 4096

// chunkedBody decodes a chunked body (RFC 9112 7.1).
type chunkedBody struct {
	br       *bufio.Reader
	left     int64 // bytes of the current chunk's data not read yet
	dataRead bool  // whether a chunk's data was read, which a CRLF must follow
	err      error // the error every later Read returns, once set
}

func (b *chunkedBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, b.err
	}
	if b.err == nil && b.left == 0 {
		b.err = b.nextChunk()
	}
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.br.Read(p)
	b.left -= int64(n)
	if err != nil {
		b.err = unexpected(err)
	}
	return n, b.err
}

// nextChunk reads up to the data of the next chunk: the CRLF after the data
// before, and a chunk-size line. At the last chunk it reads the trailer
// section too and returns io.EOF.
func (b *chunkedBody) nextChunk() error {
	if b.dataRead {
		if err := readCRLF(b.br); err != nil {
			return err
		}
	}
	size, err := readChunkSize(b.br)
	if err != nil {
		return err
	}
	if size == 0 {
		if err := readTrailer(b.br); err != nil {
			return err
		}
		return io.EOF
	}
	b.left, b.dataRead = size, true
	return nil
}

// readCRLF reads the CRLF that ends a chunk's data or a line.
func readCRLF(br *bufio.Reader) error {
	for _, want := range "\r\n" {
		c, err := br.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		if rune(c) != want {
			return errChunked
		}
	}
	return nil
}

// readChunkSize reads a chunk-size line: 1*HEXDIG [ BWS ";" chunk-ext ] CRLF,
// of 16 digits and maxChunkLine bytes at most. The extensions are ignored, but
// must hold no control byte but HTAB. Like net/http, it also takes spaces and
// tabs after the size without an extension.
func readChunkSize(br *bufio.Reader) (int64, error) {
	var size int64
	n := 0 // bytes of the line read
	c, err := br.ReadByte()
	for ; err == nil && unhex(c) >= 0; c, err = br.ReadByte() {
		if size > math.MaxInt64>>4 || n == 16 {
			return 0, errChunkSize
		}
		size = size<<4 | int64(unhex(c))
		n++
	}
	if err == nil && n == 0 {
		err = errChunked
	}
	for ext := false; err == nil && c != '\r'; c, err = br.ReadByte() {
		if n++; n > maxChunkLine-len("\r\n") {
			return 0, errChunkLine
		}
		ext = ext || c == ';'
		if !ext && c != ' ' && c != '\t' || c < ' ' && c != '\t' || c == 0x7f {
			return 0, errChunked
		}
	}
	if err != nil {
		return 0, unexpected(err)
	}
	if c, err = br.ReadByte(); err != nil {
		return 0, unexpected(err)
	}
	if c != '\n' {
		return 0, errChunked
	}
	return size, nil
}
