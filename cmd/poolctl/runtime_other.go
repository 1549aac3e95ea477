//go:build !linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/cmd/poolctl/appcmd"
)

// runtimeCmds returns, where poolctl's runtime does not build, only a run that says
// so (newRunStubCmd).
func runtimeCmds(*globalOptions, streams) []*cobra.Command {
	return []*cobra.Command{newRunStubCmd()}
}

// appcmdWorkers refuses "list wp": there is no poolctl run to ask.
func appcmdWorkers(_ *cobra.Command, _ *globalOptions, _ *adminOptions, l appcmd.Line) error {
	return runtimeUnavailable("appcmd " + l.Verb + " " + l.Object)
}

// appcmdAction refuses start, stop and recycle apppool: there is no poolctl run to
// act on.
func appcmdAction(_ *cobra.Command, _ *globalOptions, _ *adminOptions, l appcmd.Line) error {
	return runtimeUnavailable("appcmd " + l.Verb + " " + l.Object)
}

// liveStates returns nil without --admin, as on Linux; with --admin, the error that
// there is no poolctl run to ask.
func liveStates(_ *cobra.Command, _ *globalOptions, a *adminOptions) (map[string]string, error) {
	if a.path == "" {
		return nil, nil
	}
	return nil, runtimeUnavailable("appcmd --admin list apppool")
}
