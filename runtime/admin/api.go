// Package admin serves the runtime's admin API on a unix socket (JSON over HTTP) and is
// its client: pools, workers and events; start, stop and recycle a pool.
package admin

// The API below is the contract; the implementation is being written.
