package printers

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// requestJSON is the JSON form of a request in flight.
type requestJSON struct {
	Pool      string `json:"pool"`
	Site      string `json:"site"`
	App       string `json:"app"`
	PID       int    `json:"pid"`
	Method    string `json:"method"`
	URL       string `json:"url"`
	Client    string `json:"client"`
	ElapsedMS int64  `json:"elapsedMs"`
}

// WriteRequestsJSON writes the requests in flight as {"requests": [...]}, indented,
// with elapsedMs for each (pid 0 while it waits in its pool's queue).
func WriteRequestsJSON(out io.Writer, reqs []Request) error {
	list := make([]requestJSON, len(reqs))
	for i, r := range reqs {
		list[i] = requestJSON{Pool: r.Pool, Site: r.Site, App: r.App, PID: r.PID, Method: r.Method, URL: r.URL,
			Client: r.Client, ElapsedMS: int64(r.Elapsed / time.Millisecond)}
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Requests []requestJSON `json:"requests"`
	}{list}); err != nil {
		return fmt.Errorf("write requests: %w", err)
	}
	return nil
}
