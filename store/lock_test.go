package store

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// updLock takes the lock of path, failing the test if it cannot.
func updLock(t *testing.T, ctx context.Context, path string) func() error {
	t.Helper()
	unlock, err := Lock(ctx, path, LockWait{})
	if err != nil {
		t.Fatal(err)
	}
	return unlock
}

func TestLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	unlock := updLock(t, t.Context(), path)
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), ".applicationHost.config.lock")); err != nil {
		t.Errorf("no lock file: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lockPath(path)); err != nil {
		t.Errorf("the lock file was removed: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Lock created the file itself: %v", err)
	}
}

// TestLockWaits checks that a second Lock of a path cannot take the lock while the
// first holds it, and takes it once the first is released. The first part does not
// depend on timing: the attempt gives up only after it has tried and found the lock
// taken.
func TestLockWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	unlock := updLock(t, t.Context(), path)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if unlock2, err := Lock(ctx, path, LockWait{}); !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			unlock2()
		}
		t.Fatalf("Lock while the lock is held = %v, want it to wait until its deadline", err)
	}
	done := make(chan error)
	go func() {
		unlock2, err := Lock(t.Context(), path, LockWait{})
		if err == nil {
			err = unlock2()
		}
		done <- err
	}()
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Lock after the release = %v", err)
	}
}

// TestLockCancel checks that a Lock that waits returns ctx's error when ctx is done,
// and holds nothing afterwards.
func TestLockCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	unlock := updLock(t, t.Context(), path)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() {
		unlock2, err := Lock(ctx, path, LockWait{})
		if err == nil {
			unlock2()
		}
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock = %v, want context.Canceled", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	// The cancelled Lock let go of its lock file: the lock is free at once.
	ctx, cancel = context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := updLock(t, ctx, path)(); err != nil {
		t.Fatal(err)
	}
}

func TestLockDoneContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Lock(ctx, path, LockWait{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock = %v, want context.Canceled", err)
	}
}

func TestLockNoDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "applicationHost.config")
	if _, err := Lock(t.Context(), path, LockWait{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Lock = %v, want ErrNotExist", err)
	}
}

// TestLockAcrossProcesses checks that the lock another process holds keeps Lock
// waiting until that process lets go of it.
func TestLockAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	child := updStartChild(t, "lock", path)
	line, err := bufio.NewReader(child.stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v; want locked", line, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, path, LockWait{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock while the child holds it = %v, want context.DeadlineExceeded", err)
	}
	child.stdin.Close() // the child unlocks and exits
	ctx, cancel = context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := updLock(t, ctx, path)(); err != nil {
		t.Fatal(err)
	}
	if err := child.cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
}
