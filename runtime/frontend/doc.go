// Package frontend is the runtime's HTTP.sys: it listens on the sites' http and https bindings,
// matches each request to a site (address, port, Host) and an application (longest
// path), asks the application's pool for a worker, and forwards the request to it.
//
// # Listeners
//
// One listener serves each distinct address and port. On Linux a listener on all
// addresses (0.0.0.0:P, [::]:P) and one on a specific address with the same port
// conflict, so when any binding on port P is for all addresses ("*"), the front end
// opens the one listener on all addresses for P and tells the specific-address
// bindings of P apart by the local address each connection came in on. Without a "*"
// binding on P, each address gets its own listener. Port 0 (tests) is grouped the same
// way and listens on a free port; Server.Addrs says which.
//
// # Matching
//
// A request goes to the site of the binding that matches best, in the order HTTP.sys
// routes (https://learn.microsoft.com/windows/win32/http/urlprefix-strings: explicit
// host names before IP-bound weak wildcards before weak wildcards):
//
//  1. the connection's local address and the Host header (port stripped, case-insensitive);
//  2. all addresses ("*") and the Host header;
//  3. the connection's local address, any host;
//  4. all addresses, any host.
//
// Two bindings that are equal on all three counts (a configuration IIS refuses to start)
// go to the first site given. No match gets what HTTP.sys answers: 400 with "Bad Request
// - Invalid Hostname". The application is then the one whose path is the longest prefix
// of the request's path at a segment boundary, compared case-insensitively, after dot
// segments and repeated slashes are removed from the path (as HTTP.sys canonicalizes
// URLs; the cleaned path is what the worker gets).
//
// # Client connections
//
// The front end serves clients with its own HTTP/1.1 server, not net/http's: package
// h1 reads each request head strictly (RFC 9112) and refuses, among others, every
// request whose framing two servers could read differently (the request-smuggling
// shapes: Content-Length with Transfer-Encoding, differing lengths, obfuscated or
// unsupported transfer codings, folded or malformed fields); the request then goes to
// the worker written anew, never as the client's bytes. A connection stays open
// between requests (up to 120 s idle, HTTP.sys's IdleConnectionTimeout default, renewed
// about once a second on a busy connection rather than per request; a head must be
// complete 30 s after its first byte), pipelined requests are answered in
// order, and HTTP/1.0 clients keep their connection only when they ask. On Linux, an
// HTTP/1.1 connection (over TLS too) that has carried 4 requests waits for the next
// ones on a second descriptor of its socket (readLatch), which keeps the readiness
// that a read of the connection would forget, so that no read finds nothing first. A
// request that runs longer than 20 ms has its client's connection watched: a client
// that closes it while the request waits for a place in its pool's queue or for the
// worker's answer ends the wait, and the worker connection with it (as net/http's
// server does for every request, with a goroutine each; the front end spends that only
// on slow ones).
// Responses the worker sends without a length go to HTTP/1.1 clients chunked, so their
// connection stays open. Shutdown closes idle connections at once and lets requests in
// flight finish (their responses say Connection: close).
//
// # https and HTTP/2
//
// The listeners of https bindings speak TLS 1.2 and 1.3 (one configuration for all,
// so that sessions resume on any), with the certificate UseCertificates gives for
// the client's SNI name and the address it came to. A request whose Host is not the
// SNI name gets 421 Misdirected Request. HTTP/2 is offered by ALPN before HTTP/1.1
// and served by net/http's HTTP/2 server (100 concurrent streams, 16 KiB frames, a
// 16 KiB head); each stream's request is written out as HTTP/1.1 and read back by h1
// on the stream's own goroutine, as a connection of its own, so everything below holds
// for both protocols, and its answer goes straight to the stream. Shutdown sends
// GOAWAY.
//
// # Answers of the front end itself
//
//   - 400, 417, 501 or 505 and the connection closed: a request h1 refuses to read (its
//     documentation lists why), such as a malformed head, a head over 16 KiB
//     (HTTP.sys's MaxRequestBytes default), an Expect other than 100-continue, a
//     transfer coding other than chunked, an HTTP version other than 1.x.
//   - 400 "Bad Request - Invalid Hostname": no binding matches.
//   - 421 "Misdirected Request": over TLS, a Host other than the SNI name.
//   - 400: the client's request body broke off before the worker had it all.
//   - 404: the site has no application for the path (a site without a root application).
//   - 405: CONNECT (the front end is no forward proxy).
//   - 503 "the application pool's queue is full", "the application pool is stopped", "the
//     application's pool does not exist", "the application has nothing to run": what
//     Pools.Acquire said. A stopped pool whose
//     StoppedError asks for a reset gets a TCP reset instead (loadBalancerCapabilities
//     TcpLevel).
//   - 502: the worker's process could not be reached, or sent a malformed response (the
//     lease ends failed, as it does when the worker breaks off a response: the client
//     then sees its connection closed before the end of the response).
//
// # Forwarding
//
// Requests go to workers over HTTP/1.1 keep-alive connections, which the front end
// keeps per worker address (up to 1024 idle ones each, closed after 90 s idle, checked
// before reuse after 100 ms idle, so that one the worker closed is not used; a GET,
// HEAD, OPTIONS or TRACE without a body that meets a closed connection anyway is sent
// again on a new one). The forwarding is the front end's own, not
// net/http/httputil's ReverseProxy: it writes the request and reads the response on
// the request's own goroutine, writes the response head from the worker's fields
// straight into the client's buffer, and lends copy buffers from a pool. It streams
// bodies both ways (flushing responses without a Content-Length as they come), answers
// Expect: 100-continue itself when the body is about to be read (as nginx does),
// passes on 1xx responses (103 Early Hints), response trailers and protocol upgrades
// (101 Switching Protocols: WebSocket), adds a Date when the worker sent none, and drops
// hop-by-hop headers and request trailers.
//
// The worker sees the client's Host header and request target (with the cleaned path),
// X-Forwarded-For (the client's address appended to any the client sent, so the last
// entry is always the front end's), X-Forwarded-Host and X-Forwarded-Proto; a client's
// Forwarded header, X-Poolctl-Ping and X-Poolctl-Unhealthy are removed, so that a client
// cannot pose as the runtime's ping.
//
// It builds on unix systems only; on other systems (Windows) the package is empty.
package frontend
