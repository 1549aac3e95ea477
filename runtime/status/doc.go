// Package status serves poolctl run's status address: Prometheus metrics at
// /metrics, liveness and readiness probes at /healthz and /readyz, and a status page
// at / (plain HTML, CSS and a little JavaScript embedded in the binary) that polls
// /status.json for the pools, workers, requests in flight and the last events.
package status
