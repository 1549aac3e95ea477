//go:build linux

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// TestReloadOnHangup checks that SIGHUP reloads the configuration.
func TestReloadOnHangup(t *testing.T) {
	loads := make(chan struct{}, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The test's own subscription keeps a SIGHUP sent before reloadOnHangup listens
	// from ending the test binary; the signal is sent again until it reloads.
	own := make(chan os.Signal, 1)
	signal.Notify(own, syscall.SIGHUP)
	defer signal.Stop(own)
	go reloadOnHangup(ctx, func() error { loads <- struct{}{}; return nil })
	resend := time.NewTicker(20 * time.Millisecond)
	defer resend.Stop()
	deadline := time.After(10 * time.Second)
	for reloaded := false; !reloaded; {
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		select {
		case <-loads:
			reloaded = true
		case <-resend.C:
		case <-deadline:
			t.Fatal("SIGHUP did not reload")
		}
	}
}
