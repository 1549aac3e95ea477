package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// sleep waits d in the kernel (nanosleep): a Go timer shorter than a millisecond waits
// about a millisecond when the process has nothing else to do, as it has not while it
// polls a starting program (the poller sleeps in whole milliseconds).
func sleep(d time.Duration) {
	ts := unix.NsecToTimespec(d.Nanoseconds())
	for unix.Nanosleep(&ts, &ts) == unix.EINTR {
	}
}
