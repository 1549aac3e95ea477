//go:build unix

package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Server serves a Controller on a unix socket.
type Server struct {
	path string
	ln   *net.UnixListener
	lock *os.File    // PATH.lock, locked while the server lives
	sock fs.FileInfo // the socket file, so that Close removes it only while it is this one
	ctl  Controller
	log  *slog.Logger
	http *http.Server

	closeOnce sync.Once
	closeErr  error
}

// Listen creates the admin socket at path and returns a Server for c on it; Serve
// serves it. The socket has mode 0600 and belongs to the user the runtime runs as; its
// directory is created with mode 0700 when missing. A stale socket (one that nothing
// accepts connections on) is removed; a live one is an error ("another poolctl run is
// using PATH"), and so is a file that is not a socket. The server holds a lock on the
// file PATH.lock (mode 0600, left in place) while it lives, so that two runtimes
// that start at once cannot both take the path. A nil log logs nothing.
func Listen(path string, c Controller, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, lock, err := listenSocket(path)
	if err != nil {
		return nil, err
	}
	sock, err := os.Lstat(path)
	if err != nil {
		_ = ln.Close()
		_ = lock.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	s := &Server{path: path, ln: ln, lock: lock, sock: sock, ctl: c, log: log}
	s.http = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Path returns the path of the server's socket.
func (s *Server) Path() string { return s.path }

// Serve serves the API until Close, and then returns nil.
func (s *Server) Serve() error {
	err := s.http.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("admin API on %s: %w", s.path, err)
}

// Close stops the server, ends every connection (event streams included) and removes
// the socket, unless another program has since put its own socket at the path.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

// close does Close's work, once.
func (s *Server) close() error {
	err := s.http.Close()
	// The listener is still open when Serve never ran.
	if lerr := s.ln.Close(); lerr != nil && !errors.Is(lerr, net.ErrClosed) {
		err = errors.Join(err, lerr)
	}
	if fi, serr := os.Lstat(s.path); serr == nil && os.SameFile(fi, s.sock) {
		if rerr := os.Remove(s.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	// Closing the lock file releases the lock, after the socket is gone.
	err = errors.Join(err, s.lock.Close())
	if err != nil {
		return fmt.Errorf("close the admin API on %s: %w", s.path, err)
	}
	return nil
}

// routes returns the API's handler. A request for no route gets 400, so that 404
// always means a pool that does not exist.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/pools", s.handlePools)
	mux.HandleFunc("GET /v1/workers", s.handleWorkers)
	mux.HandleFunc("POST /v1/pools/{name}/{action}", s.handleAction)
	mux.HandleFunc("GET /v1/events", s.handleEvents)
	mux.HandleFunc("GET /v1/requests", s.handleRequests)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, http.StatusBadRequest, fmt.Errorf("no route %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// handlePools answers GET /v1/pools.
func (s *Server) handlePools(w http.ResponseWriter, _ *http.Request) {
	pools := s.ctl.Pools()
	if pools == nil {
		pools = []PoolStatus{}
	}
	s.writeJSON(w, http.StatusOK, poolsResponse{Pools: pools})
}

// handleWorkers answers GET /v1/workers. Lists are never null in the answer.
func (s *Server) handleWorkers(w http.ResponseWriter, _ *http.Request) {
	workers := append([]WorkerStatus{}, s.ctl.Workers()...)
	for i := range workers {
		if workers[i].Apps == nil {
			workers[i].Apps = []AppProc{}
		}
	}
	s.writeJSON(w, http.StatusOK, workersResponse{Workers: workers})
}

// handleRequests answers GET /v1/requests: the requests in flight, never null.
func (s *Server) handleRequests(w http.ResponseWriter, _ *http.Request) {
	s.writeJSON(w, http.StatusOK, requestsResponse{Requests: append([]RequestStatus{}, s.ctl.Requests()...)})
}

// handleAction answers POST /v1/pools/{name}/{action}: start, stop or recycle.
func (s *Server) handleAction(w http.ResponseWriter, r *http.Request) {
	name, action := r.PathValue("name"), r.PathValue("action")
	do := s.actionFunc(action)
	if do == nil {
		s.writeError(w, http.StatusBadRequest, fmt.Errorf("unknown action %q: want start, stop or recycle", action))
		return
	}
	res := ActionResult{Pool: name, Action: action}
	var already *AlreadyError
	switch err := do(name); {
	case errors.As(err, &already):
		res.Already = already.State
	case err != nil:
		s.log.Warn("admin API: pool action failed", "action", action, "pool", name, "error", err.Error())
		s.writeError(w, statusOf(err), err)
		return
	}
	s.log.Info("admin API: pool action", "action", action, "pool", name, "already", res.Already)
	s.writeJSON(w, http.StatusOK, res)
}

// actionFunc returns the Controller's method for an action, or nil for an unknown one.
func (s *Server) actionFunc(action string) func(string) error {
	switch action {
	case "start":
		return s.ctl.StartPool
	case "stop":
		return s.ctl.StopPool
	case "recycle":
		return s.ctl.RecyclePool
	}
	return nil
}

// statusOf returns the HTTP status for a Controller's error.
func statusOf(err error) int {
	if errors.Is(err, ErrNoPool) {
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

// handleEvents answers GET /v1/events: the events from the moment of the request on,
// one JSON object per line, each flushed at once, until the client goes away, the
// subscription's channel closes or the server closes.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	events, cancel := s.ctl.Subscribe()
	defer cancel()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return
	}
	enc := json.NewEncoder(w)
	for {
		select {
		case <-r.Context().Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			if err := enc.Encode(e); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}

// writeJSON writes v as the answer, with status code.
func (s *Server) writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		s.log.Debug("admin API: writing an answer", "error", err.Error())
	}
}

// writeError writes err as the answer {"error": "..."}, with status code.
func (s *Server) writeError(w http.ResponseWriter, code int, err error) {
	s.writeJSON(w, code, errorResponse{Error: err.Error()})
}
