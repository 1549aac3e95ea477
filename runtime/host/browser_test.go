//go:build linux

package host

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/poolctl/poolctl/internal/browser"
	"github.com/poolctl/poolctl/runtime/event"
)

// screenshot rewrites docs/status-page.png, the README's picture of the status page.
var screenshot = flag.Bool("screenshot", false, "write the status page's screenshot to docs/status-page.png")

// TestStatusPageInBrowser renders the status page in a real headless Chromium while a
// request hangs in a worker: the page shows the pool, its worker and the request in
// flight, filled in by the page's own script from status.json.
func TestStatusPageInBrowser(t *testing.T) {
	exe, err := browser.Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	s := startRuntime(t, func(exe, dir string) string { return config(exe, dir, "/") }, withStatus)
	rt := s.rt
	s.await(t, event.WorkerStarted)
	for range 5 {
		s.get(t, "/hello")
	}
	reqCtx, stopReq := context.WithCancel(context.Background())
	slow := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(reqCtx, "GET", "http://"+rt.Addrs()[0].String()+"/sleep?ms=60000&report=monthly", nil)
		_, err := http.DefaultClient.Do(req)
		slow <- err
	}()
	defer func() { stopReq(); <-slow }()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	ctx, ccancel := chromedp.NewContext(actx)
	defer ccancel()
	ctx, tcancel := context.WithTimeout(ctx, time.Minute)
	defer tcancel()
	traffic, stopTraffic := context.WithCancel(context.Background())
	trafficDone := make(chan struct{})
	go func() { // requests between the page's polls, for its requests/s
		defer close(trafficDone)
		for traffic.Err() == nil {
			if resp, err := http.Get("http://" + rt.Addrs()[0].String() + "/hello"); err == nil {
				resp.Body.Close()
			}
		}
	}()
	defer func() { stopTraffic(); <-trafficDone }()
	err = chromedp.Do(ctx,
		chromedp.Navigate("http://"+rt.StatusAddr().String()+"/"),
		chromedp.WaitVisible(`//table[@id="requests"]//td[contains(., "sleep?ms=60000")]`),
		// The second poll: requests/s (the sixth column) is a number.
		chromedp.WaitVisible(`//table[@id="pools"]/tbody/tr/td[6][not(contains(., "–"))]`),
	)
	if err != nil {
		t.Fatalf("the status page in Chromium: %v", err)
	}
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("the text of %s: %v", sel, err)
		}
		return s
	}
	pools, workers, requests, summary := text("#pools tbody"), text("#workers tbody"), text("#requests tbody"), text("#summary")
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	for name, check := range map[string]bool{
		"the pool, started":           strings.Contains(pools, "A") && strings.Contains(pools, "Started"),
		"its worker, ready":           strings.Contains(workers, "Ready"),
		"the request in flight":       strings.Contains(requests, "GET") && strings.Contains(requests, "/sleep?ms=60000&report=monthly"),
		"the summary, ready":          strings.HasPrefix(summary, "ready"),
		"a screenshot of some weight": len(png) > 10_000,
	} {
		if !check {
			t.Errorf("the page does not show %s:\npools: %s\nworkers: %s\nrequests: %s\nsummary: %s", name, pools, workers, requests, summary)
		}
	}
	if *screenshot {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "status-page.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
