//go:build unix

package status

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/metrics"
)

//go:embed assets
var assets embed.FS

// Source is the runtime the status address shows.
type Source interface {
	Pools() []admin.PoolStatus
	Workers() []admin.WorkerStatus
	Requests() []admin.RequestStatus
	Subscribe() (<-chan event.Event, func())
	// Check reports whether the runtime answers (liveness).
	Check(ctx context.Context) error
	// Ready reports whether the runtime serves what it must, and why not.
	Ready() (bool, string)
}

// Options configure a Server.
type Options struct {
	Addr    string // host:port
	Source  Source
	Metrics *metrics.Metrics
	Log     *slog.Logger
	// Now returns the time; nil means time.Now.
	Now func() time.Time
	// CheckLimit is how long /healthz waits for Source.Check; 0 means 2 s.
	CheckLimit time.Duration
}

// Server is the status address.
type Server struct {
	opt     Options
	ln      net.Listener
	srv     *http.Server
	events  *ring
	started time.Time
	stop    func() // ends the event subscription
}

// Listen opens the status address; Serve serves it.
func Listen(opt Options) (*Server, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.CheckLimit <= 0 {
		opt.CheckLimit = 2 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", opt.Addr)
	if err != nil {
		return nil, fmt.Errorf("status address: %w", err)
	}
	s := &Server{opt: opt, ln: ln, events: newRing(eventsKept), started: opt.Now()}
	ch, stop := opt.Source.Subscribe()
	s.stop = stop
	go s.events.collect(ch)
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(opt.Log.Handler(), slog.LevelWarn)}
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve serves until Close; it returns nil then.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops serving and ends the event subscription.
func (s *Server) Close() error {
	s.stop()
	return s.srv.Close()
}

// routes returns the server's handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	if s.opt.Metrics != nil {
		mux.Handle("GET /metrics", s.opt.Metrics.Handler())
	}
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /status.json", s.handleSnapshot)
	static, _ := fs.Sub(assets, "assets")
	files := http.FileServerFS(static)
	mux.Handle("GET /", withHeaders(files))
	return mux
}

// withHeaders sets the security headers of the page's files: no framing, no other
// origin's scripts or styles.
func withHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// handleHealth answers /healthz: 200 while the runtime answers, else 503 and why.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.opt.CheckLimit)
	defer cancel()
	if err := s.opt.Source.Check(ctx); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// handleReady answers /readyz: 200 once the listeners are up and the always-running
// pools ready, else 503 and why.
func (s *Server) handleReady(w http.ResponseWriter, _ *http.Request) {
	if ok, why := s.opt.Source.Ready(); !ok {
		http.Error(w, why, http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ready")
}
