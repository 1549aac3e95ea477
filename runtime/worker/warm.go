//go:build linux

package worker

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"time"
)

// firstPing pings app i as pingApp does, on a connection of its own, which it keeps
// for TakeConn when the app leaves it open after the response: the first request the
// front end forwards to the new worker then needs no connect, and the app no accept.
func (w *Worker) firstPing(ctx context.Context, i int) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", w.addrs[i])
	if err != nil {
		return err
	}
	req, err := w.pingRequest(ctx, i)
	if err != nil {
		conn.Close()
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	keep, err := pingOn(conn, req)
	if !stop() { // ctx ended: the connection's deadline is in the past
		keep = false
	}
	if !keep {
		conn.Close()
		return err
	}
	w.keepWarm(i, conn)
	return nil
}

// pingOn sends req, a ping, on conn and reads its response. It reports whether conn
// may carry another request: the response said nothing against it, its body was read
// to the end, and nothing came after it.
func pingOn(conn net.Conn, req *http.Request) (keep bool, err error) {
	if err := req.Write(conn); err != nil {
		return false, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return false, err
	}
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, pingBodyMax+1))
	resp.Body.Close()
	return err == nil && n <= pingBodyMax && !resp.Close && br.Buffered() == 0, nil
}

// keepWarm keeps conn, app i's first-ping connection, for TakeConn; once the worker
// has ended or was released, it closes it instead.
func (w *Worker) keepWarm(i int, conn net.Conn) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.exited || w.released.Load() || w.warm[i] != nil {
		conn.Close()
		return
	}
	w.warm[i] = conn
	w.warmLeft.Add(1)
}

// TakeConn returns the connection of app i's first ping, open and idle, once; nil when
// there is none (taken, not kept, or closed when the worker ended). The caller owns it.
func (w *Worker) TakeConn(i int) net.Conn {
	if w.warmLeft.Load() == 0 { // the usual case, on every request: no lock
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	conn := w.warm[i]
	if conn != nil {
		w.warm[i] = nil
		w.warmLeft.Add(-1)
	}
	return conn
}

// closeWarm closes the first-ping connections nobody took.
func (w *Worker) closeWarm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, conn := range w.warm {
		if conn != nil {
			conn.Close()
			w.warm[i] = nil
			w.warmLeft.Add(-1)
		}
	}
}
