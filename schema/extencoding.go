package schema

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// utf8Text returns an extension file's content as UTF-8: UTF-16 with a byte order
// mark (as Windows tools may save XML) is decoded; anything else is left to the XML
// reader, which takes UTF-8 with or without a byte order mark.
func utf8Text(data []byte) ([]byte, error) {
	var order binary.ByteOrder
	switch {
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE:
		order = binary.LittleEndian
	case len(data) >= 2 && data[0] == 0xFE && data[1] == 0xFF:
		order = binary.BigEndian
	default:
		return data, nil
	}
	body := data[2:]
	if len(body)%2 != 0 {
		return nil, fmt.Errorf("invalid UTF-16: odd number of bytes")
	}
	units := make([]uint16, len(body)/2)
	for i := range units {
		units[i] = order.Uint16(body[2*i:])
	}
	out := make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// charsetReader lets the XML reader take the encodings utf8Text leaves as UTF-8:
// a declared "utf-16" (decoded already), "utf-8" and "us-ascii".
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-16", "utf-8", "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (save the file as UTF-8)", label)
}
