//go:build linux

package supervisor

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/sdnotify"
	"github.com/poolctl/poolctl/runtime/spec"
)

// TestWatchdogStopsWhenWedged drives systemd's watchdog as poolctl run does (a ping
// per tick while Check passes) on a test notify socket: pings while the supervisor
// answers, none while a pool's lock is held for good, pings again once it is free.
func TestWatchdogStopsWhenWedged(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	env := map[string]string{"NOTIFY_SOCKET": sock, "WATCHDOG_USEC": "1000000"}
	n, err := sdnotify.New(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	sup := New(&spec.Spec{Pools: []*spec.Pool{{Name: "A"}}}, Options{Shim: []string{"/nonexistent"}})
	healthy := func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		return sup.Check(ctx) == nil
	}
	tick := make(chan time.Time) // unbuffered: a tick is taken once the one before is done
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.RunWatchdog(ctx, tick, healthy, func(err error) {
			if ctx.Err() == nil {
				t.Error(err)
			}
		})
	}()
	defer func() { cancel(); <-done }() // before the socket closes
	read := func() string {
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		buf := make([]byte, 512)
		k, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("no notification: %v", err)
		}
		return string(buf[:k])
	}
	tick <- time.Now()
	if m := read(); m != "WATCHDOG=1" {
		t.Fatalf("first notification = %q, want WATCHDOG=1", m)
	}
	p := sup.pool("A")
	p.mu.Lock() // wedged
	tick <- time.Now()
	tick <- time.Now() // the first wedged tick is done
	tick <- time.Now()
	n.Status("marker") // what comes before it came from the wedged ticks
	if m := read(); m != "STATUS=marker" {
		t.Fatalf("after wedged ticks: %q, want no ping (STATUS=marker next)", m)
	}
	p.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for { // the wedged checks end as the lock is freed; then the pings come back
		tick <- time.Now()
		n.Status("again")
		if m := read(); m == "WATCHDOG=1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ping within 30 s of the supervisor's recovery")
		}
	}
}
