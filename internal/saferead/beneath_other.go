//go:build !linux

package saferead

import "os"

// openBeneath leaves the resolution to openResolved: only Linux has openat2.
func openBeneath(dir, rel string) (*os.File, error) {
	return nil, errNoOpenat2
}
