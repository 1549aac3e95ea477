// Package confdir names the places of poolctl's own files on Unix: /etc/poolctl for
// root, else the user's configuration folder.
package confdir

import "path/filepath"

// Path returns the path of poolctl's file name: /etc/poolctl/NAME for root, else
// $XDG_CONFIG_HOME/poolctl/NAME, else ~/.config/poolctl/NAME, else
// .config/poolctl/NAME in the working directory when HOME is unset too.
func Path(root bool, getenv func(string) string, name string) string {
	if root {
		return filepath.Join("/etc/poolctl", name)
	}
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" {
		return filepath.Join(dir, "poolctl", name)
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "poolctl", name)
	}
	return filepath.Join(".config", "poolctl", name)
}
