package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The delays between two attempts at a lock that is taken: the first, doubled after
// each attempt up to the last.
const (
	lockPollFirst = time.Millisecond
	lockPollMax   = 8 * time.Millisecond
)

// Defaults of LockWait.
const (
	DefaultLockNoticeAfter = time.Second
	DefaultLockTimeout     = 30 * time.Second
)

// LockWait says how Lock waits for a lock another process holds: after NoticeAfter
// it calls Notice once with the lock file's name, and after Timeout it gives up with
// an error wrapping ErrLockTimeout. Zero durations mean the defaults; a negative
// Timeout waits as long as the context allows.
type LockWait struct {
	NoticeAfter time.Duration
	Timeout     time.Duration
	Notice      func(lockFile string)
}

// ErrLockTimeout is wrapped by Lock's error when the lock stayed taken for LockWait.Timeout.
var ErrLockTimeout = errors.New("gave up waiting for the lock")

// lockPath returns the lock file of path: "."+base+".lock" in path's directory.
func lockPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}

// RealPath returns path with every symbolic link resolved, so that writers that
// name one file through different links lock, read and replace the same file. A
// path that does not resolve is returned as is.
func RealPath(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	return path
}

// Lock takes an exclusive advisory lock that serializes poolctl's writers of path,
// whatever link they name it through: flock LOCK_EX on Unix, LockFileEx on Windows.
// The lock is on a lock file beside the real file, "."+base+".lock". On Unix it is
// mode 0600 and owned like the file, so that no other user can open it and hold it;
// one that others could open is replaced first. Lock waits as w says, or until ctx
// is done. The returned unlock releases it.
func Lock(ctx context.Context, path string, w LockWait) (unlock func() error, err error) {
	path = RealPath(path)
	name := lockPath(path)
	owner := -1
	if fi, err := os.Stat(path); err == nil {
		owner = ownerOf(fi)
	}
	for range 100 {
		f, err := openLockFile(name, owner)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if err := waitLock(ctx, f, w); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		// A writer that replaced the lock file while this one waited for the old one
		// holds the new one: the lock is only good when f is still the file named.
		if sameFile(f, name) {
			return unlocker(f, path), nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("lock %s: the lock file %s keeps being replaced", path, name)
}

// unlocker returns the function that releases the lock held on f.
func unlocker(f *os.File, path string) func() error {
	return func() error {
		err := unlockFile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("unlock %s: %w", path, err)
		}
		return nil
	}
}

// sameFile reports whether f is the file now named name.
func sameFile(f *os.File, name string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(name)
	return err == nil && os.SameFile(a, b)
}

// waitLock takes the exclusive lock of f, trying again after a short delay while
// another holds it, until ctx is done or w's timeout passes.
func waitLock(ctx context.Context, f *os.File, w LockWait) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	noticeAfter, timeout := w.NoticeAfter, w.Timeout
	if noticeAfter == 0 {
		noticeAfter = DefaultLockNoticeAfter
	}
	if timeout == 0 {
		timeout = DefaultLockTimeout
	}
	start := time.Now()
	noticed := false
	delay := lockPollFirst
	for {
		taken, err := tryLock(f)
		if err != nil {
			return err
		}
		if taken {
			return nil
		}
		waited := time.Since(start)
		if timeout > 0 && waited >= timeout {
			return fmt.Errorf("%w: %s has been held by another process for %s (another poolctl writing the file, or a process holding the lock file open)",
				ErrLockTimeout, f.Name(), waited.Round(time.Millisecond))
		}
		if !noticed && waited >= noticeAfter && w.Notice != nil {
			w.Notice(f.Name())
			noticed = true
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
