package parse

import "golang.org/x/sys/unix"

// canPopulate says whether populate may work: MADV_POPULATE_WRITE is Linux's (5.14 and
// later; older kernels refuse it with EINVAL, and the prefaulter then stops asking).
const canPopulate = true

// populate maps the pages of b for writing, as a write to each would, without
// writing.
func populate(b []byte) error { return unix.Madvise(b, unix.MADV_POPULATE_WRITE) }
