//go:build !linux

package eventlog

import "io"

// isJournalStream reports false: there is no journald but on Linux.
func isJournalStream(io.Writer, string) bool { return false }
