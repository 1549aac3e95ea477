//go:build unix

package status

import (
	"slices"
	"sync"

	"github.com/poolctl/poolctl/runtime/event"
)

// eventsKept is how many of the last events the page shows.
const eventsKept = 50

// ring keeps the last events, newest first when listed.
type ring struct {
	mu   sync.Mutex
	buf  []event.Event
	next int
	full bool
}

// newRing returns a ring of n events.
func newRing(n int) *ring { return &ring{buf: make([]event.Event, n)} }

// collect adds the events of ch until it closes.
func (r *ring) collect(ch <-chan event.Event) {
	for e := range ch {
		r.add(e)
	}
}

// add keeps e, forgetting the oldest when full.
func (r *ring) add(e event.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf[r.next] = e
	r.next = (r.next + 1) % len(r.buf)
	r.full = r.full || r.next == 0
}

// list returns the events kept, newest first, never nil.
func (r *ring) list() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]event.Event{}, r.buf[:r.next]...)
	if r.full {
		out = append(slices.Clone(r.buf[r.next:]), out...)
	}
	slices.Reverse(out)
	return out
}
