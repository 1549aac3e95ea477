// Package admin serves the runtime's admin API on a unix socket (JSON over HTTP) and is
// its client: pools, workers and events; start, stop and recycle a pool.
//
// The routes are:
//
//	GET  /v1/pools                  {"pools": [PoolStatus...]}
//	GET  /v1/workers                {"workers": [WorkerStatus...]}
//	POST /v1/pools/{name}/start     {"pool": name, "action": "start"[, "already": "started"]}
//	POST /v1/pools/{name}/stop      {"pool": name, "action": "stop"[, "already": "stopped"]}
//	POST /v1/pools/{name}/recycle   {"pool": name, "action": "recycle"}
//	GET  /v1/events                 one event.Event per line, until the client goes away
//
// An error is {"error": "message"}, with status 404 for a pool that does not exist
// (ErrNoPool), 400 for a request the API does not know and 500 for an action the
// runtime could not take. The socket is the API's only protection: it has mode 0600 and
// belongs to the user the runtime runs as.
//
// It builds on unix systems only; on other systems (Windows) the package is empty.
package admin
