package h1

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// chunkedBodies are chunked bodies that Body decodes, followed by "NEXT",
// which must be left in the reader.
var chunkedBodies = []struct {
	name string
	in   string
	want string
}{
	{"one chunk", "5\r\nhello\r\n0\r\n\r\n", "hello"},
	{"empty", "0\r\n\r\n", ""},
	{"many chunks", "1\r\na\r\n2\r\nbc\r\n3\r\ndef\r\n0\r\n\r\n", "abcdef"},
	{"hex in both cases", "a\r\n0123456789\r\nB\r\n0123456789a\r\n0\r\n\r\n", "01234567890123456789a"},
	{"leading zeros to 16 digits", "0000000000000005\r\nhello\r\n0000\r\n\r\n", "hello"},
	{"extensions", "5;a=b;c=\"d;e\"\r\nhello\r\n0;last\r\n\r\n", "hello"},
	{"extension after whitespace", "5 \t;a\r\nhello\r\n0\r\n\r\n", "hello"},
	{"whitespace after the size", "5 \r\nhello\r\n0\t\r\n\r\n", "hello"},
	{"extension with obs-text", "5;a=\"\xe9\"\r\nhello\r\n0\r\n\r\n", "hello"},
	{"trailers", "5\r\nhello\r\n0\r\nChecksum: x\r\nexpires:\t  y \r\nEmpty:\r\n\r\n", "hello"},
	{"CRLF in the data", "4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n"},
	{"long trailer", "0\r\nX: " + longValue + "\r\n\r\n", ""},
}

func TestChunkedBody(t *testing.T) {
	for _, tt := range chunkedBodies {
		t.Run(tt.name, func(t *testing.T) {
			forEachBufSize(t, func(t *testing.T, size int) {
				br := reader(tt.in+"NEXT", size)
				got, err := io.ReadAll(iotest.OneByteReader(Body(br, &Request{Chunked: true, Length: -1})))
				if err != nil {
					t.Fatalf("reading the body: %v", err)
				}
				if string(got) != tt.want {
					t.Errorf("body %q, want %q", got, tt.want)
				}
				if rest, _ := io.ReadAll(br); string(rest) != "NEXT" {
					t.Errorf("left %q in the reader, want %q", rest, "NEXT")
				}
			})
		})
	}
}

// refusedChunkedBodies are chunked bodies that Body refuses, with the error.
var refusedChunkedBodies = []struct {
	name string
	in   string
	want error
}{
	{"size not hex", "z\r\nhello\r\n0\r\n\r\n", errChunked},
	{"empty size", "\r\nhello\r\n0\r\n\r\n", errChunked},
	{"negative size", "-1\r\nh\r\n0\r\n\r\n", errChunked},
	{"hex prefix", "0x5\r\nhello\r\n0\r\n\r\n", errChunked},
	{"junk after the size", "5x\r\nhello\r\n0\r\n\r\n", errChunked},
	{"space before the size", " 5\r\nhello\r\n0\r\n\r\n", errChunked},
	{"17 digits", "00000000000000005\r\nhello\r\n0\r\n\r\n", errChunkSize},
	{"overflow", "8000000000000000\r\nhello\r\n0\r\n\r\n", errChunkSize},
	{"overflow of 64 bits", "ffffffffffffffff1\r\nhello\r\n0\r\n\r\n", errChunkSize},
	{"bare LF after the size", "5\nhello\r\n0\r\n\r\n", errChunked},
	{"bare CR after the size", "5\rhello\r\n0\r\n\r\n", errChunked},
	{"CR CR LF after the size", "5\r\r\nhello\r\n0\r\n\r\n", errChunked},
	{"NUL in an extension", "5;a\x00\r\nhello\r\n0\r\n\r\n", errChunked},
	{"bare LF in an extension", "5;a\nb\r\nhello\r\n0\r\n\r\n", errChunked},
	{"long chunk line", "5;" + strings.Repeat("x", maxChunkLine) + "\r\nhello\r\n0\r\n\r\n", errChunkLine},
	{"data without CRLF", "5\r\nhelloX\r\n0\r\n\r\n", errChunked},
	{"data one byte longer", "5\r\nhello!\r\n0\r\n\r\n", errChunked},
	{"bare LF after the data", "5\r\nhello\n0\r\n\r\n", errChunked},
	{"bare CR after the data", "5\r\nhello\r0\r\n\r\n", errChunked},
	{"bare LF after the last chunk", "5\r\nhello\r\n0\n\r\n", errChunked},
	{"bare LF ending the trailer", "0\r\n\n", errChunked},
	{"bare LF ending a trailer field", "0\r\nA: b\n\r\n", errChunked},
	{"invalid trailer name", "0\r\nBad Name: x\r\n\r\n", errTrailer},
	{"trailer without colon", "0\r\nX\r\n\r\n", errTrailer},
	{"space before a trailer colon", "0\r\nX : y\r\n\r\n", errTrailer},
	{"obs-folded trailer", "0\r\nA: b\r\n c\r\n\r\n", errTrailer},
	{"NUL in a trailer value", "0\r\nA: b\x00\r\n\r\n", errTrailer},
	{"bare CR in a trailer value", "0\r\nA: b\rc\r\n\r\n", errTrailer},
	{"trailer over MaxHeadBytes", "0\r\nX: " + strings.Repeat("x", MaxHeadBytes) + "\r\n\r\n", errTrailerLong},
	{"trailer fields over MaxHeadBytes", "0\r\n" + strings.Repeat("X: "+strings.Repeat("x", 1000)+"\r\n", 17) + "\r\n", errTrailerLong},
	{"data cut", "5\r\nhel", io.ErrUnexpectedEOF},
	{"CRLF after the data missing", "5\r\nhello", io.ErrUnexpectedEOF},
	{"CRLF after the data cut", "5\r\nhello\r", io.ErrUnexpectedEOF},
	{"size line cut", "5", io.ErrUnexpectedEOF},
	{"size line cut at CR", "5\r", io.ErrUnexpectedEOF},
	{"extension cut", "5;ab", io.ErrUnexpectedEOF},
	{"nothing", "", io.ErrUnexpectedEOF},
	{"trailer missing", "0\r\n", io.ErrUnexpectedEOF},
	{"trailer cut", "0\r\nA: b\r\n", io.ErrUnexpectedEOF},
	{"long trailer cut", "0\r\nA: " + longValue, io.ErrUnexpectedEOF},
}

func TestChunkedBodyRefuses(t *testing.T) {
	for _, tt := range refusedChunkedBodies {
		t.Run(tt.name, func(t *testing.T) {
			forEachBufSize(t, func(t *testing.T, size int) {
				b := Body(reader(tt.in, size), &Request{Chunked: true, Length: -1})
				_, err := io.ReadAll(b)
				if err != tt.want {
					t.Fatalf("reading the body: %v, want %v", err, tt.want)
				}
				if n, again := b.Read(make([]byte, 1)); n != 0 || again != err {
					t.Errorf("reading again: %d, %v; want 0, %v", n, again, err)
				}
			})
		})
	}
}

func TestFixedBody(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		length  int64
		want    string
		wantErr error
		rest    string
	}{
		{"exact", "hello", 5, "hello", nil, ""},
		{"followed by the next request", "helloGET", 5, "hello", nil, "GET"},
		{"one byte", "xy", 1, "x", nil, "y"},
		{"short", "hel", 5, "hel", io.ErrUnexpectedEOF, ""},
		{"nothing", "", 5, "", io.ErrUnexpectedEOF, ""},
		{"no body", "GET", 0, "", nil, "GET"},
		{"longer than the buffer", longValue + "GET", int64(len(longValue)), longValue, nil, "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBufSize(t, func(t *testing.T, size int) {
				br := reader(tt.in, size)
				got, err := io.ReadAll(Body(br, &Request{Length: tt.length}))
				if string(got) != tt.want || err != tt.wantErr {
					t.Errorf("body %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
				}
				if rest, _ := io.ReadAll(br); string(rest) != tt.rest {
					t.Errorf("left %q in the reader, want %q", rest, tt.rest)
				}
			})
		})
	}
}

func TestBodyReadOfNothing(t *testing.T) {
	tests := []struct {
		name string
		r    Request
		want error
	}{
		{"chunked", Request{Chunked: true, Length: -1}, nil},
		{"Content-Length", Request{Length: 5}, nil},
		{"no body", Request{}, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReader(strings.NewReader("5\r\nhello\r\n0\r\n\r\n"))
			if n, err := Body(br, &tt.r).Read(nil); n != 0 || err != tt.want {
				t.Errorf("Read(nil) = %d, %v; want 0, %v", n, err, tt.want)
			}
			if br.Buffered() != 0 {
				t.Errorf("Read(nil) read %d bytes", br.Buffered())
			}
		})
	}
}

// TestFixedBodyEndsWithLastByte: the read that returns a Content-Length body's last
// byte returns io.EOF with it, so that a proxy knows the body is complete before it
// passes the last byte on (and the worker, having it, answers).
func TestFixedBodyEndsWithLastByte(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("hello, and the next request"))
	body := Body(br, &Request{Length: 5})
	buf := make([]byte, 16)
	if n, err := body.Read(buf); n != 5 || err != io.EOF {
		t.Errorf("Read = %d, %v; want 5, io.EOF", n, err)
	}
	if rest, _ := br.Peek(5); string(rest) != ", and" {
		t.Errorf("the reader is left at %q, want the next request", rest)
	}
}
