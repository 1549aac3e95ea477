// Package host assembles poolctl run's runtime in one place: it reads and lints the
// configuration once, builds its spec, and runs the supervisor, the front end, the
// admin API and the https certificates together, with Start, Reload and Shutdown as
// Caddy's runtime has. The command line only maps flags and signals to it.
package host
