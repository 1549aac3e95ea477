//go:build linux || darwin

package eventlog

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// IsTerminal reports whether w is a terminal: a file whose terminal settings can be
// read (not /dev/null, a character device too).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var termErr error
	if err := rc.Control(func(fd uintptr) { _, termErr = unix.IoctlGetTermios(int(fd), getTermios) }); err != nil {
		return false
	}
	return termErr == nil
}
