// Package supervisor is the runtime's WAS: it runs each application pool's workers as
// runtime.md describes: pool states, on-demand and always-running starts, readiness
// within startupTimeLimit, pinging, unhealthy workers killed or orphaned, rapid-fail
// protection, graceful stops, identities and events. It gives the front end its
// workers (frontend.Pools) and the admin API its controls (admin.Controller).
//
// Each pool has one mutex that guards its state and its workers' slots; every change
// that a waiting request may care about broadcasts by closing the pool's changed
// channel. Each worker has one goroutine that watches it: its exit and its pings.
//
// It builds on Linux only; on other systems the package is empty.
package supervisor
