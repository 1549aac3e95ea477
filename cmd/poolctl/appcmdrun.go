//go:build linux

package main

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/cmd/poolctl/appcmd"
	"github.com/poolctl/poolctl/runtime/admin"
)

// appcmdWorkers runs "list wp": the workers of a running poolctl run, of one pool
// with /apppool.name.
func appcmdWorkers(cmd *cobra.Command, g *globalOptions, a *adminOptions, l appcmd.Line) error {
	workers, err := a.client(g).Workers(cmd.Context())
	if err != nil {
		return err
	}
	for _, w := range workers {
		if l.ID != "" && !strings.EqualFold(w.Pool, l.ID) {
			continue
		}
		if err := printLine(cmd, appcmd.Worker(w.PID, w.Pool)); err != nil {
			return err
		}
	}
	return nil
}

// appcmdRequests runs list requests against a running poolctl run: the requests its
// workers serve, filtered as appcmd filters them (/apppool.name, /wp.name,
// /site.name, /elapsed in milliseconds).
func appcmdRequests(cmd *cobra.Command, g *globalOptions, a *adminOptions, l appcmd.Line) error {
	f, err := appcmd.ParseRequestFilter(l.ID, l.Params)
	if err != nil {
		return err
	}
	reqs, err := a.client(g).Requests(cmd.Context())
	if err != nil {
		return err
	}
	now := time.Now()
	slices.SortStableFunc(reqs, func(x, y admin.RequestStatus) int { return x.Start.Compare(y.Start) })
	for _, r := range reqs {
		el := now.Sub(r.Start)
		if r.PID == 0 || !f.Match(r.Pool, r.Site, r.PID, el) {
			continue
		}
		if err := printLine(cmd, appcmd.Request(r.ID, r.Method, r.URL, r.Client, el)); err != nil {
			return err
		}
	}
	return nil
}

// appcmdAction runs start, stop and recycle apppool against a running poolctl run.
// As appcmd, it refuses to start a started pool or to stop a stopped one (exit 1).
func appcmdAction(cmd *cobra.Command, g *globalOptions, a *adminOptions, l appcmd.Line) error {
	if l.ID == "" {
		return errors.New(l.Verb + " apppool: give the pool: NAME or /apppool.name:NAME")
	}
	ctx, c := cmd.Context(), a.client(g)
	pools, err := c.Pools(ctx)
	if err != nil {
		return err
	}
	var status *admin.PoolStatus
	for i := range pools {
		if strings.EqualFold(pools[i].Name, l.ID) {
			status = &pools[i]
		}
	}
	if status == nil {
		e := appcmd.NotFound(l.ID)
		e.Detail = "pools of poolctl run: " + statusNames(pools)
		return e
	}
	if l.Verb == "recycle" {
		if err := refuseState(l.Verb, status.State); err != nil {
			return &exitError{code: exitFindings, err: err}
		}
	}
	// The runtime itself says whether the pool was in that state already, so that a
	// change of state between the look-up above and the action is answered right.
	r, err := c.Act(ctx, status.Name, l.Verb)
	if err != nil {
		return withPoolList(ctx, c, err)
	}
	if r.Already != "" {
		state := map[string]string{"started": "Started", "stopped": "Stopped"}[r.Already]
		return &exitError{code: exitFindings, err: refuseState(l.Verb, state)}
	}
	done := map[string]string{"start": "started", "stop": "stopped", "recycle": "recycled"}[l.Verb]
	return printLine(cmd, appcmd.Done(status.Name, done))
}

// refuseState returns appcmd's error for starting a started pool, or stopping or
// recycling a stopped one.
func refuseState(verb, state string) error {
	switch {
	case verb == "start" && (state == "Started" || state == "Starting"):
		return &appcmd.Error{Message: "Command execution failed. The service has already been started.", Detail: "the pool is " + state}
	case verb != "start" && (state == "Stopped" || state == "Stopping"):
		return &appcmd.Error{Message: "Command execution failed. The service has not been started.", Detail: "the pool is " + state + " (poolctl appcmd start apppool NAME starts it)"}
	}
	return nil
}

// liveStates returns the state of each pool of the poolctl run that --admin names,
// by lower-case name, or nil without --admin.
func liveStates(cmd *cobra.Command, g *globalOptions, a *adminOptions) (map[string]string, error) {
	if a.path == "" {
		return nil, nil
	}
	pools, err := a.client(g).Pools(cmd.Context())
	if err != nil {
		return nil, err
	}
	live := make(map[string]string, len(pools))
	for _, p := range pools {
		live[strings.ToLower(p.Name)] = p.State
	}
	return live, nil
}
