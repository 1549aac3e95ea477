//go:build windows

package secret

// DefaultKeyPath returns the key file used when neither --key-file nor
// $POOLCTL_KEY_FILE names one: %ProgramData%\poolctl\key.
func DefaultKeyPath(getenv func(string) string) string { return windowsKeyPath(getenv) }

// KeyDefaultHelp says, for help texts, which file DefaultKeyPath returns.
const KeyDefaultHelp = `%ProgramData%\poolctl\key`

// KeyAccessHelp says, for help texts, who may read a key file poolctl writes or reads.
const KeyAccessHelp = "its DACL lets only its owner, Administrators and SYSTEM read it"

// KeyWrittenNote says, after a key file is written, who may read it.
const KeyWrittenNote = "only its owner, Administrators and SYSTEM may read it"
