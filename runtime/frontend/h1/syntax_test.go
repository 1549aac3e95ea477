package h1

import (
	"bufio"
	"io"
	"net/textproto"
	"strings"
	"testing"
)

func TestCanonicalName(t *testing.T) {
	for _, name := range []string{"Content-Type", "content-type", "ETag", "X-A", "x-a-b", "WWW-authenticate", "a", "-x"} {
		if got, want := CanonicalName(name), textproto.CanonicalMIMEHeaderKey(name); got != want {
			t.Errorf("CanonicalName(%q) = %q, want %q", name, got, want)
		}
	}
	if got := CanonicalName("not a token"); got != "not a token" {
		t.Errorf("CanonicalName of a non-token = %q, want it unchanged", got)
	}
	if n := testing.AllocsPerRun(100, func() { CanonicalName("Content-Type") }); n != 0 {
		t.Errorf("CanonicalName of a canonical name: %v allocations, want 0", n)
	}
}

func TestValidNameValue(t *testing.T) {
	tests := []struct {
		s           string
		name, value bool
	}{
		{"Content-Type", true, true},
		{"x_y!#$%&'*+.^`|~", true, true},
		{"", false, true},
		{"a b", false, true},
		{"a:b", false, true},
		{"tab\there", false, true},
		{"nul\x00", false, false},
		{"cr\rlf", false, false},
		{"del\x7f", false, false},
		{"caf\xc3\xa9", false, true},
	}
	for _, tt := range tests {
		if got := ValidName(tt.s); got != tt.name {
			t.Errorf("ValidName(%q) = %v, want %v", tt.s, got, tt.name)
		}
		if got := ValidValue(tt.s); got != tt.value {
			t.Errorf("ValidValue(%q) = %v, want %v", tt.s, got, tt.value)
		}
	}
}

func TestHeadBuffered(t *testing.T) {
	for in, want := range map[string]bool{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n":    true,
		"GET / HTTP/1.1\nHost: a\n\n":          true,
		"GET / HTTP/1.1\r\nHost: a\r\n":        false,
		"GET / HTTP/1.1\r\nHost: a\r\n\r":      false,
		"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1": true,
	} {
		br := bufio.NewReader(strings.NewReader(in))
		br.Peek(1) // fill the buffer
		if got := HeadBuffered(br); got != want {
			t.Errorf("HeadBuffered(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestReadHead(t *testing.T) {
	big := strings.Repeat("x", 10000)
	tests := []struct {
		name, in string
		limit    int
		want     string
		err      error
	}{
		{"short", "HTTP/1.1 200 OK\r\nA: 1\r\n\r\nbody", 100, "HTTP/1.1 200 OK\r\nA: 1\r\n\r\n", nil},
		{"longer than the buffer", "X\r\nA: " + big + "\r\n\r\nbody", 20000, "X\r\nA: " + big + "\r\n\r\n", nil},
		{"over the limit", "X\r\nA: " + big + "\r\n\r\n", 5000, "", ErrTooLong},
		{"over the limit in the buffer", "X\r\nA: 12345678\r\n\r\n", 10, "", ErrTooLong},
		{"nothing", "", 100, "", io.EOF},
		{"cut", "HTTP/1.1 200 OK\r\n", 100, "", io.ErrUnexpectedEOF},
		{"cut after the buffer", "X\r\nA: " + big, 20000, "", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.in), 4096)
			got, err := ReadHead(br, tt.limit)
			if string(got) != tt.want || err != tt.err {
				t.Fatalf("ReadHead = %d bytes, %v; want %d bytes, %v", len(got), err, len(tt.want), tt.err)
			}
			if err == nil && strings.HasSuffix(tt.in, "body") {
				if rest, _ := br.Peek(4); string(rest) != "body" {
					t.Errorf("the reader is left at %q, want the body", rest)
				}
			}
		})
	}
}
