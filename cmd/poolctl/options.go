package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
	"github.com/poolctl/poolctl/validate"
)

// configEnv is the environment variable that names the configuration file when -c is
// not given.
const configEnv = "POOLCTL_CONFIG"

// globalOptions are the persistent flags every command shares, and the environment
// they fall back on.
type globalOptions struct {
	config  string
	target  schema.Version
	keyFile string
	dest    destFlag
	getenv  func(string) string
}

// addFlags declares -c/--config and --target on the root command, for every command.
func (o *globalOptions) addFlags(root *cobra.Command) {
	fl := root.PersistentFlags()
	fl.StringVarP(&o.config, "config", "c", "",
		"the applicationHost.config `FILE` to read (default: "+configDefaultHelp+")")
	fl.Var(&o.target, "target", "IIS `version` whose schema applies: "+joinOr(schema.VersionNames()))
	fl.StringVar(&o.keyFile, "key-file", "",
		"the `FILE` of the key that encrypts passwords (default: $"+secret.KeyEnv+", then "+secret.KeyDefaultHelp+")")
	fl.Var(&o.dest, "for", "where the file goes, which decides how passwords are written and the advice about them: "+
		"iis (set them on the server with appcmd or IIS Manager), run (poolctl run: encrypted with poolctl's key) or auto "+
		"(run when the file holds a value of poolctl's key, else iis) (default: $"+secret.DestinationEnv+", else auto)")
	mustComplete(root.RegisterFlagCompletionFunc("for", cobra.FixedCompletions([]string{"iis", "run", "auto"}, cobra.ShellCompDirectiveNoFileComp)))
	mustComplete(root.MarkPersistentFlagFilename("key-file"))
	mustComplete(root.MarkPersistentFlagFilename("config", "config"))
	mustComplete(root.RegisterFlagCompletionFunc("target", cobra.FixedCompletions(schema.VersionNames(), cobra.ShellCompDirectiveNoFileComp)))
}

// configPath returns the configuration file to read: -c, else $POOLCTL_CONFIG, else
// the default (defaultConfigPath). how says which of the three it is, for messages.
func (o *globalOptions) configPath() (path, how string) {
	if o.config != "" {
		return o.config, "-c"
	}
	if p := o.getenv(configEnv); p != "" {
		return p, "$" + configEnv
	}
	return defaultConfigPath(iisHost, o.getenv, os.Stat), "default"
}

// load reads the configuration file for the target version. A malformed file's error
// keeps parse's "file:line:col: msg" form; any other error names the file and says how
// it was chosen.
func (o *globalOptions) load() (*parse.Config, error) {
	path, how := o.configPath()
	ro, err := o.readOptions()
	if err != nil {
		return nil, err
	}
	exts, err := validate.Extensions(path, nil)
	if err != nil {
		return nil, err
	}
	cfg, err := parse.Load(path, parse.LoadOptions{Version: o.target, Read: ro, Extensions: exts})
	if err != nil {
		return nil, fileError(path, how, err)
	}
	return cfg, nil
}

// schema returns the schema of version v with the schema extensions of the
// configuration file's schema folder (lint's rule: what it declares is known).
func (o *globalOptions) schema(v schema.Version) (*schema.Schema, error) {
	s, err := schema.For(v)
	if err != nil {
		return nil, err
	}
	path, _ := o.configPath()
	exts, err := validate.Extensions(path, nil)
	if err != nil {
		return nil, err
	}
	s.Extend(exts...)
	return s, nil
}

// key returns the key that --key-file, $POOLCTL_KEY_FILE or the default path names, or
// nil when that file does not exist; a key file that exists but cannot be used is an
// error.
func (o *globalOptions) key() (*secret.Key, error) {
	path, _ := secret.KeyPath(o.keyFile, o.getenv)
	k, err := secret.ReadKeyFile(path)
	if errors.Is(err, secret.ErrNoKeyFile) {
		return nil, nil
	}
	return k, err
}

// requireKey is key for the commands that cannot work without one.
func (o *globalOptions) requireKey() (*secret.Key, error) {
	path, how := secret.KeyPath(o.keyFile, o.getenv)
	k, err := secret.ReadKeyFile(path)
	if err != nil && how == "default" && errors.Is(err, secret.ErrNoKeyFile) {
		return nil, fmt.Errorf("%w; or name another with --key-file or $%s", err, secret.KeyEnv)
	}
	return k, err
}

// destFlag is the value of --for.
type destFlag struct {
	d   secret.Destination
	set bool
}

// String returns the destination's name.
func (f *destFlag) String() string { return f.d.String() }

// Set sets the destination named s.
func (f *destFlag) Set(s string) error {
	d, err := secret.ParseDestination(s)
	f.d, f.set = d, true
	return err
}

// Type names the value in help output.
func (f *destFlag) Type() string { return "iis|run|auto" }

// destination returns where the file goes: --for, else $POOLCTL_FOR, else auto.
func (o *globalOptions) destination() (secret.Destination, error) {
	if o.dest.set {
		return o.dest.d, nil
	}
	d, err := secret.ParseDestination(o.getenv(secret.DestinationEnv))
	if err != nil {
		return d, fmt.Errorf("$%s: %w", secret.DestinationEnv, err)
	}
	return d, nil
}

// seal gives ed what it needs to write passwords for the file's destination: for
// poolctl run, key (when there is one) encrypts them; for IIS nothing does, and ed
// says how to set them on the server.
func (o *globalOptions) seal(ed *apply.Editor, key *secret.Key) error {
	d, err := o.destination()
	if err != nil {
		return err
	}
	ed.For = d.Resolve(ed.HoldsPoolctlValue())
	if key != nil && ed.For == secret.ForRun {
		ed.Sealer = key
	}
	return nil
}

// mustComplete panics when registering a completion failed: that only happens for a
// flag that does not exist or is registered twice, a mistake in this program.
func mustComplete(err error) {
	if err != nil {
		panic(fmt.Sprintf("poolctl: registering a completion: %v", err))
	}
}
