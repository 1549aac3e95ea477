//go:build linux

package eventlog

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// isJournalStream reports whether w is the stream journald connected, stream being
// $JOURNAL_STREAM: the stream's device and inode numbers, in decimal, as "dev:inode".
func isJournalStream(w io.Writer, stream string) bool {
	f, ok := w.(*os.File)
	if stream == "" || !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && fmt.Sprintf("%d:%d", st.Dev, st.Ino) == stream
}
