//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/poolctl/poolctl/internal/testwait"
	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
)

// These commands let scripts follow a poolctl run in the background through its
// admin socket:
//
//	waitworkers SOCK N           wait (up to 60 s) until N workers are ready
//	savepids SOCK VAR            set $VAR to the pids of every worker's shim and
//	                             programs, and of every other process in a worker's
//	                             process group
//	gone PID...                  wait (up to 30 s) until none of the processes exists
//	cpevent SOCK ID SRC DST      copy SRC to DST and wait (up to 60 s) for the event ID
//	                             of the runtime, which a watcher reports
//
// The waits poll the admin status or /proc where no event says what they wait for;
// their deadlines are generous, since a busy machine is slow. They exist on Linux
// only, as poolctl run does: a script that uses them starts with [!linux] skip.
func runtimeScriptCmds() map[string]func(*testscript.TestScript, bool, []string) {
	return map[string]func(*testscript.TestScript, bool, []string){
		"waitworkers": cmdWaitWorkers,
		"savepids":    cmdSavePIDs,
		"gone":        cmdGone,
		"cpevent":     cmdCpEvent,
	}
}

// poll calls cond every 20 ms until it holds; once within has passed it fails the
// script with failure's message.
func poll(ts *testscript.TestScript, within time.Duration, cond func() bool, failure func() string) {
	if !testwait.Until(within, 20*time.Millisecond, cond) {
		ts.Fatalf("%s", failure())
	}
}

func cmdWaitWorkers(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitworkers SOCK N")
	}
	want, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("waitworkers: %v", err)
	}
	c := admin.NewClient(ts.MkAbs(args[0]))
	ready := 0
	var err2 error
	poll(ts, 60*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ws, err := c.Workers(ctx)
		ready, err2 = 0, err
		for _, w := range ws {
			if w.State == "Ready" {
				ready++
			}
		}
		return err == nil && ready >= want
	}, func() string { return fmt.Sprintf("waitworkers: %d ready workers, want %d (%v)", ready, want, err2) })
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
	var alive []string
	poll(ts, 30*time.Second, func() bool {
		alive = nil
		for _, p := range pids {
			if b, err := os.ReadFile("/proc/" + p + "/stat"); err == nil && !strings.Contains(string(b), ") Z ") {
				alive = append(alive, p)
			}
		}
		return len(alive) == 0
	}, func() string { return fmt.Sprintf("gone: processes %v still exist", alive) })
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

func cmdCpEvent(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: cpevent SOCK ID SRC DST")
	}
	id, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("cpevent: %v", err)
	}
	sock := ts.MkAbs(args[0])
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://admin/v1/events", nil)
	resp, err := c.Do(req) // the runtime subscribes before it answers
	if err != nil {
		ts.Fatalf("cpevent: %v", err)
	}
	defer resp.Body.Close()
	b, err := os.ReadFile(ts.MkAbs(args[2]))
	if err != nil {
		ts.Fatalf("cpevent: %v", err)
	}
	if err := os.WriteFile(ts.MkAbs(args[3]), b, 0o666); err != nil {
		ts.Fatalf("cpevent: %v", err)
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var e event.Event
		if err := dec.Decode(&e); err != nil {
			ts.Fatalf("cpevent: no event %d: %v", id, err)
		}
		if e.ID == id {
			return
		}
	}
}
