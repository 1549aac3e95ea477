//go:build linux

package supervisor

import (
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
)

func TestRecycleOnPrivateMemory(t *testing.T) {
	// privateMemory 1024 KB: any Go program is past it at once.
	h := start(t, config(poolXML("M", `startMode="AlwaysRunning"`, "",
		`<recycling logEventOnRecycle="PrivateMemory"><periodicRestart privateMemory="1024" /></recycling>`), map[string]string{"/": "M"}, nil))
	e := h.waitEvent(event.RecyclePrivate, "M", 10*time.Second)
	if e.Reason == "" {
		t.Error("no reason")
	}
	if got := h.sup.Pools()[0].Recycles; got[RecyclePrivateMemory] < 1 {
		t.Errorf("recycles = %v, want one for %q", got, RecyclePrivateMemory)
	}
}

func TestRecycleOnVirtualMemory(t *testing.T) {
	h := start(t, config(poolXML("V", `startMode="AlwaysRunning"`, "",
		`<recycling logEventOnRecycle="Memory"><periodicRestart memory="1024" /></recycling>`), map[string]string{"/": "V"}, nil))
	h.waitEvent(event.RecycleMemory, "V", 10*time.Second)
}

func TestRecycleNotLoggedWithoutItsFlag(t *testing.T) {
	// Requests is not among logEventOnRecycle's flags: the worker is recycled, silently.
	h := start(t, config(poolXML("Q", "", "", `<recycling logEventOnRecycle="Time"><periodicRestart requests="2" /></recycling>`),
		map[string]string{"/": "Q"}, nil))
	first := h.whoamiPID("/whoami")
	h.get("/")
	waitFor(t, 10*time.Second, "a new worker", func() bool {
		pids := h.workerPIDs("Q", "Ready")
		return len(pids) == 1 && pids[0] != first
	})
	if n := h.events.count(event.RecycleRequests, "Q"); n != 0 {
		t.Errorf("%d request-recycle events, want none (logEventOnRecycle has no Requests)", n)
	}
	// Counted for the metrics all the same, under the reason's name.
	if got := h.sup.Pools()[0].Recycles; got[RecycleRequests] < 1 {
		t.Errorf("recycles = %v, want one for %q", got, RecycleRequests)
	}
}

func TestAdministratorRecycle(t *testing.T) {
	h := start(t, config(poolXML("A", `startMode="AlwaysRunning"`, "", `<recycling disallowOverlappingRotation="true" />`),
		map[string]string{"/": "A"}, nil))
	first := h.waitEvent(event.WorkerStarted, "A", 10*time.Second)
	if err := h.sup.RecyclePool("a"); err != nil {
		t.Fatal(err)
	}
	h.waitEvent(event.WorkerRecycled, "A", 5*time.Second)
	// Not overlapped: the old worker stops first; the always-running pool then starts
	// a new one.
	waitFor(t, 10*time.Second, "old gone, new ready", func() bool {
		pids := h.workerPIDs("A", "Ready")
		return !alive(first.PID) && len(pids) == 1
	})
	if err := h.sup.RecyclePool("nope"); err == nil {
		t.Error("recycling a pool that does not exist did not fail")
	}
}

func TestScheduleCrossed(t *testing.T) {
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	at := func(h, m, s int) time.Time {
		return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
	}
	three := []time.Duration{3 * time.Hour}
	tests := []struct {
		name      string
		schedule  []time.Duration
		last, now time.Time
		want      bool
	}{
		{"before", three, at(2, 59, 0), at(2, 59, 30), false},
		{"across", three, at(2, 59, 59), at(3, 0, 0), true},
		{"just after", three, at(3, 0, 0), at(3, 0, 1), false},
		{"across midnight", []time.Duration{0}, at(23, 59, 59), at(23, 59, 59).Add(2 * time.Second), true},
		{"no schedule", nil, at(2, 0, 0), at(4, 0, 0), false},
		{"time going back", three, at(3, 0, 1), at(2, 59, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scheduleCrossed(tt.schedule, tt.last, tt.now); got != tt.want {
				t.Errorf("scheduleCrossed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRecycleWhileStoppingStartsNoWorker(t *testing.T) {
	// A maintenance check that saw the worker ready recycles it just after the pool
	// began to stop (Shutdown): the overlapped replacement must not start, or it
	// outlives the stop and Shutdown waits for it until its deadline.
	h := start(t, config(poolXML("S", `startMode="AlwaysRunning"`, "", ""), map[string]string{"/": "S"}, nil))
	h.waitEvent(event.WorkerStarted, "S", 10*time.Second)
	p := h.sup.pool("S")
	p.mu.Lock()
	ready := p.workers[0]
	p.state = Stopping // as stop does, before it stops the workers it took
	victims := p.takeWorkersLocked()
	p.mu.Unlock()
	p.replace(ready)
	p.mu.Lock()
	started := len(p.workers) - len(victims)
	p.mu.Unlock()
	p.stopSlots(victims, true)
	if started != 0 {
		t.Errorf("recycling during a stop started %d workers, want none", started)
	}
}
