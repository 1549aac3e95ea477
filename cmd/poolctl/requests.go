//go:build linux

package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/runtime/admin"
)

// newRequestsCmd builds "poolctl requests": the requests in flight of a running
// poolctl run (appcmd list requests).
func newRequestsCmd(g *globalOptions) *cobra.Command {
	a := &adminOptions{}
	format := newChoice("text", "text", "json")
	var elapsed int64
	cmd := &cobra.Command{
		Use:   "requests [POOL]",
		Short: "List the requests in flight of a running poolctl run",
		Long: `Requests lists the requests a running poolctl run is serving now, as appcmd list
requests does for IIS: the longest-running first, each with how long it has run,
its pool, site, the worker process serving it ("queued" while it waits in its
pool's queue for a worker), method, URL (host and target) and client address. A
POOL argument keeps that pool's requests (names compare case-insensitively, as in
IIS); --elapsed MS keeps those that have run at least MS milliseconds, to find the
requests that hang.

--format json prints {"requests": [...]}, each with elapsedMs.

` + adminHelp,
		Example: `  poolctl requests
  poolctl requests Shop --elapsed 5000
  poolctl requests --format json | jq '.requests[] | select(.elapsedMs > 30000) | .url'`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeRuntimePools(g, a, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if elapsed < 0 {
				return fmt.Errorf("--elapsed must be 0 or more milliseconds, not %d", elapsed)
			}
			list, err := a.client(g).Requests(cmd.Context())
			if err != nil {
				return err
			}
			pool := ""
			if len(args) == 1 {
				pool = args[0]
			}
			reqs := selectRequests(list, pool, time.Duration(elapsed)*time.Millisecond, time.Now())
			if format.value == "json" {
				return printers.WriteRequestsJSON(cmd.OutOrStdout(), reqs)
			}
			if len(reqs) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "no requests in flight in the poolctl run at %s\n", a.socket(g))
				return nil
			}
			return printers.WriteRequestsText(cmd.OutOrStdout(), reqs)
		},
	}
	cmd.Flags().Int64Var(&elapsed, "elapsed", 0, "list only the requests that have run at least `MS` milliseconds")
	format.addFlag(cmd, "format", "output format")
	a.addFlag(cmd)
	return cmd
}

// selectRequests returns the requests of pool ("" for all) that have run at least
// min at now, the longest-running first.
func selectRequests(list []admin.RequestStatus, pool string, min time.Duration, now time.Time) []printers.Request {
	var out []printers.Request
	for _, r := range list {
		el := now.Sub(r.Start)
		if (pool != "" && !strings.EqualFold(pool, r.Pool)) || el < min {
			continue
		}
		out = append(out, printers.Request{Pool: r.Pool, Site: r.Site, App: r.App, PID: r.PID, Method: r.Method,
			URL: r.URL, Client: r.Client, Elapsed: el})
	}
	slices.SortStableFunc(out, func(a, b printers.Request) int { return int(b.Elapsed - a.Elapsed) })
	return out
}
