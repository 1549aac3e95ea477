//go:build !linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/cmd/poolctl/appcmd"
)

// runtimeCmds returns the one runtime command of a poolctl built where the runtime
// does not build: a run that says it needs Linux.
func runtimeCmds(*globalOptions, streams) []*cobra.Command {
	return []*cobra.Command{newRunNeedsLinuxCmd()}
}

// appcmdWorkers answers "list wp", which needs a running poolctl run.
func appcmdWorkers(*cobra.Command, *globalOptions, *adminOptions, appcmd.Line) error {
	return &exitError{code: exitFailure, err: errRunNeedsLinux}
}

// appcmdRequests answers "list requests", which needs a running poolctl run.
func appcmdRequests(*cobra.Command, *globalOptions, *adminOptions, appcmd.Line) error {
	return &exitError{code: exitFailure, err: errRunNeedsLinux}
}

// appcmdAction answers start, stop and recycle apppool, which need a running
// poolctl run.
func appcmdAction(*cobra.Command, *globalOptions, *adminOptions, appcmd.Line) error {
	return &exitError{code: exitFailure, err: errRunNeedsLinux}
}

// liveStates answers --admin, which names a running poolctl run: without it, the
// states are the file's.
func liveStates(_ *cobra.Command, _ *globalOptions, a *adminOptions) (map[string]string, error) {
	if a.path == "" {
		return nil, nil
	}
	return nil, &exitError{code: exitFailure, err: errRunNeedsLinux}
}
