//go:build linux

package supervisor

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
)

// whoamiPID returns the pid of the worker that answered GET /whoami?...
func (h *harness) whoamiPID(path string) int {
	resp, err := http.Get(h.url(path))
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var w struct{ PID int }
	json.NewDecoder(resp.Body).Decode(&w)
	return w.PID
}

func TestIdleTerminate(t *testing.T) {
	// idleTimeout 1 minute is 0.6 s here.
	h := start(t, config(poolXML("Idle", "", `idleTimeout="00:01:00"`, ""), map[string]string{"/": "Idle"}, nil))
	first := h.whoamiPID("/whoami")
	e := h.waitEvent(event.IdleShutdown, "Idle", 10*time.Second)
	waitFor(t, 5*time.Second, "the idle worker gone", func() bool { return !alive(first) && len(h.workerPIDs("Idle", "")) == 0 })
	if e.ID != event.IdleShutdown {
		t.Fatal(e)
	}
	// The next request starts a new worker.
	if second := h.whoamiPID("/whoami"); second == 0 || second == first {
		t.Errorf("after idle shutdown, pid %d (first %d)", second, first)
	}
}

func TestIdleSuspendAndResume(t *testing.T) {
	h := start(t, config(poolXML("Nap", "", `idleTimeout="00:01:00" idleTimeoutAction="Suspend" pingInterval="00:00:05" pingResponseTime="00:00:30"`, ""),
		map[string]string{"/": "Nap"}, nil))
	first := h.whoamiPID("/whoami")
	h.waitEvent(event.WorkerSuspended, "Nap", 10*time.Second)
	waitFor(t, 5*time.Second, "stopped state", func() bool { return procState(first) == "T" })
	// A suspended worker is not pinged: no event says a ping did not happen, so this
	// waits for the span in which a ping to it would have timed out, twice over.
	ps := h.sup.pool("Nap").spec()
	<-time.After(2 * (ps.PingInterval + ps.PingResponseTime))
	if n := h.events.count(event.PingTimeout, "Nap"); n != 0 {
		t.Fatalf("%d ping timeouts for a suspended worker", n)
	}
	if again := h.whoamiPID("/whoami"); again != first {
		t.Errorf("the request was served by pid %d, want the thawed worker %d", again, first)
	}
	h.waitEvent(event.WorkerResumed, "Nap", 5*time.Second)
}

// TestRequestWhileSuspending: a request that comes while a worker is being suspended
// (after its page-out and warm ping, before its freeze) waits for suspend, which gives
// the worker back unfrozen, and is served by it.
func TestRequestWhileSuspending(t *testing.T) {
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	h := startWith(t, config(poolXML("Nap", "", `idleTimeout="00:01:00" idleTimeoutAction="Suspend"`, ""),
		map[string]string{"/": "Nap"}, nil), func(o *Options) {
		o.beforeFreeze = func() {
			once.Do(func() { close(reached) })
			<-release
		}
	})
	released := sync.OnceFunc(func() { close(release) })
	t.Cleanup(released) // before the harness's Shutdown, which waits for suspend
	first := h.whoamiPID("/whoami")
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("no suspension began")
	}
	served := make(chan int, 1)
	go func() { served <- h.whoamiPID("/whoami") }()
	p := h.sup.pool("Nap")
	waitFor(t, 10*time.Second, "the request to wait", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.queued > 0
	})
	released()
	e := h.waitEvent(event.WorkerSuspended, "Nap", 10*time.Second)
	if e.Msg != "worker not suspended" || !strings.Contains(e.Reason, "a request came") {
		t.Errorf("event %d: %q (%s), want the worker not suspended for the request", e.ID, e.Msg, e.Reason)
	}
	if pid := <-served; pid != first {
		t.Errorf("the request was served by pid %d, want the worker %d", pid, first)
	}
	if st := procState(first); st == "T" {
		t.Errorf("the worker is stopped (state %s) after it served the request", st)
	}
	if ready := h.workerPIDs("Nap", "Ready"); !slices.Equal(ready, []int{first}) {
		t.Errorf("ready workers %v, want [%d]", ready, first)
	}
}

// TestRequestCutsSuspendShort: a request that comes while suspend waits for its warm
// ping (one that hangs here, for longer than the test waits) ends the wait and is
// served by the worker, left unfrozen.
func TestRequestCutsSuspendShort(t *testing.T) {
	h := start(t, config(poolXML("Nap", "", `idleTimeout="00:01:00" idleTimeoutAction="Suspend" pingingEnabled="false" pingResponseTime="01:00:00"`,
		env("TW_PING_HANG_AFTER", "1")), map[string]string{"/": "Nap"}, nil))
	first := h.whoamiPID("/whoami")
	p := h.sup.pool("Nap")
	waitFor(t, 10*time.Second, "a suspension to begin", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return slices.ContainsFunc(p.workers, func(w *slot) bool { return w.suspending })
	})
	served := make(chan int, 1)
	go func() { served <- h.whoamiPID("/whoami") }()
	select {
	case pid := <-served:
		if pid != first {
			t.Errorf("the request was served by pid %d, want the worker %d", pid, first)
		}
	case <-time.After(10 * time.Second): // the warm ping hangs for 36 s
		t.Fatal("the request still waits for the suspension")
	}
	e := h.waitEvent(event.WorkerSuspended, "Nap", 10*time.Second)
	if e.Msg != "worker not suspended" || !strings.Contains(e.Reason, "a request came") {
		t.Errorf("event %d: %q (%s), want the worker not suspended for the request", e.ID, e.Msg, e.Reason)
	}
}

func TestWebGardenGrowsToMaxProcesses(t *testing.T) {
	h := start(t, config(poolXML("Garden", "", `maxProcesses="3"`, ""), map[string]string{"/": "Garden"}, nil))
	pids := h.servingWorkers("Garden", 3, 30*time.Second)
	if len(pids) != 3 {
		t.Errorf("requests were served by %d distinct workers %v, want maxProcesses 3", len(pids), pids)
	}
}

// servingWorkers keeps the pool busy, with slow requests that make a garden grow and
// quick ones that say which worker served them, until max distinct workers have
// served or within passes (a garden grows one starting worker at a time, and a start
// is slow on a busy machine), and returns the workers that did. It fails the test if
// the pool ever runs more than max workers.
func (h *harness) servingWorkers(pool string, max int, within time.Duration) map[int]bool {
	var mu sync.Mutex
	pids := map[int]bool{}
	enough := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	deadline := time.After(within)
	for i := range 12 {
		wg.Go(func() {
			for {
				select {
				case <-enough:
					return
				case <-deadline:
					once.Do(func() { close(enough) })
					return
				default:
				}
				if i%3 != 0 {
					h.get("/sleep?ms=50")
					continue
				}
				if pid := h.whoamiPID("/whoami"); pid != 0 {
					mu.Lock()
					pids[pid] = true
					if len(pids) >= max {
						once.Do(func() { close(enough) })
					}
					mu.Unlock()
				}
				if n := len(h.workerPIDs(pool, "")); n > max {
					h.t.Errorf("%d workers, more than %d", n, max)
				}
			}
		})
	}
	wg.Wait()
	return pids
}

func TestRecyclingKeepsServing(t *testing.T) {
	// periodicRestart.time 1 minute is 0.6 s: steady requests across several overlapped
	// recycles all succeed.
	h := start(t, config(poolXML("R", `startMode="AlwaysRunning"`, "",
		`<recycling logEventOnRecycle="Time, Requests"><periodicRestart time="00:01:00" /></recycling>`), map[string]string{"/": "R"}, nil))
	h.waitEvent(event.WorkerStarted, "R", 10*time.Second)
	var failed, served atomic.Int32
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if code, _ := h.get("/"); code == 200 {
					served.Add(1)
				} else {
					failed.Add(1)
				}
			}
		})
	}
	// Until the third worker is ready: two recycles, each overlapped.
	func() {
		defer func() { close(stop); wg.Wait() }()
		h.waitCount(event.WorkerStarted, "R", 3, 30*time.Second)
	}()
	if n := h.events.count(event.RecycleTime, "R"); n < 2 {
		t.Errorf("%d time recycles, want several", n)
	}
	if failed.Load() != 0 {
		t.Errorf("%d of %d requests failed across recycles", failed.Load(), failed.Load()+served.Load())
	}
}

func TestRecycleAfterRequests(t *testing.T) {
	h := start(t, config(poolXML("N", "", "", `<recycling logEventOnRecycle="Requests"><periodicRestart requests="5" /></recycling>`),
		map[string]string{"/": "N"}, nil))
	first := h.whoamiPID("/whoami")
	for range 5 {
		h.get("/")
	}
	h.waitEvent(event.RecycleRequests, "N", 5*time.Second)
	waitFor(t, 10*time.Second, "a new worker", func() bool {
		pids := h.workerPIDs("N", "Ready")
		return len(pids) == 1 && pids[0] != first
	})
}

func TestIdleSuspendInACgroup(t *testing.T) {
	m := cgroups(t)
	if !m.CanFreeze() {
		t.Skip("no cgroup freezer")
	}
	h := startWith(t, config(poolXML("Cold", "", `idleTimeout="00:01:00" idleTimeoutAction="Suspend"`, ""),
		map[string]string{"/": "Cold"}, nil), func(o *Options) { o.Cgroups = m })
	first := h.whoamiPID("/whoami")
	e := h.waitEvent(event.WorkerSuspended, "Cold", 10*time.Second)
	if !strings.Contains(e.Reason, "frozen in cgroup") {
		t.Fatalf("suspended: %q, want a cgroup freezer", e.Reason)
	}
	if again := h.whoamiPID("/whoami"); again != first {
		t.Errorf("served by %d, want the thawed worker %d", again, first)
	}
}
