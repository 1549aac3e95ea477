//go:build linux

package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/supervisor"
)

// TestWatcherReloadsOnSIGHUP checks that SIGHUP reloads an unchanged file, and that a
// changed file is reloaded without one.
func TestWatcherReloadsOnSIGHUP(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.config")
	os.WriteFile(path, []byte("one"), 0o644)
	loads := make(chan struct{}, 10)
	w := watcher{path: path, load: func() (*spec.Spec, error) { loads <- struct{}{}; return &spec.Spec{}, nil }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sup := supervisor.New(&spec.Spec{}, supervisor.Options{})
	// The test's own subscription keeps a SIGHUP sent before the watcher listens from
	// ending the test binary; the signal is sent again until the watcher reloads.
	own := make(chan os.Signal, 1)
	signal.Notify(own, syscall.SIGHUP)
	defer signal.Stop(own)
	go w.run(ctx, func(*spec.Spec) error { return nil }, sup)
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
	for len(loads) > 0 { // reloads of SIGHUPs sent before the first was seen
		<-loads
	}
	os.WriteFile(path, []byte("two"), 0o644)
	select {
	case <-loads:
	case <-time.After(3 * watchInterval):
		t.Fatal("a changed file was not reloaded")
	}
}

// TestFileSumSpecialFiles checks that the watcher's hash of a FIFO or directory is nil
// at once: os.ReadFile of a FIFO without a writer blocked the watcher for good.
func TestFileSumSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.config")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	regular := filepath.Join(dir, "app.config")
	os.WriteFile(regular, []byte("one"), 0o644)
	for _, path := range []string{fifo, dir} {
		done := make(chan []byte, 1)
		go func() { done <- fileSum(path) }()
		select {
		case sum := <-done:
			if sum != nil {
				t.Errorf("fileSum(%s) = %x, want nil", path, sum)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("fileSum(%s) still reading after 30 s", path)
		}
	}
	if fileSum(regular) == nil {
		t.Errorf("fileSum of a regular file is nil")
	}
}
