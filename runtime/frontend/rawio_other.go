//go:build unix && (!linux || race)

package frontend

import "net"

// fastConn returns conn itself: on Linux, but with the race detector, rawio_linux.go
// reads and writes TCP connections with raw system calls.
func fastConn(conn net.Conn) net.Conn { return conn }

// fastListener is the listener it holds.
type fastListener struct{ net.Listener }
