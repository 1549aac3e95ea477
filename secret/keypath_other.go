//go:build !windows

package secret

import "os"

// DefaultKeyPath returns the key file used when neither --key-file nor
// $POOLCTL_KEY_FILE names one: /etc/poolctl/key for root, else
// $XDG_CONFIG_HOME/poolctl/key (by default ~/.config/poolctl/key).
func DefaultKeyPath(getenv func(string) string) string {
	return unixKeyPath(os.Geteuid() == 0, getenv)
}

// KeyDefaultHelp says, for help texts, which file DefaultKeyPath returns.
const KeyDefaultHelp = "/etc/poolctl/key for root, else $XDG_CONFIG_HOME/poolctl/key or ~/.config/poolctl/key"

// KeyAccessHelp says, for help texts, who may read a key file poolctl writes or reads.
const KeyAccessHelp = "its group and others cannot read it (mode 0600)"

// KeyWrittenNote says, after a key file is written, who may read it.
const KeyWrittenNote = "mode 0600"
