//go:build linux

package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/host"
	"github.com/poolctl/poolctl/runtime/sdnotify"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/supervisor"
)

// readyWaitLimit bounds the wait for always-running pools before READY=1: below the
// unit's TimeoutStartSec (120 s).
const readyWaitLimit = 100 * time.Second

// awaitReady waits until rt is ready (its listeners up and its always-running pools'
// workers ready), or every pool still not ready has given up on a worker (a start
// failure, its identity, rapid-fail protection), or readyWaitLimit has passed, or ctx
// ends. events is a subscription taken before the runtime started.
func awaitReady(ctx context.Context, rt *host.Runtime, events <-chan event.Event) {
	ctx, cancel := context.WithTimeout(ctx, readyWaitLimit)
	defer cancel()
	for {
		if ok, _ := rt.Ready(); ok {
			return
		}
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			switch e.ID {
			case event.WorkerStartFail, event.IdentityFailed, event.RapidFailStop:
				return // systemd hears READY=1 and the event says what failed
			}
		}
	}
}

// supervisorAnswers is the watchdog's health check, /healthz's: the runtime's
// supervisor takes every lock within supervisor.CheckLimit.
func supervisorAnswers(rt *host.Runtime) func() bool {
	return func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), supervisor.CheckLimit)
		defer cancel()
		return rt.Supervisor().Check(ctx) == nil
	}
}

// notified logs a notification systemd did not get; the runtime goes on.
func notified(log *slog.Logger, err error) {
	if err != nil {
		log.Warn("systemd notification failed", "error", err.Error())
	}
}

// notifyReloads returns the runtime's reload hooks that tell systemd of every reload,
// SIGHUP's and the file watcher's: RELOADING=1 before, STATUS= and READY=1 after, a
// refused one included, or the unit would stay "reloading".
func notifyReloads(log *slog.Logger, notify *sdnotify.Notifier) (func(), func(*spec.Spec, error)) {
	reloading := func() { notified(log, notify.Reloading()) }
	reloaded := func(sp *spec.Spec, err error) {
		status := "configuration refused; the running configuration stays"
		if err == nil {
			status = servingStatus(sp)
		}
		notified(log, notify.Status(status))
		notified(log, notify.Ready())
	}
	return reloading, reloaded
}

// servingStatus is the STATUS= line of a running configuration.
func servingStatus(sp *spec.Spec) string {
	return fmt.Sprintf("serving %d sites with %d application pools", len(sp.Sites), len(sp.Pools))
}
