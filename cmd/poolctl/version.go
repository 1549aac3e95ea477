package main

import (
	"runtime/debug"
	"strings"
)

// version, commit and date describe the build as --version prints them. Release
// builds (GoReleaser, .goreleaser.yaml) set them with
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=abc1234 -X main.date=2026-12-05T10:00:00Z" ./cmd/poolctl
//
// Left empty, versionString reads them from the build information, which
// "go install github.com/poolctl/poolctl/cmd/poolctl@v1.2.3" fills.
var version, commit, date string

// versionString returns poolctl's version for --version.
func versionString() string {
	bi, _ := debug.ReadBuildInfo()
	return formatVersion(version, commit, date, bi)
}

// formatVersion returns "VERSION (COMMIT, DATE)" from the linker's values when it set
// a version, else from the build information (the module version, and the VCS
// revision and time of a build from a checkout), with "(devel)" for a version neither
// knows.
func formatVersion(version, commit, date string, bi *debug.BuildInfo) string {
	if bi != nil && version == "" {
		version = bi.Main.Version
		commit, date = vcsCommit(bi)
	}
	if version == "" {
		version = "(devel)"
	}
	var about []string
	for _, s := range []string{commit, date} {
		// GoReleaser writes "none" and the zero time when it has no commit to tell.
		if s != "" && s != "none" && !strings.HasPrefix(s, "0001-01-01") {
			about = append(about, s)
		}
	}
	if len(about) == 0 {
		return version
	}
	return version + " (" + strings.Join(about, ", ") + ")"
}

// vcsCommit returns the revision (12 digits, "-dirty" for a modified checkout) and
// time of the checkout a binary was built from, when the build information has them.
func vcsCommit(bi *debug.BuildInfo) (commit, date string) {
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value[:min(len(s.Value), 12)]
		case "vcs.time":
			date = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && commit != "" {
		commit += "-dirty"
	}
	return commit, date
}
