// Package metrics keeps poolctl run's Prometheus metrics: the front end's requests
// (counted as they are answered) and the pools' and workers' state (read from the
// supervisor when Prometheus scrapes), with the Go and process collectors.
package metrics
