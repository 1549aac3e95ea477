package main

import (
	"fmt"
	"io"
	"time"

	"github.com/poolctl/poolctl/store"
)

// lockTimeoutEnv names the environment variable that sets how long a write waits for
// the lock another poolctl (or a process holding the lock file) holds.
const lockTimeoutEnv = "POOLCTL_LOCK_TIMEOUT"

// lockWait returns how writes wait for the file's lock: a notice on stderr after a
// second, and an error after $POOLCTL_LOCK_TIMEOUT (a Go duration, default 30s; 0
// waits without end).
func (o *globalOptions) lockWait(stderr io.Writer) (store.LockWait, error) {
	w := store.LockWait{Notice: func(lockFile string) {
		fmt.Fprintf(stderr, "poolctl: waiting for the lock %s, held by another process (another poolctl writing the file?); giving up after %s\n",
			lockFile, o.lockTimeoutText())
	}}
	s := o.getenv(lockTimeoutEnv)
	if s == "" {
		return w, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return w, fmt.Errorf("$%s=%q: want a duration such as 30s or 2m, or 0 to wait without end", lockTimeoutEnv, s)
	}
	w.Timeout = d
	if d == 0 {
		w.Timeout = -1
	}
	return w, nil
}

// lockTimeoutText says how long a write waits for the lock, for the notice.
func (o *globalOptions) lockTimeoutText() string {
	if s := o.getenv(lockTimeoutEnv); s != "" {
		return s + " ($" + lockTimeoutEnv + ")"
	}
	return store.DefaultLockTimeout.String() + " ($" + lockTimeoutEnv + " changes it)"
}
