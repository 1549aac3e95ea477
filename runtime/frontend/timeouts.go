//go:build unix

package frontend

import (
	"net"
	"time"
)

// Defaults of timeouts, after HTTP.sys and the ASP.NET Core Module.
const (
	// defaultBodyIdle is HTTP.sys's EntityBody timer (2 minutes): the longest wait
	// for more of a request body, reset whenever some arrives.
	defaultBodyIdle = 2 * time.Minute
	// defaultBodyGrace and defaultBodyMinRate bound a body that trickles: past the
	// grace, it must have come at defaultBodyMinRate bytes a second on average
	// (IIS's webLimits minBytesPerSecond, 240, which HTTP.sys applies to responses).
	defaultBodyGrace   = 2 * time.Minute
	defaultBodyMinRate = 240
	// defaultResponseHead is the ASP.NET Core Module's requestTimeout default (2
	// minutes): the longest wait for the head of a worker's response, for an
	// application that sets no requestTimeout of its own (exchange.headBy).
	defaultResponseHead = 2 * time.Minute
	// defaultLinger is how long a connection closed with its client's input unread
	// reads what the client still sends (lingerClose), like Apache's lingering close.
	defaultLinger = 500 * time.Millisecond
)

// timeouts bound how long a request may take to arrive and to be answered.
type timeouts struct {
	bodyIdle     time.Duration
	bodyGrace    time.Duration
	bodyMinRate  int64 // bytes a second
	responseHead time.Duration
	linger       time.Duration
}

// defaultTimeouts returns HTTP.sys's and the ASP.NET Core Module's defaults.
func defaultTimeouts() timeouts {
	return timeouts{bodyIdle: defaultBodyIdle, bodyGrace: defaultBodyGrace, bodyMinRate: defaultBodyMinRate,
		responseHead: defaultResponseHead, linger: defaultLinger}
}

// deadlineKept reports whether set, a read deadline a connection set before (zero:
// none, or changed since), may stay for a wait that wants t: it falls at most slack
// before t, and not after it. A connection that carries one request after another
// then sets its deadline about once per slack, not per request, which may end a
// wait up to slack sooner.
func deadlineKept(set, t time.Time, slack time.Duration) bool {
	return !set.IsZero() && !set.After(t) && t.Sub(set) <= slack
}

// headSlack returns how much sooner than head, the time a worker has for a response's
// head, a worker connection's deadline may fall (backendConn.readBy): 1/64 of it, at
// most a second.
func headSlack(head time.Duration) time.Duration { return min(head/64, time.Second) }

// bodyDeadline returns when the next part of a request body that began at start and
// has brought n bytes so far must have come, now: within bodyIdle, and no later than
// the grace plus the time n bytes take at bodyMinRate.
func (t timeouts) bodyDeadline(start, now time.Time, n int64) time.Time {
	idle := now.Add(t.bodyIdle)
	if t.bodyMinRate <= 0 {
		return idle
	}
	rate := start.Add(t.bodyGrace + time.Duration(n)*time.Second/time.Duration(t.bodyMinRate))
	if rate.Before(idle) {
		return rate
	}
	return idle
}

// bodyClock sets the read deadline of a client connection while its request body
// is read, as timeouts say.
type bodyClock struct {
	conn  net.Conn
	t     timeouts
	start time.Time
	n     int64
}

// before sets the deadline of the next read.
func (b *bodyClock) before() {
	if b.conn != nil {
		b.conn.SetReadDeadline(b.t.bodyDeadline(b.start, time.Now(), b.n))
	}
}
