package main

import (
	"bufio"
	"bytes"
	"context"
	"net"

	"github.com/panjf2000/gnet/v2"
	"github.com/poolctl/poolctl/runtime/frontend/h1"
)

// end is the blank line that ends a head.
var end = []byte("\r\n\r\n")

// side is one connection's state: the client's or the worker's.
type side struct {
	conn    gnet.Conn
	peer    *side // the other connection's; nil until the worker's is open, and after either closes
	client  bool
	closed  bool
	held    []byte // what came from the client before the worker's connection was open
	rest    []byte // an incomplete head, and a response's body
	out     []byte // what goes to the peer
	in      bytes.Reader
	br      *bufio.Reader
	req     h1.Request
	address string
}

// proxy is the event loops' handler.
type proxy struct {
	gnet.BuiltinEventEngine
	worker net.Addr
	work   bool
}

// serveLoop serves addr on loops event loops; with work, as poolctl run would.
func serveLoop(addr, worker string, work bool, loops int) error {
	w, err := net.ResolveTCPAddr("tcp", worker)
	if err != nil {
		return err
	}
	return gnet.Run(&proxy{worker: w, work: work}, "tcp://"+addr, gnet.WithNumEventLoop(loops),
		gnet.WithLoadBalancing(gnet.LeastConnections), gnet.WithTCPNoDelay(gnet.TCPNoDelay))
}

// OnOpen opens a worker connection on a new client's loop, or pairs a worker connection
// just opened with its client (the side its registration carried).
func (p *proxy) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	cs, ok := c.Context().(*side)
	if !ok {
		s := &side{conn: c, client: true, address: c.RemoteAddr().(*net.TCPAddr).IP.String()}
		s.br = bufio.NewReaderSize(&s.in, 4096)
		c.SetContext(s)
		if _, err := c.EventLoop().Register(gnet.NewContext(context.Background(), s), p.worker); err != nil {
			return nil, gnet.Close
		}
		return nil, gnet.None
	}
	if cs.closed {
		return nil, gnet.Close
	}
	ws := &side{conn: c, peer: cs}
	c.SetContext(ws)
	cs.peer = ws
	held := cs.held
	cs.held = nil
	return held, gnet.None
}

// OnTraffic passes what came on c to its peer.
func (p *proxy) OnTraffic(c gnet.Conn) gnet.Action {
	s, ok := c.Context().(*side)
	if !ok {
		return gnet.None
	}
	buf, _ := c.Next(-1)
	if !p.work {
		s.send(buf)
		return gnet.None
	}
	s.rest = append(s.rest, buf...)
	var done bool
	var err error
	if s.client {
		done, err = s.request()
	} else {
		done, err = s.response()
	}
	if err != nil {
		return gnet.Close
	}
	if done {
		s.rest = s.rest[:0]
		s.send(s.out)
	}
	return gnet.None
}

// send writes b to the peer, or holds a copy until the worker's connection is open.
func (s *side) send(b []byte) {
	if s.peer == nil {
		s.held = append(s.held, b...)
		return
	}
	s.peer.conn.Write(b)
}

// OnClose closes c's peer.
func (p *proxy) OnClose(c gnet.Conn, _ error) gnet.Action {
	s, ok := c.Context().(*side)
	if !ok {
		return gnet.None
	}
	s.closed = true
	if peer := s.peer; peer != nil {
		s.peer, peer.peer = nil, nil
		peer.conn.Close()
	}
	return gnet.None
}
