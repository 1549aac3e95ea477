//go:build linux

package supervisor

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
)

// TestSpareShimStartsTheFirstWorker checks that with Options.SpareShim an OnDemand
// pool's first request is served by a worker whose shim was started ahead of it, that
// the next spare waits once that worker is ready, and that Shutdown ends it: with a
// cgroup per worker and without.
func TestSpareShimStartsTheFirstWorker(t *testing.T) {
	for _, withCgroup := range []bool{false, true} {
		t.Run(fmt.Sprintf("cgroup=%v", withCgroup), func(t *testing.T) {
			var m *cgroup.Manager
			if withCgroup {
				m = killCgroups(t)
			}
			h := startWith(t, config(poolXML("Cold", "", "", ""), map[string]string{"/": "Cold"}, nil),
				func(o *Options) { o.SpareShim, o.Cgroups = true, m })
			spare := 0
			waitFor(t, 10*time.Second, "a spare shim", func() bool { spare = h.sup.spare.PID(); return spare != 0 })
			if code, body := h.get("/"); code != http.StatusOK {
				t.Fatalf("GET / = %d %s", code, body)
			}
			if e := h.waitEvent(event.WorkerStarted, "Cold", 10*time.Second); e.PID != spare {
				t.Fatalf("the worker's shim is %d, want the spare %d", e.PID, spare)
			}
			next := 0
			waitFor(t, 10*time.Second, "the next spare shim", func() bool {
				next = h.sup.spare.PID()
				return next != 0 && next != spare
			})
			if err := h.sup.Shutdown(t.Context()); err != nil {
				t.Fatal(err)
			}
			if alive(next) || procState(next) != "" {
				t.Errorf("the spare shim %d is left after Shutdown (state %q)", next, procState(next))
			}
		})
	}
}
