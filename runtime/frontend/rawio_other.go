//go:build unix && (!linux || race)

package frontend

import (
	"io"
	"net"
)

// fastIO returns what reads and writes conn: conn itself (on Linux, but with the race
// detector, rawio_linux.go reads and writes TCP connections with raw system calls).
func fastIO(conn net.Conn) io.ReadWriter { return conn }

// fastListener is the listener it holds.
type fastListener struct{ net.Listener }
