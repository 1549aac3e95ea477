package parse

// ErrorKind says what kind of problem an Error reports.
type ErrorKind int

// The kinds of Error.
const (
	// ErrSyntax is a document that is not well-formed XML, or that the reader refuses
	// (a DOCTYPE, invalid UTF-8, too deep).
	ErrSyntax ErrorKind = iota
	// ErrRoot is a well-formed document whose root is not the expected element.
	ErrRoot
	// ErrConfigSource is a configSource attribute that cannot be followed.
	ErrConfigSource
)

// Error is a parse error at a position in a source file.
type Error struct {
	Pos  Pos    // where the problem is
	Msg  string // what the problem is, without the position
	Kind ErrorKind
}

// Error returns the error as "file:line:col: msg".
func (e *Error) Error() string {
	return e.Pos.String() + ": " + e.Msg
}
