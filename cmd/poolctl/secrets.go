package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/secret"
)

// keyHelp explains where the key comes from.
const keyHelp = `The key is the file --key-file names, else the one $POOLCTL_KEY_FILE names, else
` + secret.KeyDefaultHelp + `.
A key file is refused unless ` + secret.KeyAccessHelp + `.
Values are encrypted with AES-256-GCM and written as
[enc:PoolctlAesGcmProvider:PAYLOAD:enc]; the payload names the key that encrypted
it. IIS cannot read poolctl's values, and poolctl cannot read those of IIS's own
providers (IISWASOnlyAesProvider and others): such a password must be entered again.`

// newKeyCmd builds "poolctl key", whose one subcommand generates a key.
func newKeyCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "key",
		Short:   "Manage the key that encrypts passwords",
		Example: "  poolctl key generate --out /etc/poolctl/key",
	}
	var out string
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Write a new key file",
		Long: `Generate writes a new random 256-bit key to --out (default: where poolctl looks for
the key), so that ` + secret.KeyAccessHelp + `,
creating its directory when missing. It never overwrites a file: a lost key cannot
be recovered, nor can the passwords it encrypted. Back the key up.

` + keyHelp,
		Example: `  poolctl key generate
  poolctl key generate --out /etc/poolctl/key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := out
			if path == "" {
				path, _ = secret.KeyPath(g.keyFile, g.getenv)
			}
			k, err := secret.GenerateKey()
			if err != nil {
				return err
			}
			if err := secret.WriteKeyFile(path, k); err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Wrote key %s to %s (%s). Back it up: without it, the passwords it encrypts cannot be read.\n", k.ID(), path, secret.KeyWrittenNote)
			return err
		},
	}
	gen.Flags().StringVar(&out, "out", "", "the key `FILE` to write (default: the key file poolctl reads)")
	mustComplete(gen.MarkFlagFilename("out"))
	cmd.AddCommand(gen)
	return cmd
}

// newEncryptCmd builds "poolctl encrypt".
func newEncryptCmd(g *globalOptions) *cobra.Command {
	opts := &editOptions{}
	cmd := &cobra.Command{
		Use:   "encrypt [POOL...]",
		Short: "Encrypt the passwords written in clear text",
		Long: `Encrypt encrypts every processModel.password written in clear text in the named pools
(every pool and <applicationPoolDefaults> when none is named), with poolctl's key,
in one atomic write. Values already encrypted are left alone. Then it cleans the
history: every copy of the file's previous content that holds a password in clear
text (copies are written without any since poolctl protects them, but older ones
may) gets it encrypted for history, and every copy is made readable by its owner
only (0600).

` + keyHelp + `

` + editHelp,
		Example: `  poolctl encrypt
  poolctl encrypt --key-file /etc/poolctl/key Shop`,
		ValidArgsFunction: completePools(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := g.requireKey()
			if err != nil {
				return err
			}
			run, err := forRun(g, "encrypt")
			if err != nil {
				return err
			}
			if _, err := runEdit(cmd, run, opts, func(ed *apply.Editor) error { return ed.EncryptClear(args) }); err != nil {
				return err
			}
			return cleanHistory(cmd, g, opts, key)
		},
	}
	opts.addFlags(cmd)
	return cmd
}

// forRun returns g for a command that writes poolctl's own values (encrypt, rekey):
// the file is for poolctl run. Asked for IIS, it refuses, with what to do instead.
func forRun(g *globalOptions, command string) (*globalOptions, error) {
	d, err := g.destination()
	if err != nil {
		return nil, err
	}
	if d == secret.ForIIS {
		return nil, fmt.Errorf("%s writes values of poolctl's key (%s), which IIS cannot decrypt, and the file goes to IIS (--for iis or $%s): "+
			"set the passwords on the IIS server with appcmd or IIS Manager instead", command, secret.Provider, secret.DestinationEnv)
	}
	run := *g
	run.dest = destFlag{d: secret.ForRun, set: true}
	return &run, nil
}

// cleanHistory encrypts, for history, the clear-text passwords that earlier copies of
// the configuration file kept, and makes every copy readable by its owner only.
func cleanHistory(cmd *cobra.Command, g *globalOptions, o *editOptions, key *secret.Key) error {
	path, _ := g.configPath()
	opt := o.write.updateOptions(key)
	notes, err := apply.CleanHistory(cmd.Context(), opt.History, opt.HistoryKey, path)
	printNotes(cmd.ErrOrStderr(), notes)
	return err
}

// printNotes prints each note on w as "poolctl: note: ...".
func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(w, "poolctl: note: %s\n", n)
	}
}

// newDecryptCmd builds "poolctl decrypt".
func newDecryptCmd(g *globalOptions) *cobra.Command {
	var show bool
	cmd := &cobra.Command{
		Use:   "decrypt --show POOL",
		Short: "Print the clear text of a pool's password, on purpose",
		Long: `Decrypt prints the clear text of the pool's effective processModel.password (its
own, else the one of <applicationPoolDefaults>). It is the one command that prints a
password, and only with --show, so that it is never done by accident. A value that
IIS's own providers encrypted cannot be read off the Windows machine that wrote it:
decrypt says which provider it is.

` + keyHelp,
		Example:           `  poolctl decrypt --show Shop`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePools(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !show {
				return errors.New("decrypt prints a password only with --show")
			}
			cfg, err := g.load()
			if err != nil {
				return err
			}
			pools, err := selectPools(cfg, args)
			if err != nil {
				return err
			}
			key, err := g.key()
			if err != nil {
				return err
			}
			clear, err := spec.PoolPassword(pools[0], key)
			if err != nil {
				return err
			}
			if clear == "" {
				return &exitError{code: exitFindings, err: noPasswordError(pools[0])}
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), clear)
			return err
		},
	}
	cmd.Flags().BoolVar(&show, "show", false, "print the password (required)")
	return cmd
}

// noPasswordError says that pool has no password to show, and where that comes from:
// its own empty value, the defaults' empty value, or none written at all.
func noPasswordError(pool *parse.Pool) error {
	s, _ := pool.Setting(secret.PasswordAttr)
	switch s.Origin {
	case parse.FromPool:
		return fmt.Errorf("%s: pool %q has no password: its %s is empty", s.Pos(), pool.Name, secret.PasswordAttr)
	case parse.FromPoolDefaults:
		return fmt.Errorf("%s: pool %q has no password: it sets no %s, and the one of <applicationPoolDefaults> is empty", s.Pos(), pool.Name, secret.PasswordAttr)
	}
	return fmt.Errorf("pool %q has no password: neither the pool nor <applicationPoolDefaults> sets %s", pool.Name, secret.PasswordAttr)
}

// newRekeyCmd builds "poolctl rekey".
func newRekeyCmd(g *globalOptions) *cobra.Command {
	opts := &editOptions{}
	var newKey string
	cmd := &cobra.Command{
		Use:   "rekey --new-key FILE",
		Short: "Re-encrypt every password under a new key",
		Long: `Rekey decrypts every value that poolctl encrypted with the current key (--key-file,
$POOLCTL_KEY_FILE or the default) and encrypts it under the key in --new-key, in one
atomic write: if one value cannot be decrypted, nothing is written. Clear text and
values of IIS's providers are left as they are, with a note. Then use the new key
file in place of the old one.

` + keyHelp + `

` + editHelp,
		Example: `  poolctl key generate --out /etc/poolctl/key.new
  poolctl rekey --new-key /etc/poolctl/key.new
  mv /etc/poolctl/key.new /etc/poolctl/key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := g.requireKey(); err != nil {
				return err
			}
			next, err := secret.ReadKeyFile(newKey)
			if err != nil {
				return err
			}
			run, err := forRun(g, "rekey")
			if err != nil {
				return err
			}
			_, err = runEdit(cmd, run, opts, func(ed *apply.Editor) error { return ed.Rekey(next) })
			return err
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&newKey, "new-key", "", "the key `FILE` to re-encrypt under (required)")
	mustComplete(cmd.MarkFlagRequired("new-key"))
	mustComplete(cmd.MarkFlagFilename("new-key"))
	return cmd
}
