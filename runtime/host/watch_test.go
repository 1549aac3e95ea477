//go:build linux

package host

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestWatchFileReloadsChanges checks that a changed file is reloaded and an unchanged
// one is not.
func TestWatchFileReloadsChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.config")
	os.WriteFile(path, []byte("one"), 0o644)
	loaded := fileSum(path)
	reloads := make(chan struct{}, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watchFile(ctx, path, func() []byte { return loaded }, func() error { reloads <- struct{}{}; return nil })
	os.WriteFile(path, []byte("two"), 0o644)
	select {
	case <-reloads:
	case <-time.After(30 * watchInterval):
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
