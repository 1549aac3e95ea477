//go:build !linux

package parse

import "errors"

// canPopulate says whether populate may work: only Linux can map pages ahead of
// writes without writing them.
const canPopulate = false

// populate is not available on this system.
func populate([]byte) error { return errors.ErrUnsupported }
