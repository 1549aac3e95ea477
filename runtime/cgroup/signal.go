//go:build linux

package cgroup

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// StopGroup stops every process of the process group pgid (SIGSTOP): the fallback
// for Freeze where no cgroup can be created.
func StopGroup(pgid int) error { return signalGroup(pgid, unix.SIGSTOP) }

// ContinueGroup continues every process of the process group pgid (SIGCONT).
func ContinueGroup(pgid int) error { return signalGroup(pgid, unix.SIGCONT) }

// signalGroup sends sig to the process group pgid, which must be a real group id:
// kill(-1) would signal every process and kill(0) the caller's own group.
func signalGroup(pgid int, sig unix.Signal) error {
	if pgid <= 1 {
		return fmt.Errorf("cgroup: %v to process group %d: not a worker's group", sig, pgid)
	}
	if err := unix.Kill(-pgid, sig); err != nil {
		return fmt.Errorf("cgroup: %v to process group %d: %w", sig, pgid, err)
	}
	return nil
}
