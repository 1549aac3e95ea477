// Package testwait waits, in tests, for what no event announces: a process gone from
// /proc, a file written by another process, a state seen only by polling.
package testwait

import "time"

// Until calls cond every tick until it holds, and reports whether it held before
// within passed. within should be generous: a busy machine is slow.
func Until(within, tick time.Duration, cond func() bool) bool {
	t := time.NewTicker(tick)
	defer t.Stop()
	timeout := time.After(within)
	for !cond() {
		select {
		case <-t.C:
		case <-timeout:
			return cond()
		}
	}
	return true
}
