package sdnotify

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// The variables systemd sets for a service's main process.
const (
	// SocketEnv names the notification socket.
	SocketEnv = "NOTIFY_SOCKET"
	// WatchdogUsecEnv is the watchdog's timeout in microseconds.
	WatchdogUsecEnv = "WATCHDOG_USEC"
	// WatchdogPIDEnv is the process the watchdog is meant for.
	WatchdogPIDEnv = "WATCHDOG_PID"
)

// Notifier sends state notifications to systemd; a nil Notifier sends nothing.
type Notifier struct {
	addr     *net.UnixAddr
	watchdog time.Duration // 0: the watchdog is not enabled for this process
	// newTicker starts KeepAlive's clock: it returns the ticks and their stop.
	newTicker func(d time.Duration) (<-chan time.Time, func())
}

// realTicker is newTicker's default, a time.Ticker.
func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Ready tells systemd that the service is up ("READY=1"), at start or after a reload.
func (n *Notifier) Ready() error { return n.send("READY=1") }

// Reloading tells systemd that the service reloads its configuration
// ("RELOADING=1" with "MONOTONIC_USEC=", the time on CLOCK_MONOTONIC); Ready ends it.
func (n *Notifier) Reloading() error {
	if n == nil {
		return nil
	}
	usec, err := monotonicUsec()
	if err != nil {
		return fmt.Errorf("sdnotify: RELOADING=1: %w", err)
	}
	return n.send("RELOADING=1\nMONOTONIC_USEC=" + strconv.FormatInt(usec, 10))
}

// Stopping tells systemd that the service is shutting down ("STOPPING=1").
func (n *Notifier) Stopping() error { return n.send("STOPPING=1") }

// Status sets the one-line status that systemctl status shows ("STATUS="); a
// newline in s becomes a space, so that s cannot add other assignments.
func (n *Notifier) Status(s string) error {
	return n.send("STATUS=" + strings.NewReplacer("\r", " ", "\n", " ").Replace(s))
}

// Watchdog pings systemd's watchdog ("WATCHDOG=1"); it sends nothing when the
// watchdog is not enabled for this process.
func (n *Notifier) Watchdog() error {
	if n.WatchdogInterval() == 0 {
		return nil
	}
	return n.send("WATCHDOG=1")
}

// WatchdogInterval returns the watchdog's timeout (WATCHDOG_USEC): systemd acts when
// no ping came for that long. It is 0 when the watchdog is not enabled.
func (n *Notifier) WatchdogInterval() time.Duration {
	if n == nil {
		return 0
	}
	return n.watchdog
}

// RunWatchdog pings the watchdog on each tick for which healthy returns true, until
// ctx ends; a failed ping goes to failed (when not nil) and the loop goes on. When
// healthy returns false, or never returns, the pings stop and systemd, after the
// watchdog's timeout, acts as WatchdogSec= and Restart= say. It returns at once when
// the watchdog is not enabled.
func (n *Notifier) RunWatchdog(ctx context.Context, tick <-chan time.Time, healthy func() bool, failed func(error)) {
	if n.WatchdogInterval() == 0 {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		if !healthy() {
			continue
		}
		if err := n.Watchdog(); err != nil && failed != nil {
			failed(err)
		}
	}
}

// KeepAlive runs RunWatchdog with a tick every half of the watchdog's timeout, as
// sd_watchdog_enabled(3) advises, until ctx ends; it returns at once when the watchdog
// is not enabled.
func (n *Notifier) KeepAlive(ctx context.Context, healthy func() bool, failed func(error)) {
	d := n.WatchdogInterval() / 2
	if d <= 0 {
		return
	}
	tick, stop := n.newTicker(d)
	defer stop()
	n.RunWatchdog(ctx, tick, healthy, failed)
}

// send sends state, one or more newline-separated assignments, as one datagram.
func (n *Notifier) send(state string) error {
	if n == nil {
		return nil
	}
	if err := sendTo(n.addr, state); err != nil {
		first, _, _ := strings.Cut(state, "\n")
		return fmt.Errorf("sdnotify: send %s to %s: %w", first, n.addr.Name, err)
	}
	return nil
}

// Scrub returns env without the variables that address systemd's notification socket
// and watchdog, for the environment of child processes: they are the main process's
// own, and a child that sent to them would only be refused (NotifyAccess=main).
func Scrub(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case SocketEnv, WatchdogUsecEnv, WatchdogPIDEnv:
			continue
		}
		out = append(out, kv)
	}
	return out
}
