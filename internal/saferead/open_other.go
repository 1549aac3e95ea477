//go:build !unix

package saferead

import "os"

// openNonblock opens path read-only; outside Unix there are no FIFOs to block on
// in the file system.
func openNonblock(path string) (*os.File, error) {
	return os.Open(path)
}
