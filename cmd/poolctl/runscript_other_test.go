//go:build !linux

package main

import "github.com/rogpeppe/go-internal/testscript"

// platformScriptCmds returns no command: poolctl run, which the others follow,
// builds on Linux only, and scripts that need them skip elsewhere.
func platformScriptCmds() map[string]func(*testscript.TestScript, bool, []string) {
	return nil
}
