//go:build linux

package supervisor

import (
	"fmt"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/spec"
)

// answerSlices is how many slices a worker's answers are counted in over the pool's
// failingResponses window: the window slides a tenth at a time.
const answerSlices = 10

// answers counts a worker's answers, and its 5xx answers, over the failingResponses
// window, in slices. The caller holds the pool's lock.
type answers struct {
	slice  time.Duration // the window's tenth the counts were made with
	num    [answerSlices]int64
	total  [answerSlices]int64
	failed [answerSlices]int64
}

// add counts an answer with status at now.
func (a *answers) add(now time.Time, window time.Duration, status int) {
	slice := max(window/answerSlices, time.Millisecond)
	if slice != a.slice { // a reload changed the window: count again
		*a = answers{slice: slice}
	}
	n := now.UnixNano() / int64(slice)
	i := n % answerSlices
	if a.num[i] != n {
		a.num[i], a.total[i], a.failed[i] = n, 0, 0
	}
	a.total[i]++
	if status >= 500 && status < 600 {
		a.failed[i]++
	}
}

// sums returns the answers, and the 5xx answers, of the window that ends at now.
func (a *answers) sums(now time.Time) (total, failed int64) {
	if a.slice == 0 {
		return 0, 0
	}
	n := now.UnixNano() / int64(a.slice)
	for i := range answerSlices {
		if a.num[i] > n-answerSlices && a.num[i] <= n {
			total += a.total[i]
			failed += a.failed[i]
		}
	}
	return total, failed
}

// answeredLocked counts the worker's answer (status, the worker's own: 0 when it
// sent none) and starts the recycle of a worker found failing. The caller holds p.mu.
func (p *pool) answeredLocked(w *slot, status int) {
	f := p.spec().Failing
	if !f.Enabled || status == 0 || w.state != wReady || w.recycling || w.failing {
		return
	}
	now := p.sup.opt.Now()
	w.answers.add(now, f.Window, status)
	why := p.failingLocked(w, now, f)
	if why == "" {
		return
	}
	w.failing = true
	pid := w.proc.PID()
	p.sup.wg.Go(func() { p.recycleFailing(w, pid, why) })
}

// failingLocked says why the worker w is failing at now, or "": its share of 5xx
// answers over the window is at least failureRate (of at least minRequests answers)
// and, when its ready siblings answered too, at least poolRatio times theirs, so
// that a pool whose every worker fails (the application, a database) is not recycled
// in a loop. The caller holds p.mu.
func (p *pool) failingLocked(w *slot, now time.Time, f spec.FailingResponses) string {
	total, failed := w.answers.sums(now)
	if total < f.MinRequests || failed*100 < f.FailureRate*total {
		return ""
	}
	var siblingsTotal, siblingsFailed int64
	for _, o := range p.workers {
		if o != w && o.state == wReady {
			t, fl := o.answers.sums(now)
			siblingsTotal, siblingsFailed = siblingsTotal+t, siblingsFailed+fl
		}
	}
	rate := 100 * float64(failed) / float64(total)
	msg := fmt.Sprintf("%.0f%% of its %d answers in the last %s were 5xx (failureRate %d%%)", rate, total, f.Window, f.FailureRate)
	if siblingsTotal == 0 {
		return msg
	}
	siblings := 100 * float64(siblingsFailed) / float64(siblingsTotal)
	if rate < float64(f.PoolRatio)*siblings {
		return "" // its siblings fail alike: not this worker's failure
	}
	return msg + fmt.Sprintf(", against %.0f%% of its siblings' %d (poolRatio %d)", siblings, siblingsTotal, f.PoolRatio)
}

// recycleFailing reports the failing worker w (event 9027), counts it toward
// rapid-fail protection, which may stop the pool, and recycles it.
func (p *pool) recycleFailing(w *slot, pid int, why string) {
	trip := p.countFailure() // counted before the event, as a crash is (exited)
	p.emit(event.FailingResponses, "warning", "worker recycled: its responses are failing", pid, why)
	p.tripped(trip)
	p.mu.Lock()
	started := p.state == Started
	p.mu.Unlock()
	if started {
		p.recycleSlot(w, RecycleFailingResponses, "failing responses: "+why)
	}
}
