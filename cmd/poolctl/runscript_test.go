package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/poolctl/poolctl/runtime/admin"
)

// These commands let scripts follow a poolctl run in the background through its
// admin socket:
//
//	waitworkers SOCK N   wait (up to 30 s) until N workers are ready
//	savepids SOCK VAR    set $VAR to the pids of every worker's shim and programs, and
//	                     of every other process in a worker's process group
//	gone PID...          wait (up to 15 s) until none of the processes exists
//	sleep DURATION       wait, for a watcher that polls

func cmdWaitWorkers(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitworkers SOCK N")
	}
	want, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("waitworkers: %v", err)
	}
	c := admin.NewClient(ts.MkAbs(args[0]))
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		ws, err := c.Workers(ctx)
		cancel()
		ready := 0
		for _, w := range ws {
			if w.State == "Ready" {
				ready++
			}
		}
		if err == nil && ready >= want {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitworkers: %d ready workers, want %d (%v)", ready, want, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func cmdSavePIDs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: savepids SOCK VAR")
	}
	ws, err := admin.NewClient(ts.MkAbs(args[0])).Workers(context.Background())
	if err != nil {
		ts.Fatalf("savepids: %v", err)
	}
	var pids []string
	for _, w := range ws {
		pids = append(pids, strconv.Itoa(w.PID))
		for _, a := range w.Apps {
			pids = append(pids, strconv.Itoa(a.PID))
		}
		pids = append(pids, groupMembers(w.PID)...)
	}
	ts.Setenv(args[1], strings.Join(pids, " "))
}

func cmdGone(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: gone PID...")
	}
	var pids []string
	for _, a := range args {
		pids = append(pids, strings.Fields(a)...)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		var alive []string
		for _, p := range pids {
			if b, err := os.ReadFile("/proc/" + p + "/stat"); err == nil && !strings.Contains(string(b), ") Z ") {
				alive = append(alive, p)
			}
		}
		if len(alive) == 0 {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("gone: processes %v still exist", alive)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// groupMembers returns the pids of the processes in process group pgid.
func groupMembers(pgid int) []string {
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces, so count from ')'.
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 2 && fields[2] == strconv.Itoa(pgid) {
			out = append(out, e.Name())
		}
	}
	return out
}

func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		ts.Fatalf("sleep: %v", err)
	}
	time.Sleep(d)
}
