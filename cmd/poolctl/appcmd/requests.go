package appcmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RequestFilter is what list requests keeps: appcmd's /apppool.name, /wp.name (a
// worker's pid), /site.name and /elapsed (milliseconds at least).
type RequestFilter struct {
	Pool, Site string
	PID        int
	Elapsed    time.Duration
}

// ParseRequestFilter reads list requests' parameters; pool is the line's identifier
// (/apppool.name:).
func ParseRequestFilter(pool string, params []string) (RequestFilter, error) {
	f := RequestFilter{Pool: pool}
	for _, p := range params {
		name, value, ok := strings.Cut(p[1:], ":")
		if !ok {
			return f, fmt.Errorf("%q: want /NAME:VALUE", p)
		}
		var err error
		switch strings.ToLower(name) {
		case "wp.name":
			f.PID, err = strconv.Atoi(value)
		case "site.name":
			f.Site = value
		case "elapsed", "time":
			var ms int64
			ms, err = strconv.ParseInt(value, 10, 64)
			f.Elapsed = time.Duration(ms) * time.Millisecond
		default:
			return f, fmt.Errorf("list requests: unknown parameter %q (want /apppool.name, /wp.name, /site.name or /elapsed)", p)
		}
		if err != nil {
			return f, fmt.Errorf("list requests: %q: %w", p, err)
		}
	}
	return f, nil
}

// Match reports whether a request of pool and site, served by the worker pid for
// elapsed so far, passes the filter; names compare case-insensitively, as in IIS.
func (f RequestFilter) Match(pool, site string, pid int, elapsed time.Duration) bool {
	return (f.Pool == "" || strings.EqualFold(f.Pool, pool)) && (f.Site == "" || strings.EqualFold(f.Site, site)) &&
		(f.PID == 0 || f.PID == pid) && elapsed >= f.Elapsed
}

// Request returns appcmd's line for a request in a worker: REQUEST "ID" (url:METHOD
// PATH, time:N msec, client:ADDRESS, stage:..., module:...). url is host and target,
// of which appcmd shows the target.
func Request(id, method, url, client string, elapsed time.Duration) string {
	if i := strings.IndexByte(url, '/'); i > 0 {
		url = url[i:]
	}
	return fmt.Sprintf("REQUEST %q (url:%s %s, time:%d msec, client:%s, stage:ExecuteRequestHandler, module:AspNetCoreModuleV2)",
		id, method, url, elapsed.Milliseconds(), client)
}
