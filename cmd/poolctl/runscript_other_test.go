//go:build !linux

package main

import "github.com/rogpeppe/go-internal/testscript"

// runtimeScriptCmds returns no command: poolctl run does not build here, and the
// scripts that follow one start with [!linux] skip.
func runtimeScriptCmds() map[string]func(*testscript.TestScript, bool, []string) {
	return nil
}
