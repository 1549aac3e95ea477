//go:build linux

package supervisor

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/testworker"
)

// failing turns failing-response detection on for every pool of a spec.
func failing(f spec.FailingResponses) func(*spec.Spec) {
	return func(sp *spec.Spec) {
		for _, p := range sp.Pools {
			p.Failing = f
		}
	}
}

// detect is the detection of the tests: 10 answers in a minute, half of them 5xx,
// four times the siblings' share.
var detect = spec.FailingResponses{Enabled: true, Window: time.Minute, MinRequests: 10, FailureRate: 50, PoolRatio: 4}

// TestFailingWorkerIsReplacedNotItsSibling runs a web garden of two workers, breaks
// one (it answers 500 to everything from then on) and sends pairs of concurrent
// requests, one to each worker: the broken one is recycled (event 9027 naming its
// rate), the healthy one is not.
func TestFailingWorkerIsReplacedNotItsSibling(t *testing.T) {
	h := startSpec(t, config(`<add name="G" startMode="AlwaysRunning"><processModel identityType="LocalSystem" maxProcesses="2" idleTimeout="00:00:00" /></add>`,
		map[string]string{"/": "G"}, nil), nil, failing(detect))
	h.waitEvent(event.WorkerStarted, "G", time.Minute)
	pairs(h, func() bool { return h.events.count(event.WorkerStarted, "G") < 2 }) // the garden's second starts on demand
	h.waitCount(event.WorkerStarted, "G", 2, time.Minute)
	// Both workers answer a few first, so that each has a share to compare.
	pairs(h, func() bool {
		for _, w := range h.sup.Workers() {
			if w.Requests < 3 {
				return true
			}
		}
		return false
	})
	code, body := h.get("/whoami")
	var first testworker.Whoami
	if err := json.Unmarshal([]byte(body), &first); code != 200 || err != nil {
		t.Fatalf("/whoami = %d %s", code, body)
	}
	broken := 0 // the worker whose program answered /whoami
	for _, w := range h.sup.Workers() {
		if len(w.Apps) > 0 && w.Apps[0].PID == first.PID {
			broken = w.PID
		}
	}
	if code, _ := h.get("/break"); code != 500 { // the idle garden's first worker again
		t.Fatalf("/break = %d, want 500", code)
	}
	if code, _ := h.get("/whoami"); code != 500 { // the same worker, broken now
		t.Fatalf("/whoami after /break = %d, want 500", code)
	}
	pairs(h, func() bool { return h.events.count(event.FailingResponses, "G") == 0 })
	e := h.waitEvent(event.FailingResponses, "G", time.Second)
	if !strings.Contains(e.Reason, "answers in the last 1m0s were 5xx") || !strings.Contains(e.Reason, "against 0% of its siblings'") {
		t.Errorf("event 9027 reason = %q, want the broken worker's rate against its siblings'", e.Reason)
	}
	if e.PID != broken {
		t.Fatalf("event 9027 names worker %d, want %d, the broken one", e.PID, broken)
	}
	h.waitCount(event.WorkerStarted, "G", 3, time.Minute) // its replacement
	h.waitCount(event.WorkerStopped, "G", 1, time.Minute) // it, drained
	var recycled []int
	for _, e := range h.events.all {
		if e.ID == event.FailingResponses || e.ID == event.WorkerRecycled {
			recycled = append(recycled, e.PID)
		}
	}
	for _, pid := range recycled {
		if pid != e.PID {
			t.Errorf("worker %d, the healthy sibling, was recycled too; events:\n%s", pid, h.events)
		}
	}
	p := h.sup.Pools()[0]
	if p.Recycles[RecycleFailingResponses] != 1 {
		t.Errorf("recycles = %v, want one for failing responses", p.Recycles)
	}
}

// pairs sends pairs of concurrent requests (one to each worker of a garden of two: the
// front end picks the worker with fewer in flight) while more holds, for a minute at
// most.
func pairs(h *harness, more func() bool) {
	deadline := time.Now().Add(time.Minute)
	for more() && time.Now().Before(deadline) {
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { h.get("/sleep?ms=20") })
		}
		wg.Wait()
	}
}

// TestEveryWorkerFailingIsNotRecycled checks the rules over synthetic answers: a pool
// whose workers fail alike recycles none of them, a lone worker that fails is
// recycled, and too few answers are not judged.
func TestEveryWorkerFailingIsNotRecycled(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	worker := func(total, failed int) *slot {
		w := &slot{state: wReady}
		for i := range total {
			status := 200
			if i < failed {
				status = 503
			}
			w.answers.add(now, detect.Window, status)
		}
		return w
	}
	for _, tt := range []struct {
		name    string
		workers []*slot
		want    bool
	}{
		{"both failing", []*slot{worker(20, 20), worker(20, 19)}, false},
		{"one failing", []*slot{worker(20, 20), worker(20, 0)}, true},
		{"one failing, a sibling a little", []*slot{worker(20, 18), worker(20, 4)}, true},
		{"alone", []*slot{worker(20, 15)}, true},
		{"below failureRate", []*slot{worker(20, 9)}, false},
		{"too few answers", []*slot{worker(9, 9)}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &pool{workers: tt.workers}
			got := p.failingLocked(tt.workers[0], now, detect) != ""
			if got != tt.want {
				t.Errorf("failing = %v, want %v", got, tt.want)
			}
		})
	}
	w := worker(20, 20)
	if total, _ := w.answers.sums(now.Add(detect.Window)); total != 0 {
		t.Errorf("answers a window later = %d, want none", total)
	}
}

// TestLoneFailingWorkerTripsRapidFail checks that recycles for failing responses count
// toward rapid-fail protection: a pool whose only worker keeps failing is stopped, not
// recycled forever.
func TestLoneFailingWorkerTripsRapidFail(t *testing.T) {
	h := startSpec(t, config(`<add name="L" startMode="AlwaysRunning"><processModel identityType="LocalSystem" /><failure rapidFailProtectionMaxCrashes="2" /></add>`,
		map[string]string{"/": "L"}, nil), nil, failing(detect))
	h.waitEvent(event.WorkerStarted, "L", time.Minute)
	deadline := time.Now().Add(time.Minute)
	for h.events.count(event.RapidFailStop, "L") == 0 && time.Now().Before(deadline) {
		h.get("/break")
	}
	h.waitEvent(event.RapidFailStop, "L", time.Second)
	if n := h.events.count(event.FailingResponses, "L"); n != 2 {
		t.Errorf("failing-response events = %d, want 2 (rapidFailProtectionMaxCrashes)", n)
	}
}
