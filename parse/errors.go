package parse

// Error is a parse error at a position in a source file.
type Error struct {
	Pos Pos    // where the problem is
	Msg string // what the problem is, without the position
}

// Error returns the error as "file:line:col: msg".
func (e *Error) Error() string {
	return e.Pos.String() + ": " + e.Msg
}
