package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// The delays between two attempts at a lock that is taken: the first, doubled after
// each attempt up to the last.
const (
	lockPollFirst = time.Millisecond
	lockPollMax   = 8 * time.Millisecond
)

// lockPath returns the lock file of path: "."+base+".lock" in path's directory.
func lockPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// Lock takes an exclusive advisory lock (flock LOCK_EX) that serializes poolctl's
// writers of path. The lock is on a lock file beside path, "."+base+".lock", created
// when missing and left in place, since the file itself is replaced by rename. Lock
// waits until the lock is free or ctx is done, when it returns an error wrapping
// ctx.Err(). The returned unlock releases the lock.
func Lock(ctx context.Context, path string) (unlock func() error, err error) {
	name := lockPath(path)
	// flock needs no write access: a read-only descriptor can hold the lock, so a lock
	// file another user created can serve every user who can read it.
	f, err := os.OpenFile(name, os.O_RDONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := waitLock(ctx, f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() error {
		err := unix.Flock(int(f.Fd()), unix.LOCK_UN)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("unlock %s: %w", path, err)
		}
		return nil
	}, nil
}

// waitLock takes the exclusive flock of f, trying again after a short delay while
// another holds it, until ctx is done.
func waitLock(ctx context.Context, f *os.File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	delay := lockPollFirst
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			return err
		}
		if err := sleep(ctx, delay); err != nil {
			return fmt.Errorf("waiting for %s: %w", f.Name(), err)
		}
		delay = min(2*delay, lockPollMax)
	}
}

// sleep waits for d, or until ctx is done, when it returns ctx.Err().
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
