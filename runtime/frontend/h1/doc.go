// Package h1 reads HTTP/1.1 requests from clients, strictly: request heads
// (the request line and the header fields) and request bodies, as RFC 9112 and
// RFC 9110 define them, refusing every message whose framing another HTTP
// implementation could read differently.
//
// A proxy that forwards requests must find exactly the same message boundaries
// as every other hop on the path; where two hops disagree on where one request
// ends and the next begins, a client can hide a second request inside the
// first (request smuggling). The usual disagreements come from leniencies: a
// Content-Length next to a Transfer-Encoding (CL.TE and TE.CL), a
// Transfer-Encoding that one hop reads as chunked and another not
// ("xchunked", "Transfer-Encoding : chunked", folded lines, two fields), two
// different lengths, a bare CR taken as a line end by one hop only, control
// bytes in values. This package accepts none of them: a malformed or
// ambiguous request is refused with an *Error that carries the status to
// answer with, after which the server closes the connection.
//
// What is accepted:
//
//   - A request line "method SP request-target SP HTTP-version" with single
//     spaces, a token as method and the version HTTP/1.0 or HTTP/1.1
//     (HTTP/1.2 to HTTP/1.9 are served as HTTP/1.1). Up to four empty lines
//     before it are skipped (RFC 9112 2.2).
//   - Line ends CRLF or a bare LF (RFC 9112 2.2), in the head only.
//   - A request-target in origin form ("/a/b?x"), asterisk form ("*", with
//     OPTIONS only), absolute form ("http://host/a" or "https://…", with a
//     valid authority and no userinfo) or authority form ("host:port", with
//     CONNECT only, and CONNECT only with it); no control bytes, no space, no
//     '#', and a path whose percent-escapes are valid and decode to no NUL.
//   - Header fields "name: value" whose name is a token directly followed by
//     the colon and whose value holds no control byte but HTAB.
//   - Exactly one valid Host field in HTTP/1.1 (at most one in HTTP/1.0);
//     an absolute-form target's authority takes its place (RFC 9112 3.2.2).
//   - A Content-Length of at most 18 digits, repeated (as fields or as a
//     list) only with the same number; or, in HTTP/1.1 and without
//     Content-Length, "Transfer-Encoding: chunked" and nothing else.
//   - A head of at most MaxHeadBytes bytes.
//
// What is refused, and with which status:
//
//   - 400 Bad Request: everything malformed or ambiguous above, among which
//     obs-fold (a line starting with a space or tab), whitespace between a
//     field name and its colon, a CR not followed by LF, a missing or repeated
//     Host, differing or malformed Content-Lengths, Transfer-Encoding in
//     HTTP/1.0 or next to Content-Length, a Transfer-Encoding whose last
//     coding is not chunked or that names chunked twice, and a head longer
//     than MaxHeadBytes ("Request Too Long").
//   - 501 Not Implemented: a transfer coding other than chunked before the
//     final chunked ("gzip, chunked"), which the server does not decode
//     (RFC 9112 6.1).
//   - 505 HTTP Version Not Supported: a well-formed version with a major
//     version other than 1, such as HTTP/2.0 or HTTP/0.9.
//   - 417 Expectation Failed: an Expect field other than "100-continue"
//     (RFC 9110 10.1.1).
//
// Bodies are read with Body: exactly Content-Length bytes, or a chunked body
// decoded, whose framing (chunk-size lines, the CRLF after each chunk's data,
// the trailer section) must end every line with CRLF (RFC 9112 7.1; the bare
// LF tolerance does not extend to it, see RFC 9112 erratum 7633) and whose
// trailer fields are checked like header fields and dropped. After a body has
// been read to its end, the reader is left exactly at the next pipelined
// request.
package h1
