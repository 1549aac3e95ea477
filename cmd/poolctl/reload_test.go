package main

import (
	"context"
	"os"
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
	go w.run(ctx, func(*spec.Spec) error { return nil }, sup)
	time.Sleep(50 * time.Millisecond) // the watcher is listening for SIGHUP
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case <-loads:
	case <-time.After(5 * time.Second):
		t.Fatal("SIGHUP did not reload")
	}
	os.WriteFile(path, []byte("two"), 0o644)
	select {
	case <-loads:
	case <-time.After(3 * watchInterval):
		t.Fatal("a changed file was not reloaded")
	}
}
