package store

import (
	"fmt"
	"time"
)

// The delays between two attempts at replacing a file another program holds open:
// the first, doubled after each attempt up to the longest, for at most busyTotal.
const (
	busyFirst = 10 * time.Millisecond
	busyMax   = 500 * time.Millisecond
	busyTotal = 5 * time.Second
)

// BusyError is the error of a replace that another program kept refusing for
// Waited: on Windows, IIS, an antivirus or a backup agent holding the file open
// without sharing it.
type BusyError struct {
	Path   string
	Waited time.Duration
	Err    error // the last refusal
}

// Error says which file, for how long, and what may hold it.
func (e *BusyError) Error() string {
	return fmt.Sprintf("replace %s: gave up after %s: %v (another program, such as IIS, an antivirus or a backup agent, holds it open, or this account may not replace it); nothing was written",
		e.Path, e.Waited, e.Err)
}

// Unwrap returns the last refusal.
func (e *BusyError) Unwrap() error { return e.Err }

// retryBusy calls op until it succeeds or fails with an error busy does not accept.
// While op is refused with busy errors it sleeps between attempts as the busy
// constants say, and after busyTotal of sleeping it gives up with a *BusyError for
// path.
func retryBusy(path string, op func() error, busy func(error) bool, sleep func(time.Duration)) error {
	delay, waited := busyFirst, time.Duration(0)
	for {
		err := op()
		if err == nil || !busy(err) {
			return err
		}
		if waited >= busyTotal {
			return &BusyError{Path: path, Waited: waited, Err: err}
		}
		sleep(delay)
		waited += delay
		delay = min(2*delay, busyMax)
	}
}
