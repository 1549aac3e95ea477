//go:build linux

package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Ping headers.
const (
	pingHeader      = "X-Poolctl-Ping"
	unhealthyHeader = "X-Poolctl-Unhealthy"
)

// Polling intervals of WaitReady while an app does not accept connections yet: every
// 200 µs for its first quarter second (a first request waits for this; a connect that
// loopback refuses costs a few microseconds, see listening), then less and less often.
// For the first preciseFor the pauses sleep in the kernel, where 200 µs is 200 µs (see
// pause); after it they are Go timers, which make them about a millisecond: an app
// that starts within 100 ms is seen 0.4 ms sooner on average (median 0.57 -> 0.20 ms
// for the test worker starting in 31 ms on a slow machine), and many workers starting
// at once do not poll several thousand times a second each for long: past 100 ms, half
// a millisecond is under 0.5% of the start.
const (
	firstRetry = 200 * time.Microsecond
	preciseFor = 100 * time.Millisecond
	fastFor    = 250 * time.Millisecond
	maxRetry   = 100 * time.Millisecond
)

// probeTimeout bounds listening's connect, should a full backlog drop its SYN.
const probeTimeout = 100 * time.Millisecond

// WaitReady waits until every app's port accepts a connection and answers a first ping
// (any HTTP response), or ctx ends (the error wraps ctx.Err()), or the worker exits (the
// error says so, and why). It keeps the first ping's connection of each app for
// TakeConn.
func (w *Worker) WaitReady(ctx context.Context) error {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-w.done:
			cancel()
		case <-pctx.Done():
		}
	}()
	for i := range w.addrs {
		if err := w.waitApp(pctx, i); err != nil {
			return w.notReady(ctx, i)
		}
	}
	return nil
}

// waitApp pings app i until it answers or ctx ends; until its port is listening, it
// only tries to connect. The connection of the ping that answers is kept (warmPing).
func (w *Worker) waitApp(ctx context.Context, i int) error {
	retry, begin := firstRetry, time.Now()
	for {
		if listening(w.ports[i]) {
			if err := w.warmPing(ctx, i); err == nil {
				return nil
			}
		}
		if err := pause(ctx, retry, time.Since(begin) < preciseFor); err != nil {
			return err
		}
		if time.Since(begin) > fastFor {
			retry = min(2*retry, maxRetry)
		}
	}
}

// pause waits d, or until ctx ends (its error then). A Go timer shorter than a
// millisecond waits about a millisecond when the process has nothing else to do (the
// poller sleeps in whole milliseconds), five times firstRetry: with precise, a pause
// that short sleeps in the kernel (nanosleep, on a thread of its own meanwhile), and
// ctx is checked after it.
func pause(ctx context.Context, d time.Duration, precise bool) error {
	if precise && d < time.Millisecond {
		ts := unix.NsecToTimespec(d.Nanoseconds())
		for unix.Nanosleep(&ts, &ts) == unix.EINTR {
		}
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// listening reports whether something may listen on 127.0.0.1:port: loopback refuses
// a connect at once when nothing does. A blocking connect on a socket of its own costs
// a fraction of an HTTP ping (no goroutine, no poller), so WaitReady can try often.
func listening(port int) bool {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return true // the ping will say
	}
	defer unix.Close(fd)
	tv := unix.NsecToTimeval(probeTimeout.Nanoseconds())
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv)
	err = unix.Connect(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}})
	return !errors.Is(err, unix.ECONNREFUSED)
}

// notReady says why app i did not become ready: the worker exited, or ctx ended.
func (w *Worker) notReady(ctx context.Context, i int) error {
	select {
	case <-w.done:
		if w.waitErr == nil {
			return fmt.Errorf("pool %q: worker %d exited before it was ready, with status 0", w.pool, w.pid)
		}
		return fmt.Errorf("pool %q: worker %d exited before it was ready: %s: %w", w.pool, w.pid, w.why, w.waitErr)
	default:
	}
	return fmt.Errorf("pool %q: worker %d: app %q not ready on %s: %w", w.pool, w.pid, w.names[i], w.addrs[i], ctx.Err())
}

// Ping sends GET PingPath with the header "X-Poolctl-Ping: 1" to every app, over the
// worker's keep-alive connections. Any HTTP response is alive, whatever its status.
// unhealthy is the value of the "X-Poolctl-Unhealthy" header of the first app (in
// Config.Apps order) that declares itself unhealthy. err says which app did not
// answer before ctx ended.
func (w *Worker) Ping(ctx context.Context) (unhealthy string, err error) {
	reasons := make([]string, len(w.addrs))
	errs := make([]error, len(w.addrs))
	var wg sync.WaitGroup
	for i := range w.addrs {
		wg.Go(func() { reasons[i], errs[i] = w.pingApp(ctx, i) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return "", w.appError("ping", i, err)
		}
	}
	for _, r := range reasons {
		if r != "" {
			return r, nil
		}
	}
	return "", nil
}

// pingApp pings app i once and returns its X-Poolctl-Unhealthy header.
func (w *Worker) pingApp(ctx context.Context, i int) (string, error) {
	req, err := w.pingRequest(ctx, i)
	if err != nil {
		return "", err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return "", err
	}
	// Drained, so that the connection is kept for the next ping.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, pingBodyMax))
	resp.Body.Close()
	return resp.Header.Get(unhealthyHeader), nil
}

// pingBodyMax bounds what is read of a ping response's body: a longer one leaves its
// connection unkept.
const pingBodyMax = 64 << 10

// pingRequest returns the ping of app i: GET PingPath with "X-Poolctl-Ping: 1".
func (w *Worker) pingRequest(ctx context.Context, i int) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+w.addrs[i]+w.pingPaths[i], nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set(pingHeader, "1")
	return req, nil
}
