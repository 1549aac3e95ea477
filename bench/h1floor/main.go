// Command h1floor is the least a Go reverse proxy for HTTP/1.1 does, for bench/floor.sh:
// what Go itself costs a request on this machine before any feature of poolctl run's
// front end. Each client connection gets its own connection to the worker, opened
// when the client connects, and a request goes out as soon as it has come in. It
// serves GET without a body from a worker that answers with a Content-Length (the test
// worker), nothing else.
//
//	h1floor MODE ADDR WORKER
//
// MODE is one of:
//
//   - goroutine: a goroutine a connection, as net/http and poolctl run serve; one read
//     and one write each way, the bytes passed on as they are;
//   - loop: an event loop (github.com/panjf2000/gnet), the client's and the worker's
//     connections on the same loop, as nginx serves; the bytes passed on as they are;
//   - loop-work: the loop, doing poolctl run's work a request: the request head read
//     strictly by runtime/frontend/h1 and written anew with the forwarding headers, the
//     response head parsed and written anew.
//
// LOOPS (default 1, as bench/run.sh's nginx has one worker process) sets the number of
// event loops.
//
// It is its own module, so that gnet stays out of poolctl's.
package main

import (
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: h1floor goroutine|loop|loop-work ADDR WORKER")
		os.Exit(2)
	}
	mode, addr, worker := os.Args[1], os.Args[2], os.Args[3]
	var err error
	switch mode {
	case "goroutine":
		err = serveGoroutines(addr, worker)
	case "loop", "loop-work":
		err = serveLoop(addr, worker, mode == "loop-work", loops())
	default:
		err = fmt.Errorf("mode %q: want goroutine, loop or loop-work", mode)
	}
	log.Fatal(err)
}

// loops returns LOOPS, or 1.
func loops() int {
	if n, err := strconv.Atoi(os.Getenv("LOOPS")); err == nil && n > 0 {
		return n
	}
	return 1
}

// serveGoroutines serves addr with a goroutine a client connection.
func serveGoroutines(addr, worker string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go pass(c, worker)
	}
}

// pass passes a request from c to its own worker connection, then the answer back,
// until either closes.
func pass(c net.Conn, worker string) {
	defer c.Close()
	w, err := net.Dial("tcp", worker)
	if err != nil {
		return
	}
	defer w.Close()
	in, out := make([]byte, 16<<10), make([]byte, 64<<10)
	for {
		n, err := c.Read(in)
		if err != nil {
			return
		}
		if _, err := w.Write(in[:n]); err != nil {
			return
		}
		m, err := w.Read(out)
		if err != nil {
			return
		}
		if _, err := c.Write(out[:m]); err != nil {
			return
		}
	}
}
