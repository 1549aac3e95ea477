//go:build !linux && !darwin

package eventlog

import (
	"io"
	"os"
)

// IsTerminal reports whether w is a terminal, as far as a portable test tells: a
// character device (a console; /dev/null passes too).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
