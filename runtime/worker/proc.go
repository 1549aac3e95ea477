//go:build linux

package worker

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// procStat is what /proc/PID/stat says of a process.
type procStat struct {
	PPID  int
	PGRP  int
	State byte   // R, S, D, T, Z, ...
	Start uint64 // start time, in clock ticks after boot: tells a reused pid apart
}

// Dead reports whether the process has exited (a zombie waiting to be reaped).
func (s procStat) Dead() bool { return s.State == 'Z' || s.State == 'X' }

// readStat reads /proc/PID/stat.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	return parseStat(b)
}

// parseStat parses a /proc/PID/stat line, "pid (comm) state ppid pgrp ...": comm may
// hold spaces and parentheses, so fields are counted from the last ')'.
func parseStat(b []byte) (procStat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("malformed /proc stat %q", b)
	}
	f := strings.Fields(string(b[i+1:])) // f[k-3] is the stat field k of proc(5)
	if len(f) < 20 || len(f[0]) != 1 {
		return procStat{}, fmt.Errorf("malformed /proc stat %q", b)
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgrp, err2 := strconv.Atoi(f[2])
	start, err3 := strconv.ParseUint(f[19], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return procStat{}, fmt.Errorf("malformed /proc stat %q: %w", b, err)
	}
	return procStat{PPID: ppid, PGRP: pgrp, State: f[0][0], Start: start}, nil
}

// tree returns the descendants of root (not root itself), from a scan of /proc: those
// that run, and those that are dead (zombies not reaped yet).
func tree(root int) (live, dead []int) {
	children := make(map[int][]int)
	isDead := make(map[int]bool)
	for _, pid := range procPIDs() {
		st, err := readStat(pid)
		if err != nil {
			continue // it was reaped meanwhile
		}
		children[st.PPID] = append(children[st.PPID], pid)
		isDead[pid] = st.Dead()
	}
	for queue := children[root]; len(queue) > 0; queue = queue[1:] {
		pid := queue[0]
		if isDead[pid] {
			dead = append(dead, pid)
		} else {
			live = append(live, pid)
		}
		queue = append(queue, children[pid]...)
	}
	return live, dead
}

// signalDescendants sends sig to every live descendant of root and returns how many it
// found. A descendant's pid cannot be reused before its parent, itself a descendant or
// root, reaps it: only one that exits and is reaped between the scan and kill(2) could
// be, which pid allocation (sequential, wrapping at pid_max) makes all but impossible.
func signalDescendants(root int, sig syscall.Signal) int {
	live, _ := tree(root)
	for _, pid := range live {
		_ = unix.Kill(pid, sig)
	}
	return len(live)
}

// Descendants returns the live processes the worker's shim has started, and theirs, at
// the moment of the call: its programs and whatever they run, those that left the
// process group included. The runtime freezes them to suspend a worker, and moves
// them into a pool's cgroup.
func (w *Worker) Descendants() []int {
	live, _ := tree(w.PID())
	return live
}
