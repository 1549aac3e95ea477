//go:build linux

package worker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// warmPing pings app i as pingApp does, on a connection of its own, which it keeps
// for TakeConn when the app leaves it open after the response: the next request the
// front end forwards to the worker (its first, or the one that resumes it) then needs
// no connect, and the app no accept.
func (w *Worker) warmPing(ctx context.Context, i int) error {
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

// Warm pings each app once on a new connection and keeps it for TakeConn, in place of
// one nobody took. Suspend calls it after paging the worker out: what serving a request
// touches is back in memory when the worker is frozen, and the request that thaws it
// goes on a connection the app is reading. It returns the apps' errors, joined.
func (w *Worker) Warm(ctx context.Context) error {
	errs := make([]error, len(w.addrs))
	for i := range w.addrs {
		if old := w.TakeConn(i); old != nil {
			old.Close()
		}
		if err := w.warmPing(ctx, i); err != nil {
			errs[i] = w.appError("warm", i, err)
		}
	}
	return errors.Join(errs...)
}

// appError wraps err, what happened when the worker did what to app i, with the
// pool, the worker, the app and its address.
func (w *Worker) appError(what string, i int, err error) error {
	return fmt.Errorf("pool %q: worker %d: %s app %q on %s: %w", w.pool, w.pid, what, w.names[i], w.addrs[i], err)
}

// keepWarm keeps conn, app i's warm-ping connection, for TakeConn; once the worker
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

// TakeConn returns the connection of app i's last warm ping (the first ping, or Warm's),
// open and idle, once; nil when there is none (taken, not kept, or closed when the
// worker ended). The caller owns it.
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

// closeWarm closes the warm-ping connections nobody took.
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
