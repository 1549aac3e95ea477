//go:build !unix

package main

import "github.com/rogpeppe/go-internal/testscript"

// cmdMkfifo fails: Windows has no FIFOs. A script that makes one starts with
// [!unix] skip.
func cmdMkfifo(ts *testscript.TestScript, _ bool, _ []string) {
	ts.Fatalf("mkfifo: no FIFOs on this system")
}
