package secret

import "fmt"

// PasswordAttr is the dotted path of the encrypted attribute of a pool's identity.
const PasswordAttr = "processModel.password"

// Destination is where a configuration file goes, which decides how its passwords
// must be written: IIS reads clear text and its own providers' values, not poolctl's;
// poolctl run reads clear text and poolctl's values, not IIS's.
type Destination int

// The destinations. The zero value is Auto.
const (
	// Auto is ForRun for a file that already holds a value of poolctl's Provider, and
	// ForIIS for any other.
	Auto Destination = iota
	// ForIIS is a file that IIS reads: its passwords are set on the server with appcmd
	// or IIS Manager, which encrypt them with IIS's provider.
	ForIIS
	// ForRun is a file that poolctl run reads: its passwords are encrypted with
	// poolctl's key (poolctl encrypt).
	ForRun
)

// DestinationEnv is the environment variable that gives the destination when --for
// does not.
const DestinationEnv = "POOLCTL_FOR"

// DestinationNames are the names ParseDestination takes.
var destinationNames = [...]string{Auto: "auto", ForIIS: "iis", ForRun: "run"}

// String returns the destination's name: auto, iis or run.
func (d Destination) String() string {
	if d < 0 || int(d) >= len(destinationNames) {
		return fmt.Sprintf("Destination(%d)", int(d))
	}
	return destinationNames[d]
}

// ParseDestination returns the destination named s: auto (or ""), iis or run.
func ParseDestination(s string) (Destination, error) {
	if s == "" {
		return Auto, nil
	}
	for d, name := range destinationNames {
		if s == name {
			return Destination(d), nil
		}
	}
	return Auto, fmt.Errorf("unknown destination %q: want iis, run or auto", s)
}

// Resolve returns d, or for Auto the destination that poolctl (true when the file
// holds a value of poolctl's Provider) implies.
func (d Destination) Resolve(poolctl bool) Destination {
	switch {
	case d != Auto:
		return d
	case poolctl:
		return ForRun
	}
	return ForIIS
}

// IsPoolctlValue reports whether value is a non-empty value of poolctl's Provider.
func IsPoolctlValue(value string) bool {
	env, ok := ParseEnvelope(value)
	return ok && env.Provider == Provider && !env.IsEmpty()
}
