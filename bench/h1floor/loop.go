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
	peer    gnet.Conn // the other connection; nil until the worker's is open
	client  bool
	held    [][]byte // what came from the client before the worker's connection was open
	rest    []byte   // an incomplete head, and a response's body
	out     []byte   // what goes to the peer
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

// OnOpen opens a worker connection on the client's loop, or pairs a worker connection
// just opened with its client.
func (p *proxy) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	client, ok := c.Context().(gnet.Conn)
	if !ok {
		s := &side{client: true, address: c.RemoteAddr().(*net.TCPAddr).IP.String()}
		s.br = bufio.NewReaderSize(&s.in, 4096)
		c.SetContext(s)
		if _, err := c.EventLoop().Register(gnet.NewContext(context.Background(), c), p.worker); err != nil {
			return nil, gnet.Close
		}
		return nil, gnet.None
	}
	cs, ok := client.Context().(*side)
	if !ok { // the client has gone
		return nil, gnet.Close
	}
	c.SetContext(&side{peer: client})
	cs.peer = c
	for _, b := range cs.held {
		c.Write(b)
	}
	cs.held = nil
	return nil, gnet.None
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
		s.held = append(s.held, bytes.Clone(b))
		return
	}
	s.peer.Write(b)
}

// OnClose closes c's peer.
func (p *proxy) OnClose(c gnet.Conn, _ error) gnet.Action {
	s, ok := c.Context().(*side)
	if !ok || s.peer == nil {
		return gnet.None
	}
	peer := s.peer
	s.peer = nil
	if ps, ok := peer.Context().(*side); ok {
		ps.peer = nil
	}
	peer.Close()
	return gnet.None
}
