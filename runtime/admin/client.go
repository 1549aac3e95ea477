//go:build unix

package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"syscall"

	"github.com/poolctl/poolctl/runtime/event"
)

// baseURL is the URL of the API; the host is never resolved, every request goes to
// the socket.
const baseURL = "http://poolctl"

// Client talks to a Server.
type Client struct {
	path string
	http *http.Client
}

// NewClient returns a client of the Server whose socket is at path. Nothing is
// connected until a request is made.
func NewClient(path string) *Client {
	c := &Client{path: path}
	c.http = &http.Client{
		Transport: &http.Transport{DialContext: c.dial},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return c
}

// dial connects to the socket once checkSocket has passed it: a command, root's
// pool-stop above all, never goes to another user's socket. Nothing listening there,
// no socket or a stale one, is an error that wraps ErrNoRuntime and says how to start
// one.
func (c *Client) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	if err := checkSocket(c.path); err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return nil, fmt.Errorf("%w at %s (start one with poolctl run, or give --admin PATH)", ErrNoRuntime, c.path)
	}
	return conn, err
}

// Pools returns the status of every pool of the runtime.
func (c *Client) Pools(ctx context.Context) ([]PoolStatus, error) {
	var r poolsResponse
	if err := c.get(ctx, "/v1/pools", &r); err != nil {
		return nil, withOp("list pools", err)
	}
	return r.Pools, nil
}

// Workers returns the status of every worker of the runtime.
func (c *Client) Workers(ctx context.Context) ([]WorkerStatus, error) {
	var r workersResponse
	if err := c.get(ctx, "/v1/workers", &r); err != nil {
		return nil, withOp("list workers", err)
	}
	return r.Workers, nil
}

// Requests returns the requests in flight.
func (c *Client) Requests(ctx context.Context) ([]RequestStatus, error) {
	var r requestsResponse
	if err := c.get(ctx, "/v1/requests", &r); err != nil {
		return nil, withOp("list requests", err)
	}
	return r.Requests, nil
}

// StartPool starts the pool name; its error wraps ErrNoPool when there is no such pool.
func (c *Client) StartPool(ctx context.Context, name string) error {
	return c.action(ctx, name, "start")
}

// StopPool stops the pool name; its error wraps ErrNoPool when there is no such pool.
func (c *Client) StopPool(ctx context.Context, name string) error {
	return c.action(ctx, name, "stop")
}

// RecyclePool recycles the workers of the pool name; its error wraps ErrNoPool when
// there is no such pool.
func (c *Client) RecyclePool(ctx context.Context, name string) error {
	return c.action(ctx, name, "recycle")
}

// Events calls f with each event of the runtime from now on, in order, until ctx ends
// (it returns ctx's error), f returns an error (it returns that error) or the runtime
// ends the stream (it returns nil).
func (c *Client) Events(ctx context.Context, f func(event.Event) error) error {
	body, err := c.open(ctx, http.MethodGet, "/v1/events")
	if err != nil {
		return withOp("events", err)
	}
	defer body.Close()
	dec := json.NewDecoder(body)
	for {
		var e event.Event
		if err := dec.Decode(&e); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("events from %s: %w", c.path, err)
		}
		if err := f(e); err != nil {
			return err
		}
	}
}

// action asks for an action on the pool name.
func (c *Client) action(ctx context.Context, name, action string) error {
	_, err := c.Act(ctx, name, action)
	return err
}

// Act asks for an action on the pool name ("start", "stop" or "recycle") and returns
// the runtime's answer, which says whether the pool was already in the state asked
// for. StartPool, StopPool and RecyclePool are Act without the answer.
func (c *Client) Act(ctx context.Context, name, action string) (ActionResult, error) {
	if name == "" {
		return ActionResult{}, fmt.Errorf("%s pool: no pool name given", action)
	}
	var r ActionResult
	if err := c.do(ctx, http.MethodPost, "/v1/pools/"+url.PathEscape(name)+"/"+action, &r); err != nil {
		return ActionResult{}, withOp(fmt.Sprintf("%s pool %q", action, name), err)
	}
	return r, nil
}

// withOp returns err with the operation that failed, unless err says that no runtime
// listens: that message is whole, and the same for every operation.
func withOp(op string, err error) error {
	if errors.Is(err, ErrNoRuntime) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// get reads the JSON answer to GET route into out.
func (c *Client) get(ctx context.Context, route string, out any) error {
	return c.do(ctx, http.MethodGet, route, out)
}

// do makes a request and reads its JSON answer into out.
func (c *Client) do(ctx context.Context, method, route string, out any) error {
	body, err := c.open(ctx, method, route)
	if err != nil {
		return err
	}
	defer body.Close()
	if err := json.NewDecoder(body).Decode(out); err != nil {
		return fmt.Errorf("read the answer of the poolctl run at %s: %w", c.path, err)
	}
	return nil
}

// open makes a request and returns the body of a 200 answer. Any other answer is an
// error with the server's message, which wraps ErrNoPool for a 404.
func (c *Client) open(ctx context.Context, method, route string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, method, baseURL+route, nil)
	if err != nil {
		return nil, fmt.Errorf("admin request: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.requestError(err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, answerError(resp)
	}
	return resp.Body, nil
}

// requestError returns the error of a request that got no answer, without the
// request's URL, whose host means nothing.
func (c *Client) requestError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	if errors.Is(err, ErrNoRuntime) {
		return err
	}
	return fmt.Errorf("poolctl run at %s: %w", c.path, err)
}

// answerError returns the error a server answered with.
func answerError(resp *http.Response) error {
	var r errorResponse
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil || json.Unmarshal(data, &r) != nil || r.Error == "" {
		r.Error = "unexpected answer " + resp.Status
	}
	return &answeredError{msg: r.Error, status: resp.StatusCode}
}

// answeredError is an error answer of the server.
type answeredError struct {
	msg    string
	status int
}

// Error returns the server's message.
func (e *answeredError) Error() string { return e.msg }

// Is reports whether the answer means ErrNoPool: status 404.
func (e *answeredError) Is(target error) bool {
	return target == ErrNoPool && e.status == http.StatusNotFound
}
