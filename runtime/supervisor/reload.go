//go:build linux

package supervisor

import (
	"slices"
	"strings"

	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/spec"
)

// Reload applies a new configuration, as WAS does when applicationHost.config changes:
// pools that were added start (when autoStart), pools that were removed stop, and
// pools whose settings or applications changed are replaced (a new pool with the new
// settings takes the requests, the old one drains and stops), unless
// disallowRotationOnConfigChange, which keeps the running workers. Pools that did not
// change keep their workers.
func (s *Supervisor) Reload(sp *spec.Spec) {
	next := s.newPools(sp)
	s.mu.Lock()
	old := s.pools
	var keep, added, removed, retired []*pool
	pools, order := map[string]*pool{}, make([]*pool, 0, len(next))
	for _, np := range next {
		key := strings.ToLower(np.spec().Name)
		op := old[key]
		switch {
		case op == nil:
			added = append(added, np)
		case samePool(op, np):
			keep = append(keep, op)
			np = op
		case np.spec().Recycling.DisallowRotationOnConfigChange && sameWorkers(op, np):
			// The settings apply from now on, to this pool and its next workers; the
			// running workers stay.
			op.settings.Store(np.spec())
			keep = append(keep, op)
			s.emit(event.Event{ID: event.ConfigReloaded, Level: "info", Pool: op.spec().Name,
				Msg: "pool configuration changed; workers not recycled (disallowRotationOnConfigChange)"})
			np = op
		default:
			retired = append(retired, op)
			added = append(added, np)
		}
		pools[key], order = np, append(order, np)
	}
	for key, op := range old {
		if pools[key] == nil {
			removed = append(removed, op)
		}
	}
	s.pools, s.order = pools, order
	s.mu.Unlock()
	for _, p := range added {
		p.reportNothingToRun()
		if p.spec().AutoStart {
			p.start("configuration change")
		}
	}
	for _, p := range slices.Concat(retired, removed) {
		why := "removed from the configuration"
		if slices.Contains(retired, p) {
			why = "its configuration changed"
		}
		s.wg.Go(func() { p.stop(why, false) })
	}
	s.Emit(event.ConfigReloaded, "info", "configuration reloaded",
		plural(len(added)-len(retired), "pool")+" added, "+plural(len(retired), "pool")+" recycled, "+
			plural(len(removed), "pool")+" removed, "+plural(len(keep), "pool")+" untouched")
}

// sameWorkers reports whether the running pool's workers can serve the new pool: the
// same applications and programs, as the same identity. Other settings (environment
// variables included) can change under running workers and reach the next ones; these
// cannot.
func sameWorkers(running, next *pool) bool {
	return running.spec().Identity == next.spec().Identity && sameApps(running, next)
}

// sameApps reports whether two pools serve the same applications with the same programs.
func sameApps(running, next *pool) bool {
	return slices.EqualFunc(running.apps, next.apps, (*spec.App).Equal)
}

// samePool reports whether a new pool has the same settings and applications as a
// running one.
func samePool(running, next *pool) bool {
	return running.spec().Equal(next.spec()) && sameApps(running, next)
}
