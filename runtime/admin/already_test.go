//go:build unix

package admin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAlreadyIsNoFailure: a Controller that says a pool is already started answers 200
// with "already", which Act returns and StartPool takes as a success.
func TestAlreadyIsNoFailure(t *testing.T) {
	fake := newFake()
	fake.fail = &AlreadyError{Pool: "DefaultAppPool", State: "started"}
	s, c := serve(t, fake)
	res, err := c.Act(t.Context(), "DefaultAppPool", "start")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(ActionResult{Pool: "DefaultAppPool", Action: "start", Already: "started"}, res); d != "" {
		t.Errorf("Act (-want +got):\n%s", d)
	}
	if err := c.StartPool(t.Context(), "DefaultAppPool"); err != nil {
		t.Errorf("StartPool: %v, want nil", err)
	}
	code, body := rawRequest(t, s.Path(), http.MethodPost, "/v1/pools/DefaultAppPool/start")
	if code != http.StatusOK || !strings.Contains(body, `"already":"started"`) {
		t.Errorf("POST start = %d %s, want 200 with \"already\":\"started\"", code, body)
	}
	fake.fail = nil
	if res, err := c.Act(t.Context(), "DefaultAppPool", "stop"); err != nil || res.Already != "" {
		t.Errorf("Act stop = %+v, %v; want no Already", res, err)
	}
}

// TestNothingToRunInPools: the applications that have nothing to run reach the client.
func TestNothingToRunInPools(t *testing.T) {
	fake := newFake()
	fake.pools[0].NothingToRun = []AppNote{{Site: "Default Web Site", Path: "/", Why: "no system.webServer/aspNetCore section applies to it"}}
	_, c := serve(t, fake)
	pools, err := c.Pools(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(fake.pools, pools); d != "" {
		t.Errorf("Pools (-want +got):\n%s", d)
	}
}
