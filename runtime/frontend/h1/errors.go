package h1

import (
	"io"
	"net/http"
	"strconv"
)

// Error is a request the server refuses: the status code to answer with and a
// short, constant reason that holds nothing the client sent.
type Error struct {
	Status int
	Reason string
}

// Error returns the status code and the reason, as in "h1: 400 Invalid Host".
func (e *Error) Error() string {
	return "h1: " + strconv.Itoa(e.Status) + " " + e.Reason
}

func refuse(status int, reason string) *Error { return &Error{Status: status, Reason: reason} }

func bad(reason string) *Error { return refuse(http.StatusBadRequest, reason) }

// ErrTooLong is ReadHead's error for a head longer than its limit (and
// ReadRequest's for a request head over MaxHeadBytes: a 400).
var ErrTooLong = bad("Request Too Long")

// The refusals of a request head.
var (
	errEmptyLines       = bad("Too Many Empty Lines")
	errBareCR           = bad("Bare CR")
	errRequestLine      = bad("Malformed Request Line")
	errMethod           = bad("Invalid Method")
	errVersion          = bad("Invalid HTTP Version")
	errVersionMajor     = refuse(http.StatusHTTPVersionNotSupported, "HTTP Version Not Supported")
	errTarget           = bad("Invalid Request Target")
	errPath             = bad("Invalid Path Encoding")
	errObsFold          = bad("Obsolete Line Folding")
	errFieldName        = bad("Invalid Header Field Name")
	errFieldValue       = bad("Invalid Header Field Value")
	errNoHost           = bad("Missing Host")
	errTwoHosts         = bad("Duplicate Host")
	errHost             = bad("Invalid Host")
	errLength           = bad("Invalid Content-Length")
	errLengths          = bad("Conflicting Content-Length")
	errCodingOldVersion = bad("Transfer-Encoding In HTTP/1.0")
	errCodingAndLength  = bad("Transfer-Encoding With Content-Length")
	errCoding           = bad("Invalid Transfer-Encoding")
	errCodingUnknown    = refuse(http.StatusNotImplemented, "Unsupported Transfer-Encoding")
	errExpect           = refuse(http.StatusExpectationFailed, "Unsupported Expectation")
)

// The refusals of a chunked body.
var (
	errChunked     = bad("Malformed Chunked Body")
	errChunkSize   = bad("Chunk Size Too Large")
	errChunkLine   = bad("Chunk Line Too Long")
	errTrailer     = bad("Invalid Trailer Field")
	errTrailerLong = bad("Trailer Too Long")
)

// unexpected turns an io.EOF met in the middle of something into
// io.ErrUnexpectedEOF; other errors stay as they are.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
