//go:build linux

package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/internal/confdir"
	"github.com/poolctl/poolctl/runtime/certs"
)

// The environment variables that name the certificate folder and the file of its PFX
// password when --certs and --certs-password-file do not.
const (
	certsEnv         = "POOLCTL_CERTS"
	certsPasswordEnv = "POOLCTL_CERTS_PASSWORD_FILE"
)

// certOptions are run's flags for https bindings.
type certOptions struct {
	dir, passwordFile string
}

// addFlags declares --certs and --certs-password-file.
func (o *certOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.dir, "certs", "", "the certificate `DIR` of https bindings, laid out as IIS's Centralized Certificate Store: HOST.pfx, HOST.pem or HOST.crt+HOST.key, _.DOMAIN.* for a wildcard, IP!PORT.* for an IP-bound certificate (default: $"+certsEnv+", then /etc/poolctl/certs for root, else $XDG_CONFIG_HOME/poolctl/certs or ~/.config/poolctl/certs)")
	cmd.Flags().StringVar(&o.passwordFile, "certs-password-file", "", "the `FILE` that holds the password of the PFX files (default: $"+certsPasswordEnv+"); never the password itself")
	mustComplete(cmd.MarkFlagDirname("certs"))
	mustComplete(cmd.MarkFlagFilename("certs-password-file"))
}

// options returns the certificate store's options: the flags, else the environment,
// else the default folder for the user.
func (o *certOptions) options(getenv func(string) string) certs.Options {
	dir := o.dir
	if dir == "" {
		dir = getenv(certsEnv)
	}
	if dir == "" {
		dir = defaultCertsDir(os.Geteuid() == 0, getenv)
	}
	pw := o.passwordFile
	if pw == "" {
		pw = getenv(certsPasswordEnv)
	}
	return certs.Options{Dir: dir, PasswordFile: pw}
}

// defaultCertsDir returns the certificate folder used without --certs and
// $POOLCTL_CERTS: /etc/poolctl/certs for root, else $XDG_CONFIG_HOME/poolctl/certs
// (~/.config/poolctl/certs), beside the key file's default.
func defaultCertsDir(root bool, getenv func(string) string) string {
	return confdir.Path(root, getenv, "certs")
}
