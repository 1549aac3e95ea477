//go:build unix

package testworker

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Whoami is the JSON document /whoami answers.
type Whoami struct {
	PID        int               `json:"pid"`
	PPID       int               `json:"ppid"`
	PGID       int               `json:"pgid"`
	UID        int               `json:"uid"`
	GID        int               `json:"gid"`
	Port       int               `json:"port"`
	Dir        string            `json:"dir"`
	Grandchild int               `json:"grandchild,omitempty"` // its pid, 0 when none
	Env        map[string]string `json:"env"`
}

// handler serves the test worker's requests.
type handler struct {
	cfg        config
	environ    func() []string
	exit       func(code int)
	port       int
	grandchild int
	quit       chan struct{} // closed at shutdown: hung pings return

	pings     atomic.Int64
	requests  atomic.Int64 // requests that are not pings
	crashDue  atomic.Bool  // exit once the current response is sent
	broken    atomic.Bool  // /break was asked: every request gets 500
	heap      []byte       // TW_HEAP_MB of memory, every page written, held for the worker's life
	hello     []byte       // "hello from testworker pid N app "
	textPlain []string
	pong      []byte
	unhealthy []string
}

// newHandler returns a handler for cfg that reads the environment with environ and
// exits with exit.
func newHandler(cfg config, environ func() []string, exit func(int)) *handler {
	return &handler{
		cfg:       cfg,
		environ:   environ,
		exit:      exit,
		quit:      make(chan struct{}),
		hello:     []byte("hello from testworker pid " + strconv.Itoa(os.Getpid()) + " app "),
		textPlain: []string{"text/plain; charset=utf-8"},
		pong:      []byte("pong"),
		unhealthy: []string{"testworker: told to"},
		heap:      touchedHeap(cfg.heapMB),
	}
}

// pageSize is the memory page the heap is written in, one byte a page.
const pageSize = 4 << 10

// touchedHeap returns mb megabytes with a byte written in every page, so that all of
// it is resident (an application's heap): nil for 0.
func touchedHeap(mb int64) []byte {
	if mb <= 0 {
		return nil
	}
	heap := make([]byte, mb<<20)
	for i := 0; i < len(heap); i += pageSize {
		heap[i] = byte(i / pageSize)
	}
	return heap
}

// server returns the HTTP server of h.
func (h *handler) server() *http.Server {
	return &http.Server{Handler: h, ConnState: h.connState, ReadHeaderTimeout: time.Minute}
}

// connState exits when a crash is due and a connection has finished its response: it
// went idle (keep-alive) or closed.
func (h *handler) connState(_ net.Conn, state http.ConnState) {
	if (state == http.StateIdle || state == http.StateClosed) && h.crashDue.Load() {
		h.exit(exitCrash)
	}
}

// ServeHTTP answers a ping or a request.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := r.Header["X-Poolctl-Ping"]; ok {
		h.ping(w, r)
		return
	}
	n := h.requests.Add(1)
	if r.URL.Path == "/break" {
		h.broken.Store(true)
	}
	if h.broken.Load() {
		http.Error(w, "testworker: broken", http.StatusInternalServerError)
		return
	}
	switch r.URL.Path {
	case "/whoami":
		h.whoami(w)
	case "/sleep":
		h.sleep(w, r)
	case "/burn":
		h.burn(w, r)
	case "/crash":
		h.exit(exitCrash)
	default:
		w.Header()["Content-Type"] = h.textPlain
		_, _ = w.Write(h.hello)
		_, _ = io.WriteString(w, r.URL.Path)
		_, _ = io.WriteString(w, "\n")
	}
	if h.cfg.crashAfter > 0 && n >= h.cfg.crashAfter {
		h.crashDue.Store(true)
	}
}

// ping answers a ping: pong, unhealthy, or not at all.
func (h *handler) ping(w http.ResponseWriter, r *http.Request) {
	n := h.pings.Add(1)
	if h.cfg.pingHangAfter >= 0 && n > h.cfg.pingHangAfter {
		select {
		case <-r.Context().Done():
		case <-h.quit:
		}
		return
	}
	if h.cfg.unhealthyAfter > 0 && n >= h.cfg.unhealthyAfter {
		w.Header()["X-Poolctl-Unhealthy"] = h.unhealthy
	}
	w.Header()["Content-Type"] = h.textPlain
	_, _ = w.Write(h.pong)
}

// whoami answers /whoami.
func (h *handler) whoami(w http.ResponseWriter) {
	pgid, _ := syscall.Getpgid(0)
	dir, _ := os.Getwd()
	me := Whoami{
		PID: os.Getpid(), PPID: os.Getppid(), PGID: pgid, UID: os.Getuid(), GID: os.Getgid(),
		Port: h.port, Dir: dir, Grandchild: h.grandchild, Env: h.echoEnv(),
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(me)
}

// echoEnv returns the variables /whoami shows.
func (h *handler) echoEnv() map[string]string {
	env := make(map[string]string)
	for _, kv := range h.environ() {
		name, value, _ := strings.Cut(kv, "=")
		if name == "ASPNETCORE_PORT" || name == "PORT" || strings.HasPrefix(name, "TW_") ||
			strings.HasPrefix(name, "POOLCTL_") || slices.Contains(h.cfg.echoEnv, name) {
			env[name] = value
		}
	}
	return env
}

// burn answers /burn?ms=N after spending N milliseconds of wall time on the CPU, for
// the runtime's CPU limit tests.
func (h *handler) burn(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || ms < 0 {
		http.Error(w, "ms: want a number of milliseconds", http.StatusBadRequest)
		return
	}
	x := uint64(1)
	for end := time.Now().Add(time.Duration(ms) * time.Millisecond); time.Now().Before(end) && r.Context().Err() == nil; {
		for range 10000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	w.Header()["Content-Type"] = h.textPlain
	_, _ = io.WriteString(w, "burnt "+strconv.FormatUint(x%10, 10)+"\n")
}

// sleep answers /sleep?ms=N after N milliseconds, or earlier when the client leaves.
func (h *handler) sleep(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || ms < 0 {
		http.Error(w, "ms: want a number of milliseconds", http.StatusBadRequest)
		return
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		return
	}
	w.Header()["Content-Type"] = h.textPlain
	_, _ = io.WriteString(w, "slept\n")
}
