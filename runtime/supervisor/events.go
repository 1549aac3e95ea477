//go:build linux

package supervisor

import (
	"strconv"
	"sync"

	"github.com/poolctl/poolctl/runtime/event"
)

// subscriberBuffer is how many events a slow subscriber may fall behind before it
// misses some.
const subscriberBuffer = 256

// broadcaster sends events to subscribers.
type broadcaster struct {
	mu   sync.Mutex
	subs map[chan event.Event]struct{}
}

func newBroadcaster() *broadcaster {
	return &broadcaster{subs: map[chan event.Event]struct{}{}}
}

// subscribe returns a channel of the events from now on and a function that ends the
// subscription and closes the channel.
func (b *broadcaster) subscribe() (<-chan event.Event, func()) {
	ch := make(chan event.Event, subscriberBuffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, ch)
			b.mu.Unlock()
			close(ch)
		})
	}
}

// send gives e to every subscriber that has room for it.
func (b *broadcaster) send(e event.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

// plural writes a count of things: "1 failure", "3 failures".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// itoa formats an int.
func itoa(n int) string { return strconv.Itoa(n) }

// errText returns err's message, or "".
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
