package main

import "github.com/spf13/cobra"

// adminOptions is the --admin flag: the admin socket of the poolctl run that a
// command serves (run) or talks to (pools, workers, pool).
type adminOptions struct {
	path string
}

// addFlag declares --admin on cmd.
func (o *adminOptions) addFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.path, "admin", "",
		"the admin socket `PATH` of poolctl run (default: /run/poolctl/admin.sock for root, else $XDG_RUNTIME_DIR/poolctl.sock, or /tmp/poolctl-UID/poolctl.sock without XDG_RUNTIME_DIR)")
	mustComplete(cmd.MarkFlagFilename("admin"))
}
