// Package frontend is the runtime's HTTP.sys: it listens on the sites' http bindings,
// matches each request to a site (address, port, Host) and an application (longest
// path), asks the application's pool for a worker, and forwards the request to it.
package frontend

// The API below is the contract; the implementation is being written.
