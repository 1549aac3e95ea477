//go:build linux

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/admin"
)

// TestRequestsFilters checks poolctl requests against a fake runtime: all of them
// longest first, one pool's (any case), those past --elapsed, and none.
func TestRequestsFilters(t *testing.T) {
	now := time.Now()
	f := &fakeRuntime{requests: []admin.RequestStatus{
		{Pool: "Shop", Site: "Shop", App: "/", PID: 41, Method: "GET", URL: "shop.test/quick", Client: "192.0.2.1", Start: now.Add(-time.Second)},
		{Pool: "Shop", Site: "Shop", App: "/", PID: 41, Method: "POST", URL: "shop.test/hangs", Client: "192.0.2.2", Start: now.Add(-time.Hour)},
		{Pool: "Batch", Site: "Batch", App: "/", Method: "GET", URL: "batch.test/queued", Client: "192.0.2.3", Start: now.Add(-time.Minute)},
	}}
	sock := serveFake(t, f)
	for _, tt := range []struct {
		name string
		args []string
		want []string // the URLs, in order
	}{
		{"all", nil, []string{"shop.test/hangs", "batch.test/queued", "shop.test/quick"}},
		{"pool", []string{"shop"}, []string{"shop.test/hangs", "shop.test/quick"}},
		{"elapsed", []string{"--elapsed", "30000"}, []string{"shop.test/hangs", "batch.test/queued"}},
		{"pool and elapsed", []string{"Shop", "--elapsed", "30000"}, []string{"shop.test/hangs"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := requireRun(t, exitOK, append([]string{"requests", "--admin", sock}, tt.args...)...)
			lines := strings.Split(strings.TrimSpace(out), "\n")[1:]
			if len(lines) != len(tt.want) {
				t.Fatalf("requests %v:\n%s\nwant %d requests", tt.args, out, len(tt.want))
			}
			for i, url := range tt.want {
				if !strings.Contains(lines[i], url) {
					t.Errorf("line %d = %q, want %s", i+1, lines[i], url)
				}
			}
		})
	}
	out, _ := requireRun(t, exitOK, "requests", "--admin", sock, "Batch", "--format", "json")
	if !strings.Contains(out, `"pid": 0`) || !strings.Contains(out, `"elapsedMs": 6`) {
		t.Errorf("requests --format json:\n%s\nwant pid 0 and elapsedMs of about a minute", out)
	}
	code, out, errOut := runAdmin(t, "requests", "--admin", sock, "--elapsed", "100000000")
	if code != exitOK || out != "" || !strings.Contains(errOut, "no requests in flight") {
		t.Errorf("requests with none left = %d %q %q, want 0 and a note on stderr", code, out, errOut)
	}
}
