package h1

import (
	"strings"
	"testing"
)

// refusedRequests are heads that ReadRequest refuses, with the status.
var refusedRequests = []struct {
	name   string
	in     string
	status int
}{
	// Request lines.
	{"two spaces after the method", head("GET  / HTTP/1.1", "Host: a"), 400},
	{"two spaces before the version", head("GET /  HTTP/1.1", "Host: a"), 400},
	{"space after the version", head("GET / HTTP/1.1 ", "Host: a"), 400},
	{"space before the method", head(" GET / HTTP/1.1", "Host: a"), 400},
	{"tab as separator", head("GET\t/\tHTTP/1.1", "Host: a"), 400},
	{"HTTP/0.9 without version", "GET /\r\n\r\n", 400},
	{"method alone", head("GET"), 400},
	{"method not a token", head("G@T / HTTP/1.1", "Host: a"), 400},
	{"method with a bracket", head("GET( / HTTP/1.1", "Host: a"), 400},
	{"lower-case version", head("GET / http/1.1", "Host: a"), 400},
	{"version HTTP/1.10", head("GET / HTTP/1.10", "Host: a"), 400},
	{"version HTTP/1", head("GET / HTTP/1", "Host: a"), 400},
	{"version HTTP/1.x", head("GET / HTTP/1.x", "Host: a"), 400},
	{"version HTTPS/1.1", head("GET / HTTPS/1.1", "Host: a"), 400},
	{"version HTTP/2.0", head("GET / HTTP/2.0", "Host: a"), 505},
	{"version HTTP/0.9", head("GET / HTTP/0.9"), 505},
	{"version HTTP/3.1", head("GET / HTTP/3.1", "Host: a"), 505},
	{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},

	// Line ends.
	{"bare CR ending the request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400},
	{"CR CR LF ending the request line", "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", 400},
	{"bare CR ending a field line", "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400},
	{"bare CR in the empty line", "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n\r\n", 400},
	{"bare CR before the request line", "\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	{"too many empty lines", strings.Repeat("\r\n", maxEmptyLines+1) + head("GET / HTTP/1.1", "Host: a"), 400},

	// Targets.
	{"NUL in the target", head("GET /a\x00b HTTP/1.1", "Host: a"), 400},
	{"DEL in the target", head("GET /a\x7fb HTTP/1.1", "Host: a"), 400},
	{"control byte in the target", head("GET /a\x01b HTTP/1.1", "Host: a"), 400},
	{"fragment", head("GET /a#b HTTP/1.1", "Host: a"), 400},
	{"asterisk with GET", head("GET * HTTP/1.1", "Host: a"), 400},
	{"authority form with GET", head("GET example.com:443 HTTP/1.1", "Host: a"), 400},
	{"relative target", head("GET a/b HTTP/1.1", "Host: a"), 400},
	{"other scheme", head("GET ftp://a/b HTTP/1.1", "Host: a"), 400},
	{"empty authority", head("GET http:///a HTTP/1.1", "Host: a"), 400},
	{"scheme alone", head("GET http:// HTTP/1.1", "Host: a"), 400},
	{"userinfo", head("GET http://user:pw@a/ HTTP/1.1", "Host: a"), 400},
	{"backslash in the authority", head("GET http://a\\b/ HTTP/1.1", "Host: a"), 400},
	{"port not digits", head("GET http://a:b/ HTTP/1.1", "Host: a"), 400},
	{"authority port only", head("GET http://:80/ HTTP/1.1", "Host: a"), 400},
	{"IPv6 unclosed", head("GET http://[::1/ HTTP/1.1", "Host: a"), 400},
	{"IPv6 zone", head("GET http://[fe80::1%25eth0]/ HTTP/1.1", "Host: a"), 400},
	{"IPv4 in brackets", head("GET http://[1.2.3.4]/ HTTP/1.1", "Host: a"), 400},
	{"CONNECT origin form", head("CONNECT /x HTTP/1.1", "Host: a"), 400},
	{"CONNECT absolute form", head("CONNECT http://a:443 HTTP/1.1", "Host: a"), 400},
	{"CONNECT without port", head("CONNECT example.com HTTP/1.1", "Host: example.com"), 400},
	{"CONNECT empty port", head("CONNECT example.com: HTTP/1.1", "Host: example.com"), 400},
	{"CONNECT port 0", head("CONNECT example.com:0 HTTP/1.1", "Host: example.com"), 400},
	{"CONNECT port 65536", head("CONNECT example.com:65536 HTTP/1.1", "Host: example.com"), 400},
	{"CONNECT without host", head("CONNECT :443 HTTP/1.1", "Host: example.com"), 400},
	{"invalid escape", head("GET /%zz HTTP/1.1", "Host: a"), 400},
	{"trailing percent", head("GET /a% HTTP/1.1", "Host: a"), 400},
	{"short escape", head("GET /a%2 HTTP/1.1", "Host: a"), 400},
	{"short escape before query", head("GET /a%2?x HTTP/1.1", "Host: a"), 400},
	{"escaped NUL", head("GET /a%00 HTTP/1.1", "Host: a"), 400},
	{"escaped NUL in absolute form", head("GET http://a/%00 HTTP/1.1", "Host: a"), 400},

	// Field lines.
	{"obs-fold", head("GET / HTTP/1.1", "Host: a", "X: b", " c"), 400},
	{"obs-fold with a tab", head("GET / HTTP/1.1", "Host: a", "X: b", "\tc"), 400},
	{"space before the first field", head("GET / HTTP/1.1", " Host: a"), 400},
	{"space before the colon", head("GET / HTTP/1.1", "Host : a"), 400},
	{"tab before the colon", head("GET / HTTP/1.1", "Host\t: a"), 400},
	{"empty name", head("GET / HTTP/1.1", "Host: a", ": b"), 400},
	{"no colon", head("GET / HTTP/1.1", "Host: a", "NoColon"), 400},
	{"space in the name", head("GET / HTTP/1.1", "Host: a", "Bad Name: b"), 400},
	{"NUL in the name", head("GET / HTTP/1.1", "Host: a", "X\x00: b"), 400},
	{"obs-text in the name", head("GET / HTTP/1.1", "Host: a", "X\xe9: b"), 400},
	{"NUL in a value", head("GET / HTTP/1.1", "Host: a", "X: a\x00b"), 400},
	{"bare CR in a value", head("GET / HTTP/1.1", "Host: a", "X: a\rb"), 400},
	{"DEL in a value", head("GET / HTTP/1.1", "Host: a", "X: a\x7fb"), 400},
	{"vertical tab in a value", head("GET / HTTP/1.1", "Host: a", "X: \x0bb"), 400},
	{"escape in a value", head("GET / HTTP/1.1", "Host: a", "X: \x1b[1m"), 400},

	// Host.
	{"no Host", head("GET / HTTP/1.1"), 400},
	{"no Host, absolute form", head("GET http://a/ HTTP/1.1"), 400},
	{"no Host, CONNECT", head("CONNECT a:443 HTTP/1.1"), 400},
	{"two Hosts", head("GET / HTTP/1.1", "Host: a", "Host: a"), 400},
	{"two Hosts, one empty", head("GET / HTTP/1.1", "Host: a", "Host:"), 400},
	{"two Hosts in HTTP/1.0", head("GET / HTTP/1.0", "Host: a", "host: b"), 400},
	{"Host with a space", head("GET / HTTP/1.1", "Host: a b"), 400},
	{"Host with a slash", head("GET / HTTP/1.1", "Host: a/b"), 400},
	{"Host with userinfo", head("GET / HTTP/1.1", "Host: u@a"), 400},
	{"Host with a backslash", head("GET / HTTP/1.1", "Host: a\\b"), 400},
	{"Host with a question mark", head("GET / HTTP/1.1", "Host: a?b"), 400},
	{"Host with a tab", head("GET / HTTP/1.1", "Host: a\tb"), 400},
	{"Host with obs-text", head("GET / HTTP/1.1", "Host: caf\xc3\xa9"), 400},
	{"Host port only", head("GET / HTTP/1.1", "Host: :80"), 400},
	{"Host port not digits", head("GET / HTTP/1.1", "Host: a:b"), 400},
	{"Host two ports", head("GET / HTTP/1.1", "Host: a:80:80"), 400},
	{"Host IPv6 unbracketed", head("GET / HTTP/1.1", "Host: ::1"), 400},
	{"Host IPv6 unclosed", head("GET / HTTP/1.1", "Host: [::1"), 400},
	{"Host IPv6 followed by junk", head("GET / HTTP/1.1", "Host: [::1]x"), 400},
	{"Host not IPv6 in brackets", head("GET / HTTP/1.1", "Host: [zz]"), 400},
	{"Host IPvFuture", head("GET / HTTP/1.1", "Host: [v1.x]"), 400},
	{"Host invalid pct-encoding", head("GET / HTTP/1.1", "Host: a%zz"), 400},
	{"Host short pct-encoding", head("GET / HTTP/1.1", "Host: a%2"), 400},
	{"invalid Host beside absolute form", head("GET http://a/ HTTP/1.1", "Host: a b"), 400},

	// Content-Length.
	{"negative length", head("POST / HTTP/1.1", "Host: a", "Content-Length: -1"), 400},
	{"length with plus", head("POST / HTTP/1.1", "Host: a", "Content-Length: +1"), 400},
	{"hex length", head("POST / HTTP/1.1", "Host: a", "Content-Length: 0x10"), 400},
	{"length with a space inside", head("POST / HTTP/1.1", "Host: a", "Content-Length: 1 2"), 400},
	{"length with a decimal point", head("POST / HTTP/1.1", "Host: a", "Content-Length: 1.0"), 400},
	{"length in other digits", head("POST / HTTP/1.1", "Host: a", "Content-Length: \u0661"), 400},
	{"empty length", head("POST / HTTP/1.1", "Host: a", "Content-Length:"), 400},
	{"length list 1,2", head("POST / HTTP/1.1", "Host: a", "Content-Length: 1,2"), 400},
	{"length list with an empty element", head("POST / HTTP/1.1", "Host: a", "Content-Length: 1,"), 400},
	{"length list starting empty", head("POST / HTTP/1.1", "Host: a", "Content-Length: ,1"), 400},
	{"two differing lengths", head("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: 6"), 400},
	{"two lengths, one malformed", head("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: 5x"), 400},
	{"length of 19 digits", head("POST / HTTP/1.1", "Host: a", "Content-Length: 1234567890123456789"), 400},
	{"length of 19 digits, leading zero", head("POST / HTTP/1.1", "Host: a", "Content-Length: 0000000000000000001"), 400},

	// Transfer-Encoding.
	{"CL.TE", head("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: chunked"), 400},
	{"TE.CL", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Content-Length: 5"), 400},
	{"TE.CL with length zero", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Content-Length: 0"), 400},
	{"TE.TE xchunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: xchunked"), 400},
	{"TE.TE space before the colon", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding : chunked"), 400},
	{"TE.TE second field x", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: x"), 400},
	{"TE.TE obs-folded", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding:", " chunked"), 400},
	{"TE.TE obs-folded after a value", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: x", "\tchunked"), 400},
	{"TE.TE vertical tab", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: \x0bchunked"), 400},
	{"TE.TE NUL", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked\x00"), 400},
	{"TE.TE quoted", head("POST / HTTP/1.1", "Host: a", `Transfer-Encoding: "chunked"`), 400},
	{"TE.TE with a parameter", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked;q=1"), 400},
	{"TE.TE bare CR", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\rX: y\r\n\r\n", 400},
	{"chunked twice in a list", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked, chunked"), 400},
	{"chunked twice in fields", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), 400},
	{"chunked not last", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked, identity"), 400},
	{"chunked missing", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip"), 400},
	{"identity", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: identity"), 400},
	{"empty Transfer-Encoding", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding:"), 400},
	{"empty coding last", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked,"), 400},
	{"empty coding first", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: , chunked"), 400},
	{"empty field before chunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding:", "Transfer-Encoding: chunked"), 400},
	{"malformed coding before chunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: g zip, chunked"), 400},
	{"Transfer-Encoding in HTTP/1.0", head("POST / HTTP/1.0", "Transfer-Encoding: chunked"), 400},
	{"gzip before chunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip, chunked"), 501},
	{"gzip field before chunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked"), 501},
	{"coding with a parameter before chunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: x;p=1, chunked"), 501},

	// Expect.
	{"other expectation", head("PUT / HTTP/1.1", "Host: a", "Expect: 100-continue-x"), 417},
	{"unknown expectation", head("PUT / HTTP/1.1", "Host: a", "Expect: foo"), 417},
	{"empty expectation", head("PUT / HTTP/1.1", "Host: a", "Expect:"), 417},
	{"expectation list", head("PUT / HTTP/1.1", "Host: a", "Expect: 100-continue, foo"), 417},
	{"other expectation in HTTP/1.0", head("PUT / HTTP/1.0", "Expect: foo"), 417},
	{"malformed framing before the expectation", head("PUT / HTTP/1.1", "Host: a", "Expect: foo", "Content-Length: x"), 400},

	// Sizes.
	{"head one byte over MaxHeadBytes", maxHead[:len(maxHead)-4] + "x\r\n\r\n", 400},
	{"head of bare LFs one byte over MaxHeadBytes", sizedHead("\n", MaxHeadBytes+1), 400},
	{"endless head", "GET / HTTP/1.1\r\nX: " + strings.Repeat("x", 3*MaxHeadBytes), 400},
}

func TestReadRequestRefuses(t *testing.T) {
	for _, tt := range refusedRequests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBufSize(t, func(t *testing.T, size int) {
				var r Request
				err := ReadRequest(reader(tt.in, size), &r)
				if got := status(err); got != tt.status {
					t.Errorf("ReadRequest: %v, status %d, want %d", err, got, tt.status)
				}
			})
		})
	}
}

func TestReadRequestTooLongReason(t *testing.T) {
	forEachBufSize(t, func(t *testing.T, size int) {
		var r Request
		err := ReadRequest(reader("GET / HTTP/1.1\r\nX: "+strings.Repeat("x", MaxHeadBytes), size), &r)
		want := &Error{Status: 400, Reason: "Request Too Long"}
		if e, ok := err.(*Error); !ok || *e != *want {
			t.Errorf("ReadRequest: %#v, want %#v", err, want)
		}
	})
}
