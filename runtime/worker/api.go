// Package worker starts, watches and stops a worker: one process group that runs, for
// each application of a pool, the application's program. The group's leader is a
// small shim (ShimMain, run by re-executing poolctl) that starts the programs with the
// pool's identity, takes a parent-death signal so that nothing outlives a killed
// runtime, and, as a child subreaper, kills every descendant when it ends.
package worker

// The API below is the contract; the implementation is being written.
