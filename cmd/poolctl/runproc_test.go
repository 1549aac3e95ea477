//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// runProc is a poolctl run started by a test: the real program (the test binary
// standing in for poolctl, see TestMain), its standard output read line by line and
// its standard error kept.
type runProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string // standard output, line by line; closed at its end
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{}
	err    error // Wait's, once done is closed
}

// lockedWriter writes into a buffer under a mutex.
type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(b)
}

// startRunProc starts exe (a path, or "poolctl" from $PATH) with args in dir with env,
// and stops it with SIGTERM at the end of the test when it still runs.
func startRunProc(t *testing.T, exe, dir string, env []string, args ...string) *runProc {
	t.Helper()
	r := &runProc{t: t, lines: make(chan string, 100), done: make(chan struct{})}
	r.cmd = exec.Command(exe, args...)
	r.cmd.Dir, r.cmd.Env = dir, env
	r.cmd.Stderr = lockedWriter{&r.mu, &r.stderr}
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			r.lines <- sc.Text()
		}
		io.Copy(io.Discard, out)
		close(r.lines)
		r.err = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			r.cmd.Process.Signal(syscall.SIGTERM)
			r.wait(time.Minute)
		}
	})
	return r
}

// until reads standard output until a line that starts with prefix, and returns the
// lines read up to it. It fails the test when the output ends first or within passes.
func (r *runProc) until(prefix string, within time.Duration) []string {
	r.t.Helper()
	timeout := time.After(within)
	var got []string
	for {
		select {
		case line, ok := <-r.lines:
			if !ok {
				r.t.Fatalf("poolctl run ended before a line %q; stdout:\n%s\nstderr:\n%s", prefix, strings.Join(got, "\n"), r.errText())
			}
			got = append(got, line)
			if strings.HasPrefix(line, prefix) {
				return got
			}
		case <-timeout:
			r.t.Fatalf("no line %q within %s; stdout:\n%s\nstderr:\n%s", prefix, within, strings.Join(got, "\n"), r.errText())
		}
	}
}

// stop sends SIGTERM and waits for the program to exit; it fails the test unless the
// exit status is 0.
func (r *runProc) stop(within time.Duration) {
	r.t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		r.t.Fatal(err)
	}
	if err := r.wait(within); err != nil {
		r.t.Errorf("poolctl run: %v; stderr:\n%s", err, r.errText())
	}
}

// wait waits for the program to exit and returns Wait's error.
func (r *runProc) wait(within time.Duration) error {
	r.t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(within):
		r.cmd.Process.Kill()
		<-r.done
		r.t.Fatalf("poolctl run did not exit within %s of SIGTERM; stderr:\n%s", within, r.errText())
		return nil
	}
}

// errText returns what the program wrote on standard error so far.
func (r *runProc) errText() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}
