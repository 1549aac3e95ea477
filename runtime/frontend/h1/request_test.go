package h1

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Requests as clients send them, for the tables, the benchmark and the fuzz
// seeds.
var (
	curlRequest = head(
		"GET /api/v1/items?page=2 HTTP/1.1",
		"Host: localhost:8080",
		"User-Agent: curl/8.5.0",
		"Accept: */*")
	wrkRequest     = head("GET /index.html HTTP/1.1", "Host: 127.0.0.1:8080")
	browserRequest = head(
		"GET /static/app.js?v=3 HTTP/1.1",
		"Host: www.example.com",
		"Connection: keep-alive",
		`sec-ch-ua: "Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"`,
		"sec-ch-ua-mobile: ?0",
		`sec-ch-ua-platform: "Linux"`,
		"Upgrade-Insecure-Requests: 1",
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
		"Sec-Fetch-Site: same-origin",
		"Sec-Fetch-Mode: no-cors",
		"Sec-Fetch-Dest: script",
		"Referer: https://www.example.com/",
		"Accept-Encoding: gzip, deflate, br, zstd",
		"Accept-Language: en-US,en;q=0.9",
		"Cookie: session=0123456789abcdef; theme=dark")
)

// longValue is a field value that makes a head longer than a 4 KiB buffer.
var longValue = strings.Repeat("v", 10000)

// maxHead is a head of exactly MaxHeadBytes bytes.
var maxHead = sizedHead("\r\n", MaxHeadBytes)

// sizedHead returns a head of size bytes with the line end eol: a request
// line, "Host: a" and a field X whose value fills it up.
func sizedHead(eol string, size int) string {
	h := "GET / HTTP/1.1" + eol + "Host: a" + eol + "X: "
	return h + strings.Repeat("x", size-len(h)-2*len(eol)) + eol + eol
}

// validRequests are heads that ReadRequest accepts, with what it reads.
var validRequests = []struct {
	name string
	in   string
	want Request
}{
	{"curl", curlRequest, Request{
		Method: "GET", Target: "/api/v1/items?page=2", URI: "/api/v1/items?page=2", Path: "/api/v1/items",
		Host: "localhost:8080", Minor: 1,
		Fields: fields("Host", "localhost:8080", "User-Agent", "curl/8.5.0", "Accept", "*/*"),
	}},
	{"wrk", wrkRequest, Request{
		Method: "GET", Target: "/index.html", URI: "/index.html", Path: "/index.html",
		Host: "127.0.0.1:8080", Minor: 1, Fields: fields("Host", "127.0.0.1:8080"),
	}},
	{"browser with lower-case names", browserRequest, Request{
		Method: "GET", Target: "/static/app.js?v=3", URI: "/static/app.js?v=3", Path: "/static/app.js",
		Host: "www.example.com", Minor: 1,
		Fields: fields(
			"Host", "www.example.com",
			"Connection", "keep-alive",
			"Sec-Ch-Ua", `"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"`,
			"Sec-Ch-Ua-Mobile", "?0",
			"Sec-Ch-Ua-Platform", `"Linux"`,
			"Upgrade-Insecure-Requests", "1",
			"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
			"Sec-Fetch-Site", "same-origin",
			"Sec-Fetch-Mode", "no-cors",
			"Sec-Fetch-Dest", "script",
			"Referer", "https://www.example.com/",
			"Accept-Encoding", "gzip, deflate, br, zstd",
			"Accept-Language", "en-US,en;q=0.9",
			"Cookie", "session=0123456789abcdef; theme=dark"),
	}},

	// Line ends and empty lines.
	{"bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n", Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"mixed line ends", "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\n", Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a", "X", "y"),
	}},
	{"LF then CRLF ending the head", "GET / HTTP/1.1\nHost: a\n\r\n", Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"empty lines before the request line", "\r\n\n\r\n\n" + head("GET / HTTP/1.1", "Host: a"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},

	// Versions and connections.
	{"HTTP/1.0 without Host closes", head("GET / HTTP/1.0"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Close: true,
	}},
	{"HTTP/1.0 keep-alive", head("GET / HTTP/1.0", "Connection: Keep-Alive"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Fields: fields("Connection", "Keep-Alive"),
	}},
	{"HTTP/1.0 keep-alive and close", head("GET / HTTP/1.0", "Connection: keep-alive", "Connection: close"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Close: true,
		Fields: fields("Connection", "keep-alive", "Connection", "close"),
	}},
	{"HTTP/1.1 close among options", head("GET / HTTP/1.1", "Host: a", "Connection: Upgrade,\tCLOSE "), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Close: true,
		Fields: fields("Host", "a", "Connection", "Upgrade,\tCLOSE"),
	}},
	{"HTTP/1.1 keep-alive is the default", head("GET / HTTP/1.1", "Host: a", "Connection: keep-alive, closed"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("Host", "a", "Connection", "keep-alive, closed"),
	}},
	{"HTTP/1.5 served as 1.1", head("GET / HTTP/1.5", "Host: a"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"HTTP/1.9 served as 1.1", head("GET / HTTP/1.9", "Host: a"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},

	// Methods.
	{"method case kept", head("get / HTTP/1.1", "Host: a"), Request{
		Method: "get", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"extension method", head("M-SEARCH / HTTP/1.1", "Host: a"), Request{
		Method: "M-SEARCH", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},

	// Targets.
	{"percent-decoded path, query as sent", head("GET /a%20b%2Fc%C3%A9?q=%zz&r=%00 HTTP/1.1", "Host: a"), Request{
		Method: "GET", Target: "/a%20b%2Fc%C3%A9?q=%zz&r=%00", URI: "/a%20b%2Fc%C3%A9?q=%zz&r=%00", Path: "/a b/cé",
		Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"bytes from 0x80 in the target", head("GET /caf\xc3\xa9?\xff HTTP/1.1", "Host: a"), Request{
		Method: "GET", Target: "/caf\xc3\xa9?\xff", URI: "/caf\xc3\xa9?\xff", Path: "/caf\xc3\xa9",
		Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"double slash origin form", head("GET //x/y HTTP/1.1", "Host: a"), Request{
		Method: "GET", Target: "//x/y", URI: "//x/y", Path: "//x/y", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"origin form with delimiters and quotes", head("GET /\"<>{}\\^`|[]:@!$&'()*+,;= HTTP/1.1", "Host: a"), Request{
		Method: "GET", Target: "/\"<>{}\\^`|[]:@!$&'()*+,;=", URI: "/\"<>{}\\^`|[]:@!$&'()*+,;=", Path: "/\"<>{}\\^`|[]:@!$&'()*+,;=",
		Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"asterisk form", head("OPTIONS * HTTP/1.1", "Host: a"), Request{
		Method: "OPTIONS", Target: "*", URI: "*", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"absolute form overrides Host", head("GET http://example.com/a%2Fb?x HTTP/1.1", "Host: other"), Request{
		Method: "GET", Target: "http://example.com/a%2Fb?x", URI: "/a%2Fb?x", Path: "/a/b",
		Host: "example.com", Minor: 1, Fields: fields("Host", "other"),
	}},
	{"absolute form without path", head("GET HTTPS://Example.COM:8443 HTTP/1.1", "Host: Example.COM:8443"), Request{
		Method: "GET", Target: "HTTPS://Example.COM:8443", URI: "/", Path: "/",
		Host: "Example.COM:8443", Minor: 1, Fields: fields("Host", "Example.COM:8443"),
	}},
	{"absolute form OPTIONS without path", head("OPTIONS http://a:8001 HTTP/1.1", "Host: a:8001"), Request{
		Method: "OPTIONS", Target: "http://a:8001", URI: "*", Host: "a:8001", Minor: 1, Fields: fields("Host", "a:8001"),
	}},
	{"absolute form OPTIONS with query only", head("OPTIONS http://a?x HTTP/1.1", "Host: a"), Request{
		Method: "OPTIONS", Target: "http://a?x", URI: "/?x", Path: "/", Host: "a", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"absolute form with query only", head("GET http://h?x=1 HTTP/1.1", "Host: h"), Request{
		Method: "GET", Target: "http://h?x=1", URI: "/?x=1", Path: "/", Host: "h", Minor: 1, Fields: fields("Host", "h"),
	}},
	{"absolute form with sub-delims and an empty port", head("GET http://a!$&'()*+,;=b_~:/x HTTP/1.1", "Host: a"), Request{
		Method: "GET", Target: "http://a!$&'()*+,;=b_~:/x", URI: "/x", Path: "/x",
		Host: "a!$&'()*+,;=b_~:", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"absolute form with a pct-encoded host", head("GET http://caf%C3%A9/ HTTP/1.1", "Host: a"), Request{
		Method: "GET", Target: "http://caf%C3%A9/", URI: "/", Path: "/",
		Host: "caf%C3%A9", Minor: 1, Fields: fields("Host", "a"),
	}},
	{"absolute form with IPv6", head("GET http://[2001:db8::1]:8080/x HTTP/1.1", "Host: [2001:db8::1]:8080"), Request{
		Method: "GET", Target: "http://[2001:db8::1]:8080/x", URI: "/x", Path: "/x",
		Host: "[2001:db8::1]:8080", Minor: 1, Fields: fields("Host", "[2001:db8::1]:8080"),
	}},
	{"absolute form in HTTP/1.0 without Host", head("GET http://h:81/ HTTP/1.0"), Request{
		Method: "GET", Target: "http://h:81/", URI: "/", Path: "/", Host: "h:81", Close: true,
	}},
	{"authority form", head("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443"), Request{
		Method: "CONNECT", Target: "example.com:443", URI: "example.com:443",
		Host: "example.com:443", Minor: 1, Fields: fields("Host", "example.com:443"),
	}},
	{"authority form with IPv6", head("CONNECT [::1]:65535 HTTP/1.1", "Host: [::1]:65535"), Request{
		Method: "CONNECT", Target: "[::1]:65535", URI: "[::1]:65535",
		Host: "[::1]:65535", Minor: 1, Fields: fields("Host", "[::1]:65535"),
	}},

	// Hosts.
	{"empty Host", head("GET / HTTP/1.1", "Host:"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Minor: 1, Fields: fields("Host", ""),
	}},
	{"Host with sub-delims and pct-encoding", head("GET / HTTP/1.1", "Host: a-b.c_d~!$&'()*+,;=%2A"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a-b.c_d~!$&'()*+,;=%2A", Minor: 1,
		Fields: fields("Host", "a-b.c_d~!$&'()*+,;=%2A"),
	}},
	{"Host with empty port", head("GET / HTTP/1.1", "Host: a:"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a:", Minor: 1, Fields: fields("Host", "a:"),
	}},
	{"Host IPv4 with OWS", head("GET / HTTP/1.1", "Host: \t10.0.0.1:80\t "), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "10.0.0.1:80", Minor: 1, Fields: fields("Host", "10.0.0.1:80"),
	}},
	{"Host IPv6 mapped IPv4", head("GET / HTTP/1.1", "Host: [::ffff:10.0.0.1]"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "[::ffff:10.0.0.1]", Minor: 1,
		Fields: fields("Host", "[::ffff:10.0.0.1]"),
	}},

	// Content-Length.
	{"Content-Length", head("POST /f HTTP/1.1", "Host: a", "Content-Length: 5"), Request{
		Method: "POST", Target: "/f", URI: "/f", Path: "/f", Host: "a", Minor: 1, Length: 5,
		Fields: fields("Host", "a", "Content-Length", "5"),
	}},
	{"Content-Length zero", head("POST / HTTP/1.1", "Host: a", "Content-Length: 0"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("Host", "a", "Content-Length", "0"),
	}},
	{"Content-Length list of the same number", head("POST / HTTP/1.1", "Host: a", "Content-Length: 5,\t5 , 005"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Length: 5,
		Fields: fields("Host", "a", "Content-Length", "5,\t5 , 005"),
	}},
	{"Content-Length fields of the same number", head("POST / HTTP/1.1", "Host: a", "content-length: 7", "CONTENT-LENGTH: 07"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Length: 7,
		Fields: fields("Host", "a", "Content-Length", "7", "Content-Length", "07"),
	}},
	{"Content-Length of 18 digits", head("POST / HTTP/1.1", "Host: a", "Content-Length: 999999999999999999"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Length: 999999999999999999,
		Fields: fields("Host", "a", "Content-Length", "999999999999999999"),
	}},
	{"Content-Length in HTTP/1.0", head("POST / HTTP/1.0", "Content-Length: 3"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Length: 3, Close: true,
		Fields: fields("Content-Length", "3"),
	}},

	// Transfer-Encoding.
	{"chunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Length: -1, Chunked: true,
		Fields: fields("Host", "a", "Transfer-Encoding", "chunked"),
	}},
	{"chunked after a tab (OWS)", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding:\tchunked"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Length: -1, Chunked: true,
		Fields: fields("Host", "a", "Transfer-Encoding", "chunked"),
	}},
	{"chunked in capitals", head("POST / HTTP/1.1", "Host: a", "transfer-encoding: CHUNKED \t"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Length: -1, Chunked: true,
		Fields: fields("Host", "a", "Transfer-Encoding", "CHUNKED"),
	}},
	{"Transfer_Encoding is another field", head("POST / HTTP/1.1", "Host: a", "Transfer_Encoding: chunked"), Request{
		Method: "POST", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("Host", "a", "Transfer_encoding", "chunked"),
	}},

	// Expect.
	{"Expect 100-continue", head("PUT / HTTP/1.1", "Host: a", "Content-Length: 1", "Expect: 100-Continue"), Request{
		Method: "PUT", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1, Length: 1, Continue: true,
		Fields: fields("Host", "a", "Content-Length", "1", "Expect", "100-Continue"),
	}},
	{"Expect 100-continue ignored in HTTP/1.0", head("PUT / HTTP/1.0", "Content-Length: 1", "Expect: 100-continue"), Request{
		Method: "PUT", Target: "/", URI: "/", Path: "/", Length: 1, Close: true,
		Fields: fields("Content-Length", "1", "Expect", "100-continue"),
	}},

	// Fields.
	{"names canonicalized", head("GET / HTTP/1.1", "host: a", "x-FORWARDED-for: b", "x--y: c", "a_b: d", "x-1abc: e", "WWW-Authenticate: f"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("Host", "a", "X-Forwarded-For", "b", "X--Y", "c", "A_b", "d", "X-1abc", "e", "Www-Authenticate", "f"),
	}},
	{"values trimmed, inner spaces and obs-text kept", head("GET / HTTP/1.1", "Host: a", "X:  \t a \t b\xff\xc3\xa9 \t", "Y:", "Z:\t"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("Host", "a", "X", "a \t b\xff\xc3\xa9", "Y", "", "Z", ""),
	}},
	{"repeated fields kept in order", head("GET / HTTP/1.1", "X: 1", "Host: a", "X: 2", "Y: 3", "X: 4"), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("X", "1", "Host", "a", "X", "2", "Y", "3", "X", "4"),
	}},

	// Sizes.
	{"head longer than a 4 KiB buffer", head("GET / HTTP/1.1", "Host: a", "Cookie: "+longValue), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("Host", "a", "Cookie", longValue),
	}},
	{"head of MaxHeadBytes", maxHead, Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("Host", "a", "X", strings.Repeat("x", MaxHeadBytes-len("GET / HTTP/1.1\r\nHost: a\r\nX: \r\n\r\n"))),
	}},
	{"head of MaxHeadBytes with bare LFs", sizedHead("\n", MaxHeadBytes), Request{
		Method: "GET", Target: "/", URI: "/", Path: "/", Host: "a", Minor: 1,
		Fields: fields("Host", "a", "X", strings.Repeat("x", MaxHeadBytes-len("GET / HTTP/1.1\nHost: a\nX: \n\n"))),
	}},
}

func TestReadRequest(t *testing.T) {
	for _, tt := range validRequests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBufSize(t, func(t *testing.T, size int) {
				const next = "NEXT"
				br := reader(tt.in+next, size)
				var r Request
				if err := ReadRequest(br, &r); err != nil {
					t.Fatalf("ReadRequest: %v", err)
				}
				if d := cmp.Diff(tt.want, r, cmpopts.EquateEmpty()); d != "" {
					t.Errorf("request (-want +got):\n%s", d)
				}
				if rest, _ := io.ReadAll(br); string(rest) != next {
					t.Errorf("left %q in the reader, want %q", rest, next)
				}
			})
		})
	}
}

func TestReadRequestReusesRequest(t *testing.T) {
	br := reader(browserRequest+wrkRequest, 4096)
	var r Request
	if err := ReadRequest(br, &r); err != nil {
		t.Fatal(err)
	}
	r.Close, r.Length = true, 9
	fieldsBefore := &r.Fields[:1][0]
	if err := ReadRequest(br, &r); err != nil {
		t.Fatal(err)
	}
	want := Request{
		Method: "GET", Target: "/index.html", URI: "/index.html", Path: "/index.html",
		Host: "127.0.0.1:8080", Minor: 1, Fields: fields("Host", "127.0.0.1:8080"),
	}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("request (-want +got):\n%s", d)
	}
	if &r.Fields[0] != fieldsBefore {
		t.Error("r.Fields was not reused")
	}
}

func TestGet(t *testing.T) {
	r := Request{Fields: fields("Host", "a", "X", "1", "X", "2", "Empty", "")}
	tests := []struct{ name, want string }{
		{"Host", "a"},
		{"X", "1"},
		{"Empty", ""},
		{"Missing", ""},
		{"host", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Get(tt.name); got != tt.want {
				t.Errorf("Get(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}
