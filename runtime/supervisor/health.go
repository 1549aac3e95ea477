//go:build linux

package supervisor

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// CheckLimit is how long a caller of Check (the systemd watchdog, /healthz) waits for
// the supervisor to answer before it counts it as wedged.
const CheckLimit = 2 * time.Second

// errWedged is Check's answer while an earlier check still waits for a lock.
var errWedged = errors.New("the supervisor is wedged: an earlier health check still waits for its locks")

// Check reports whether the supervisor answers: it takes the supervisor's lock and
// each pool's, as every request and every worker's watch does, within ctx. A
// supervisor that holds one of them for good (a deadlock, a hung /proc read under a
// lock) fails the check, and keeps failing it while that lasts; the systemd watchdog
// and /healthz are driven by it.
func (s *Supervisor) Check(ctx context.Context) error {
	if !s.checking.CompareAndSwap(false, true) {
		return errWedged
	}
	done := make(chan int, 1)
	go func() {
		defer s.checking.Store(false)
		workers := 0
		for _, p := range s.all() {
			p.mu.Lock()
			workers += len(p.workers) // the check is that the lock can be taken
			p.mu.Unlock()
		}
		done <- workers
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the supervisor did not answer: %w", ctx.Err())
	}
}

// Ready reports whether the pools serve what they must at once: every always-running
// pool that has something to run has a ready worker, unless an administrator stopped
// it or autoStart left it stopped. A pool that rapid-fail protection or its identity
// stopped is not ready. The answer names the first pool that is not.
func (s *Supervisor) Ready() (bool, string) {
	for _, p := range s.all() {
		if why := p.notReady(); why != "" {
			return false, why
		}
	}
	return true, ""
}

// notReady says why the pool is not ready, or "".
func (p *pool) notReady() string {
	sp := p.spec()
	if !sp.AlwaysRun || len(p.progs) == 0 {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == Stopped || p.state == Stopping {
		switch p.reason {
		case "administrator", "not started", "the runtime is stopping":
			return ""
		}
		return fmt.Sprintf("always-running pool %q is stopped: %s", sp.Name, p.reason)
	}
	for _, w := range p.workers {
		if w.state == wReady {
			return ""
		}
	}
	return fmt.Sprintf("always-running pool %q has no ready worker yet", sp.Name)
}
