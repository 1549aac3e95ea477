//go:build unix

package admin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/event"
)

func TestPoolsAndWorkers(t *testing.T) {
	fake := newFake()
	_, c := serve(t, fake)
	ctx := t.Context()
	pools, err := c.Pools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fake.pools, pools); diff != "" {
		t.Errorf("Pools (-want +got):\n%s", diff)
	}
	workers, err := c.Workers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fake.workers, workers); diff != "" {
		t.Errorf("Workers (-want +got):\n%s", diff)
	}
	requests, err := c.Requests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fake.requests, requests); diff != "" {
		t.Errorf("Requests (-want +got):\n%s", diff)
	}
}

// TestEmptyListsAreNotNull checks that a runtime without pools or workers, or a worker
// without applications, answers [] rather than null.
func TestEmptyListsAreNotNull(t *testing.T) {
	fake := newFake()
	fake.pools, fake.requests = nil, nil
	fake.workers = []WorkerStatus{{Pool: "P", PID: 1}}
	s, _ := serve(t, fake)
	for route, want := range map[string]string{
		"/v1/pools":    `{"pools":[]}`,
		"/v1/workers":  `"apps":[]`,
		"/v1/requests": `{"requests":[]}`,
	} {
		code, body := rawRequest(t, s.Path(), http.MethodGet, route)
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d %s, want 200 with %s", route, code, body, want)
		}
	}
}

func TestActions(t *testing.T) {
	fake := newFake()
	_, c := serve(t, fake)
	ctx := t.Context()
	// The second name needs escaping in a URL path: a space and a slash.
	for _, err := range []error{
		c.StartPool(ctx, "DefaultAppPool"),
		c.StopPool(ctx, "Shop Pool/2"),
		c.RecyclePool(ctx, "defaultapppool"),
	} {
		if err != nil {
			t.Error(err)
		}
	}
	want := []string{"start DefaultAppPool", "stop Shop Pool/2", "recycle defaultapppool"}
	if diff := cmp.Diff(want, fake.recorded()); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

func TestNoSuchPool(t *testing.T) {
	fake := newFake()
	s, c := serve(t, fake)
	ctx := t.Context()
	for action, f := range map[string]func(context.Context, string) error{
		"start": c.StartPool, "stop": c.StopPool, "recycle": c.RecyclePool,
	} {
		err := f(ctx, "Nope")
		errorIs(t, err, ErrNoPool)
		if want := action + ` pool "Nope": no such pool "Nope"`; err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %q", action, err, want)
		}
	}
	code, body := rawRequest(t, s.Path(), http.MethodPost, "/v1/pools/Nope/start")
	if code != http.StatusNotFound || body != `{"error":"no such pool \"Nope\""}`+"\n" {
		t.Errorf("POST start of a missing pool = %d %q, want 404 and the error in JSON", code, body)
	}
}

func TestActionFails(t *testing.T) {
	fake := newFake()
	fake.fail = errors.New(`the identity "nobody2" of pool "DefaultAppPool" does not exist`)
	s, c := serve(t, fake)
	err := c.StartPool(t.Context(), "DefaultAppPool")
	want := `start pool "DefaultAppPool": the identity "nobody2" of pool "DefaultAppPool" does not exist`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if errors.Is(err, ErrNoPool) {
		t.Errorf("error %v wraps ErrNoPool", err)
	}
	if code, _ := rawRequest(t, s.Path(), http.MethodPost, "/v1/pools/DefaultAppPool/stop"); code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", code)
	}
}

// TestUnknownRoutes checks that what the API does not know gets 400 and a JSON error,
// never 404, which means "no such pool".
func TestUnknownRoutes(t *testing.T) {
	fake := newFake()
	s, _ := serve(t, fake)
	for _, r := range []struct{ method, route, msg string }{
		{http.MethodPost, "/v1/pools/DefaultAppPool/explode", `unknown action \"explode\": want start, stop or recycle`},
		{http.MethodPost, "/v1/pools", "no route POST /v1/pools"},
		{http.MethodGet, "/v1/pools/DefaultAppPool/start", "no route GET /v1/pools/DefaultAppPool/start"},
		{http.MethodGet, "/v2/pools", "no route GET /v2/pools"},
	} {
		code, body := rawRequest(t, s.Path(), r.method, r.route)
		if code != http.StatusBadRequest || body != `{"error":"`+r.msg+`"}`+"\n" {
			t.Errorf("%s %s = %d %q, want 400 with %q", r.method, r.route, code, body, r.msg)
		}
	}
	if got := fake.recorded(); len(got) != 0 {
		t.Errorf("actions %v, want none", got)
	}
}

// TestEventsInOrder streams events and checks they arrive in order, and that the
// subscription ends when the client cancels.
func TestEventsInOrder(t *testing.T) {
	fake := newFake()
	_, c := serve(t, fake)
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan event.Event)
	done := make(chan error, 1)
	go func() {
		done <- c.Events(ctx, func(e event.Event) error { got <- e; return nil })
	}()
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, id := range []int{event.PoolStarted, event.WorkerStarted, event.WorkerCrashed, event.RapidFailStop} {
		want := event.Event{Time: base.Add(time.Duration(i) * time.Second), ID: id, Level: "info", Msg: "m", Pool: "Shop", PID: 10 + i}
		fake.events <- want
		if e := receive(t, got); !cmp.Equal(e, want) {
			t.Errorf("event %d = %+v, want %+v", i, e, want)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Events returned %v, want context.Canceled", err)
	}
	fake.waitEnded(t)
}

func TestEventsCallbackError(t *testing.T) {
	fake := newFake()
	_, c := serve(t, fake)
	stop := errors.New("enough")
	done := make(chan error, 1)
	go func() {
		done <- c.Events(t.Context(), func(event.Event) error { return stop })
	}()
	fake.events <- event.Event{ID: event.PoolStarted}
	if err := <-done; err != stop {
		t.Errorf("Events returned %v, want the callback's error", err)
	}
	fake.waitEnded(t)
}

// TestEventsEnd checks that a closed subscription ends the stream cleanly: Events
// returns nil.
func TestEventsEnd(t *testing.T) {
	fake := newFake()
	_, c := serve(t, fake)
	close(fake.events)
	if err := c.Events(t.Context(), func(event.Event) error { return nil }); err != nil {
		t.Errorf("Events returned %v, want nil", err)
	}
	fake.waitEnded(t)
}

// TestCloseEndsEventStreams checks that Close ends a stream that is being read.
func TestCloseEndsEventStreams(t *testing.T) {
	fake := newFake()
	s, c := serve(t, fake)
	got := make(chan event.Event)
	done := make(chan error, 1)
	go func() {
		done <- c.Events(t.Context(), func(e event.Event) error { got <- e; return nil })
	}()
	fake.events <- event.Event{ID: event.PoolStarted}
	receive(t, got)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Events did not return after Close")
	}
	fake.waitEnded(t)
}

// receive returns the next value of ch, or fails t after a few seconds.
func receive(t *testing.T, ch <-chan event.Event) event.Event {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
		return event.Event{}
	}
}

// rawRequest makes a request on the socket at path and returns the status code and
// the body.
func rawRequest(t *testing.T, path, method, route string) (int, string) {
	t.Helper()
	c := NewClient(path)
	req, err := http.NewRequestWithContext(t.Context(), method, baseURL+route, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, route, ct)
	}
	if !json.Valid(body) {
		t.Errorf("%s %s: body %q is not JSON", method, route, body)
	}
	return resp.StatusCode, string(body)
}
