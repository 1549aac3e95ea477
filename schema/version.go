package schema

import (
	"fmt"
	"strings"
)

// Version is an IIS release whose configuration schema poolctl knows.
type Version int

// The IIS versions poolctl knows, oldest first.
const (
	IIS70 Version = iota + 1
	IIS75
	IIS80
	IIS85
	IIS10
)

// DefaultVersion is the version used when none is given.
const DefaultVersion = IIS10

var versionNames = [...]string{IIS70: "iis7.0", IIS75: "iis7.5", IIS80: "iis8.0", IIS85: "iis8.5", IIS10: "iis10"}

// Versions returns every known version, oldest first.
func Versions() []Version { return []Version{IIS70, IIS75, IIS80, IIS85, IIS10} }

// String returns the version's name as the --target flag spells it, such as "iis8.5".
func (v Version) String() string {
	if v < IIS70 || v > IIS10 {
		return fmt.Sprintf("Version(%d)", int(v))
	}
	return versionNames[v]
}

// Valid reports whether v is one of the known versions.
func (v Version) Valid() bool { return v >= IIS70 && v <= IIS10 }

// ParseVersion parses a version name: "iis7.0", "iis7.5", "iis8.0", "iis8.5" or "iis10".
// The "iis" prefix and a trailing ".0" may be left out ("7.5", "iis8", "10.0").
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "iis")
	switch t {
	case "7", "7.0":
		return IIS70, nil
	case "7.5":
		return IIS75, nil
	case "8", "8.0":
		return IIS80, nil
	case "8.5":
		return IIS85, nil
	case "10", "10.0":
		return IIS10, nil
	}
	return 0, fmt.Errorf("unknown IIS version %q (want one of %s)", s, strings.Join(VersionNames(), ", "))
}

// VersionNames returns the names of all known versions, oldest first.
func VersionNames() []string {
	names := make([]string, 0, len(versionNames)-1)
	for _, v := range Versions() {
		names = append(names, v.String())
	}
	return names
}

// Set implements pflag.Value so that a Version can be a command-line flag.
func (v *Version) Set(s string) error {
	p, err := ParseVersion(s)
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// Type implements pflag.Value.
func (v *Version) Type() string { return "version" }
