//go:build !linux

package main

import "time"

// sleep waits d (at least about a millisecond on some systems).
func sleep(d time.Duration) { time.Sleep(d) }
