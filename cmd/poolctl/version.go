package main

import "runtime/debug"

// version is poolctl's version as --version prints it. Release builds set it with
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/poolctl
//
// Left empty, versionString reads the module version from the build information.
var version string

// versionString returns version when the linker set it, else the main module's
// version from the build information, else "(devel)".
func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
