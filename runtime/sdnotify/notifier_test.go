//go:build linux

package sdnotify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// deadline bounds every wait of these tests: generous, for a busy machine.
const deadline = 10 * time.Second

// envOf returns a getenv of m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// listen binds a unixgram socket at name, as systemd binds its notification socket.
func listen(t *testing.T, name string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// socketPath returns a path for a notification socket in a new temporary directory.
func socketPath(t *testing.T) string {
	return filepath.Join(t.TempDir(), "notify.sock")
}

// abstractName returns a name in the abstract namespace that no other test uses.
func abstractName() string {
	return fmt.Sprintf("@poolctl-sdnotify-test-%d-%x", os.Getpid(), rand.Uint64())
}

// recv returns the next datagram c receives.
func recv(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(deadline)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, _, err := c.ReadFromUnix(buf)
	if err != nil {
		t.Fatalf("no notification: %v", err)
	}
	return string(buf[:n])
}

// newNotifier returns the Notifier of env, failing the test on an error.
func newNotifier(t *testing.T, env map[string]string) *Notifier {
	t.Helper()
	n, err := New(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// monotonic returns CLOCK_MONOTONIC in microseconds.
func monotonic(t *testing.T) int64 {
	t.Helper()
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	return ts.Nano() / 1000
}

func TestNew(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	type result struct {
		Enabled  bool
		Interval time.Duration
		Err      bool
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want result
	}{
		{"no NOTIFY_SOCKET", map[string]string{WatchdogUsecEnv: "30000000"}, result{}},
		{"path", map[string]string{SocketEnv: "/run/systemd/notify"}, result{Enabled: true}},
		{"abstract", map[string]string{SocketEnv: "@/org/freedesktop/systemd1/notify/1"}, result{Enabled: true}},
		{"watchdog for any process", map[string]string{SocketEnv: "/n", WatchdogUsecEnv: "30000000"}, result{Enabled: true, Interval: 30 * time.Second}},
		{"watchdog for this process", map[string]string{SocketEnv: "/n", WatchdogUsecEnv: "20000000", WatchdogPIDEnv: pid}, result{Enabled: true, Interval: 20 * time.Second}},
		{"watchdog for another process", map[string]string{SocketEnv: "/n", WatchdogUsecEnv: "20000000", WatchdogPIDEnv: "1"}, result{Enabled: true}},
		{"WATCHDOG_PID without WATCHDOG_USEC", map[string]string{SocketEnv: "/n", WatchdogPIDEnv: pid}, result{Enabled: true}},
		{"relative path", map[string]string{SocketEnv: "run/notify"}, result{Err: true}},
		{"vsock address", map[string]string{SocketEnv: "vsock:2:1234"}, result{Err: true}},
		{"@ without a name", map[string]string{SocketEnv: "@"}, result{Err: true}},
		{"path too long", map[string]string{SocketEnv: "/" + strings.Repeat("x", 200)}, result{Err: true}},
		{"WATCHDOG_USEC not a number", map[string]string{SocketEnv: "/n", WatchdogUsecEnv: "30s"}, result{Err: true}},
		{"WATCHDOG_USEC zero", map[string]string{SocketEnv: "/n", WatchdogUsecEnv: "0"}, result{Err: true}},
		{"WATCHDOG_USEC negative", map[string]string{SocketEnv: "/n", WatchdogUsecEnv: "-1"}, result{Err: true}},
		{"WATCHDOG_USEC past a Duration", map[string]string{SocketEnv: "/n", WatchdogUsecEnv: "9223372036854775807"}, result{Err: true}},
		{"WATCHDOG_PID not a number", map[string]string{SocketEnv: "/n", WatchdogUsecEnv: "1", WatchdogPIDEnv: "me"}, result{Err: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := New(envOf(tc.env))
			got := result{Enabled: n != nil, Interval: n.WatchdogInterval(), Err: err != nil}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("New (-want +got):\n%s (error %v)", diff, err)
			}
		})
	}
}

func TestMessagesInOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		addr func(t *testing.T) string
	}{
		{"path", socketPath},
		{"abstract socket", func(*testing.T) string { return abstractName() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.addr(t)
			c := listen(t, addr)
			n := newNotifier(t, map[string]string{SocketEnv: addr})
			if err := n.Ready(); err != nil {
				t.Fatal(err)
			}
			before := monotonic(t)
			if err := n.Reloading(); err != nil {
				t.Fatal(err)
			}
			after := monotonic(t)
			for _, f := range []func() error{n.Ready, n.Stopping} {
				if err := f(); err != nil {
					t.Fatal(err)
				}
			}
			got := []string{recv(t, c), recv(t, c), recv(t, c), recv(t, c)}
			usec := checkReloading(t, got[1], before, after)
			want := []string{"READY=1", "RELOADING=1\nMONOTONIC_USEC=" + usec, "READY=1", "STOPPING=1"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

// checkReloading checks that msg's MONOTONIC_USEC is between before and after, and
// returns it.
func checkReloading(t *testing.T, msg string, before, after int64) string {
	t.Helper()
	_, usec, _ := strings.Cut(msg, "MONOTONIC_USEC=")
	v, err := strconv.ParseInt(usec, 10, 64)
	if err != nil || v < before || v > after {
		t.Errorf("MONOTONIC_USEC=%q, want CLOCK_MONOTONIC between %d and %d", usec, before, after)
	}
	return usec
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		name, status, want string
	}{
		{"one line", "3 pools, 5 workers", "STATUS=3 pools, 5 workers"},
		{"empty", "", "STATUS="},
		{"newlines cannot add assignments", "broken\nREADY=1\r\nSTOPPING=1", "STATUS=broken READY=1  STOPPING=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := socketPath(t)
			c := listen(t, path)
			if err := newNotifier(t, map[string]string{SocketEnv: path}).Status(tc.status); err != nil {
				t.Fatal(err)
			}
			if got := recv(t, c); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWithoutNotifySocketNothingHappens(t *testing.T) {
	n, err := New(envOf(map[string]string{WatchdogUsecEnv: "1000000"}))
	if err != nil || n != nil {
		t.Fatalf("New = %v, %v; want nil, nil", n, err)
	}
	for name, f := range map[string]func() error{
		"Ready": n.Ready, "Reloading": n.Reloading, "Stopping": n.Stopping,
		"Status": func() error { return n.Status("x") }, "Watchdog": n.Watchdog,
	} {
		if err := f(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if d := n.WatchdogInterval(); d != 0 {
		t.Errorf("WatchdogInterval = %v, want 0", d)
	}
	waitReturn(t, "RunWatchdog", func() { n.RunWatchdog(t.Context(), make(chan time.Time), alwaysHealthy, nil) })
	waitReturn(t, "KeepAlive", func() { n.KeepAlive(t.Context(), alwaysHealthy, nil) })
}

// alwaysHealthy is a health check that passes.
func alwaysHealthy() bool { return true }

// waitReturn fails the test unless f returns within the deadline.
func waitReturn(t *testing.T, name string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-time.After(deadline):
		t.Fatalf("%s did not return", name)
	}
}

func TestWatchdogPIDMismatchDisablesTheWatchdog(t *testing.T) {
	path := socketPath(t)
	c := listen(t, path)
	n := newNotifier(t, map[string]string{SocketEnv: path, WatchdogUsecEnv: "2000000", WatchdogPIDEnv: strconv.Itoa(os.Getpid() + 1)})
	if d := n.WatchdogInterval(); d != 0 {
		t.Errorf("WatchdogInterval = %v, want 0", d)
	}
	if err := n.Watchdog(); err != nil {
		t.Fatal(err)
	}
	waitReturn(t, "RunWatchdog", func() { n.RunWatchdog(t.Context(), make(chan time.Time), alwaysHealthy, nil) })
	waitReturn(t, "KeepAlive", func() { n.KeepAlive(t.Context(), alwaysHealthy, nil) })
	if err := n.Ready(); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, c); got != "READY=1" {
		t.Errorf("first message %q, want READY=1 (no WATCHDOG=1 before it)", got)
	}
}

// watchdogLoop runs n.RunWatchdog with a tick channel and a health check that the
// test drives: each tick asks health for the answer. stop ends the loop and waits.
func watchdogLoop(t *testing.T, n *Notifier, failed func(error)) (tick chan time.Time, health chan bool, stop func()) {
	tick, health = make(chan time.Time), make(chan bool)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.RunWatchdog(ctx, tick, func() bool { return <-health }, failed)
	}()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(deadline):
			t.Fatal("RunWatchdog did not return when its context ended")
		}
	}
	return tick, health, stop
}

func TestWatchdogFollowsHealth(t *testing.T) {
	path := socketPath(t)
	c := listen(t, path)
	n := newNotifier(t, map[string]string{SocketEnv: path, WatchdogUsecEnv: "30000000"})
	tick, health, stop := watchdogLoop(t, n, func(err error) { t.Errorf("ping failed: %v", err) })
	defer stop()
	// Each tick is taken only once the previous one is done, pinged or not; the
	// marker, sent after two unhealthy ticks, shows that they did not ping.
	tick <- time.Now()
	health <- true
	tick <- time.Now()
	health <- false
	tick <- time.Now()
	health <- false
	tick <- time.Now()
	if err := n.Status("marker"); err != nil {
		t.Fatal(err)
	}
	health <- true
	got := []string{recv(t, c), recv(t, c), recv(t, c)}
	want := []string{"WATCHDOG=1", "STATUS=marker", "WATCHDOG=1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func TestWatchdogReportsFailedPings(t *testing.T) {
	path := socketPath(t)
	n := newNotifier(t, map[string]string{SocketEnv: path, WatchdogUsecEnv: "30000000"}) // nobody listens
	failures := make(chan error, 2)
	tick, health, stop := watchdogLoop(t, n, func(err error) { failures <- err })
	defer stop()
	for range 2 { // the loop goes on after a failure
		tick <- time.Now()
		health <- true
		select {
		case err := <-failures:
			if !strings.Contains(err.Error(), "WATCHDOG=1") || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not say what failed where", err)
			}
		case <-time.After(deadline):
			t.Fatal("no failure reported")
		}
	}
}

func TestKeepAliveTicksAtHalfTheTimeout(t *testing.T) {
	path := socketPath(t)
	c := listen(t, path)
	n := newNotifier(t, map[string]string{SocketEnv: path, WatchdogUsecEnv: "30000000"})
	tick, stopped := make(chan time.Time), make(chan struct{})
	var period time.Duration
	n.newTicker = func(d time.Duration) (<-chan time.Time, func()) {
		period = d
		return tick, func() { close(stopped) }
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); n.KeepAlive(ctx, alwaysHealthy, nil) }()
	tick <- time.Now()
	if got := recv(t, c); got != "WATCHDOG=1" {
		t.Errorf("got %q, want WATCHDOG=1", got)
	}
	cancel()
	for _, ch := range []chan struct{}{done, stopped} {
		select {
		case <-ch:
		case <-time.After(deadline):
			t.Fatal("KeepAlive did not return and stop its ticker when its context ended")
		}
	}
	if period != 15*time.Second {
		t.Errorf("ticker period %v, want 15s (half of WATCHDOG_USEC)", period)
	}
}

func TestSendFailureSaysWhat(t *testing.T) {
	path := socketPath(t) // nobody listens
	err := newNotifier(t, map[string]string{SocketEnv: path}).Ready()
	if err == nil || !strings.Contains(err.Error(), "READY=1") || !errors.Is(err, unix.ENOENT) {
		t.Errorf("Ready = %v, want an ENOENT that names READY=1", err)
	}
}

func TestScrub(t *testing.T) {
	env := []string{"PATH=/usr/bin", "NOTIFY_SOCKET=/run/systemd/notify", "WATCHDOG_USEC=30000000",
		"WATCHDOG_PID=1", "NOTIFY_SOCKETS=kept", "HOME=/root"}
	want := []string{"PATH=/usr/bin", "NOTIFY_SOCKETS=kept", "HOME=/root"}
	if diff := cmp.Diff(want, Scrub(env)); diff != "" {
		t.Errorf("Scrub (-want +got):\n%s", diff)
	}
}

func FuzzNew(f *testing.F) {
	f.Add("/run/systemd/notify", "30000000", "")
	f.Add("@notify", "1", "1")
	f.Add("vsock:2:1", "-1", "x")
	f.Fuzz(func(t *testing.T, sock, usec, pid string) {
		env := map[string]string{SocketEnv: sock, WatchdogUsecEnv: usec, WatchdogPIDEnv: pid}
		n, err := New(envOf(env))
		if err != nil && n != nil {
			t.Errorf("New returned a Notifier with the error %v", err)
		}
		if err == nil && (n == nil) != (sock == "") {
			t.Errorf("NOTIFY_SOCKET=%q gave Notifier %v", sock, n)
		}
		if n.WatchdogInterval() < 0 {
			t.Errorf("negative watchdog interval %v", n.WatchdogInterval())
		}
	})
}
