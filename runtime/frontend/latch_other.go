//go:build unix && (!linux || race)

package frontend

import (
	"bufio"
	"net"
	"time"
)

// connFDs is how many descriptors a client connection may hold: its own and a
// worker connection's.
const connFDs = 2

// readLatch is latch_linux.go's; here openLatch has none, and a connection's reads
// wait as net.Conn's do.
type readLatch struct{}

// openLatch returns nil.
func openLatch(net.Conn) *readLatch { return nil }

func (*readLatch) serve(func(uintptr) bool) error { return nil }
func (*readLatch) readable()                      {}
func (*readLatch) fill(*bufio.Reader) bool        { return true }
func (*readLatch) setDeadline(time.Time)          {}
func (*readLatch) shutdown()                      {}
func (*readLatch) close()                         {}
