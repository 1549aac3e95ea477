package appcmd

import "fmt"

// The messages appcmd prints when it changed configuration or a pool's state.

// Added is appcmd's message for a pool added.
func Added(name string) string { return fmt.Sprintf("APPPOOL object \"%s\" added", name) }

// Changed is appcmd's message for a pool changed.
func Changed(name string) string { return fmt.Sprintf("APPPOOL object \"%s\" changed", name) }

// Deleted is appcmd's message for a pool deleted.
func Deleted(name string) string { return fmt.Sprintf("APPPOOL object \"%s\" deleted", name) }

// AppliedSection is appcmd's message for "set config" of a section at the apphost level.
func AppliedSection(section string) string {
	return fmt.Sprintf("Applied configuration changes to section \"%s\" for \"MACHINE/WEBROOT/APPHOST\" at configuration commit path \"MACHINE/WEBROOT/APPHOST\"", section)
}

// Done is appcmd's message for a pool started, stopped or recycled (done is
// "started", "stopped" or "recycled").
func Done(name, done string) string { return fmt.Sprintf("\"%s\" successfully %s.", name, done) }

// Worker is appcmd's line of "list wp" for one worker process.
func Worker(pid int, pool string) string {
	return fmt.Sprintf("WP \"%d\" (applicationPool:%s)", pid, pool)
}

// Error is appcmd's form of an error message: ERROR ( message:... ).
type Error struct {
	Message string
	// Detail is poolctl's own explanation, printed on the lines after appcmd's.
	Detail string
}

// Error returns appcmd's line, followed by the detail when there is one.
func (e *Error) Error() string {
	s := fmt.Sprintf("ERROR ( message:%s )", e.Message)
	if e.Detail != "" {
		s += "\n  " + e.Detail
	}
	return s
}

// NotFound is appcmd's error for a pool that does not exist.
func NotFound(name string) *Error {
	return &Error{Message: fmt.Sprintf("Cannot find APPPOOL object with identifier \"%s\".", name)}
}

// Duplicate is appcmd's error for a pool added that exists.
func Duplicate(name string) *Error {
	return &Error{Message: fmt.Sprintf("Failed to add duplicate collection element \"%s\".", name)}
}

// UnknownAttribute is appcmd's error for an attribute that the object does not have.
func UnknownAttribute(name string) *Error {
	return &Error{Message: fmt.Sprintf("Unknown attribute \"%s\".  Replace with -? for help.", name)}
}
