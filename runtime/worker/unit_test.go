//go:build linux

package worker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	line := "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 777 1000 10\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if want := (procStat{PPID: 1, PGRP: 4242, State: 'S', Start: 777}); st != want {
		t.Errorf("parseStat = %+v, want %+v", st, want)
	}
	if _, err := parseStat([]byte("4242 (x) S 1")); err == nil {
		t.Error("parseStat accepted a short line")
	}
	if (procStat{State: 'Z'}).Dead() != true || (procStat{State: 'R'}).Dead() {
		t.Error("Dead is wrong")
	}
}

func TestDedupEnv(t *testing.T) {
	got := dedupEnv([]string{"A=1", "B=1", "A=2", "C", "B=3"})
	if want := []string{"A=2", "B=3", "C"}; !slices.Equal(got, want) {
		t.Errorf("dedupEnv = %q, want %q", got, want)
	}
}

func TestNewInstructions(t *testing.T) {
	cfg := Config{Env: []string{"X=pool", "Y=pool"}, Apps: []App{
		{Name: "a", Path: "/bin/a", Args: []string{"-v"}, Env: []string{"Y=app", "PORT=1"}},
	}}
	in := newInstructions(cfg, []int{8123})
	p := in.Programs[0]
	if in.Parent != os.Getpid() || in.GraceKill != defaultGraceKill || !slices.Equal(p.Argv, []string{"/bin/a", "-v"}) {
		t.Errorf("instructions = %+v", in)
	}
	for _, kv := range []string{"X=pool", "Y=app", "PORT=8123", "ASPNETCORE_PORT=8123"} {
		if !slices.Contains(p.Env, kv) {
			t.Errorf("env lacks %s", kv)
		}
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "prog")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := lookPath("prog", []string{"PATH=/nonexistent:" + dir}); got != prog || err != nil {
		t.Errorf("lookPath(prog) = %q, %v; want %q", got, err, prog)
	}
	if got, err := lookPath("./bin/x", nil); got != "./bin/x" || err != nil {
		t.Errorf("lookPath(./bin/x) = %q, %v", got, err)
	}
	if _, err := lookPath("prog", []string{"PATH=/nonexistent"}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("lookPath of a missing program: %v", err)
	}
}

func TestDescendants(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 60 & wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sh := cmd.Process.Pid
	started := poll(30*time.Second, func() bool { // until sh has started sleep
		d, _ := tree(os.Getpid())
		sub, _ := tree(sh)
		return slices.Contains(d, sh) && len(sub) == 1
	})
	if started {
		if n := signalDescendants(sh, 9); n != 1 {
			t.Errorf("signalDescendants = %d, want 1", n)
		}
		_ = cmd.Wait() // sh reaps sleep and exits
		return
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	t.Fatalf("descendants of %d never showed sh and its sleep", os.Getpid())
}

// TestListening checks the probe WaitReady tries before each ping: a port with a
// listener is listening, the same port closed is not.
func TestListening(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if !listening(port) {
		t.Errorf("listening(%d) = false with a listener", port)
	}
	ln.Close()
	if listening(port) {
		t.Errorf("listening(%d) = true after the listener closed", port)
	}
}

// TestPause checks WaitReady's wait between tries, in the kernel (precise, below a
// millisecond) and on a timer: it ends without error, or with the context's error once
// that ended.
func TestPause(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		d       time.Duration
		precise bool
	}{{firstRetry, true}, {firstRetry, false}, {2 * time.Millisecond, true}} {
		t.Run(fmt.Sprintf("%v precise %v", tc.d, tc.precise), func(t *testing.T) {
			if err := pause(context.Background(), tc.d, tc.precise); err != nil {
				t.Errorf("pause = %v, want nil", err)
			}
			if err := pause(canceled, tc.d, tc.precise); !errors.Is(err, context.Canceled) {
				t.Errorf("pause with its context canceled = %v, want context.Canceled", err)
			}
		})
	}
}
