package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/schema"
)

// newRootCmd builds poolctl's command tree, reading and writing s and looking up
// environment variables with getenv. Each call builds a fresh tree with its own flag
// values.
func newRootCmd(s streams, getenv func(string) string) *cobra.Command {
	opts := &globalOptions{target: schema.DefaultVersion, getenv: getenv}
	root := &cobra.Command{
		Use:   "poolctl",
		Short: "Inspect the application pools of IIS's applicationHost.config",
		Long: fmt.Sprintf(`poolctl reads the application pools of an IIS applicationHost.config (the
system.applicationHost/applicationPools section) as the configuration schema of an
IIS version describes them (--target, default %s).

The configuration file is the one -c names, else the one $%s names,
else ./%s.

Exit codes:
  %d  success: nothing to report
  %d  findings or differences
  %d  could not run: a usage error, an unknown flag, command or target, or a
     configuration file that cannot be read or is malformed`,
			schema.DefaultVersion, configEnv, defaultConfig, exitOK, exitFindings, exitFailure),
		Example: `  poolctl show -c testdata/sample/applicationHost.config
  POOLCTL_CONFIG=/etc/iis/applicationHost.config poolctl show DefaultAppPool
  poolctl schema --target iis8.5
  source <(poolctl completion bash)`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	opts.addFlags(root)
	root.AddCommand(
		newLintCmd(opts, s), newSchemaCmd(opts), newShowCmd(opts), newDiffCmd(opts), // read
		newSetCmd(opts), newAddCmd(opts), newDeleteCmd(opts), newApplyCmd(opts, s), newHistoryCmd(opts), // edit
		newKeyCmd(opts), newEncryptCmd(opts), newDecryptCmd(opts), newRekeyCmd(opts), // secrets
		newConvertCmd(opts), newAppcmdCmd(opts), // IIS 6, appcmd
	)
	root.AddCommand(runtimeCmds(opts, s)...) // where the runtime builds; elsewhere a run that says it needs Linux
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	finishTree(root)
	return root
}

// finishTree gives every command of the tree what poolctl's own commands share,
// cobra's help and completion commands included: errors that carry an exit code, an
// Example section, and a usage error for an unknown subcommand. (Cobra reports one
// below the root only when the parent command runs: left alone, "poolctl completion
// tcsh" would print help and succeed.)
func finishTree(c *cobra.Command) {
	if c.HasParent() && c.HasSubCommands() && !c.Runnable() {
		c.Args = cobra.NoArgs
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	if c.RunE != nil {
		c.RunE = withExitCode(c.RunE)
	}
	if c.Example == "" {
		c.Example = builtinExample(c.CommandPath())
	}
	for _, sub := range c.Commands() {
		finishTree(sub)
	}
}

// builtinExample returns the Example section of a command that cobra adds: help and
// completion.
func builtinExample(path string) string {
	switch path {
	case "poolctl help":
		return "  poolctl help show"
	case "poolctl completion":
		return `  poolctl completion bash > /etc/bash_completion.d/poolctl
  poolctl completion zsh > "${fpath[1]}/_poolctl"`
	case "poolctl completion bash":
		return `  source <(poolctl completion bash)
  poolctl completion bash > /etc/bash_completion.d/poolctl`
	case "poolctl completion zsh":
		return `  poolctl completion zsh > "${fpath[1]}/_poolctl"`
	case "poolctl completion fish":
		return `  poolctl completion fish > ~/.config/fish/completions/poolctl.fish`
	case "poolctl completion powershell":
		return `  poolctl completion powershell | Out-String | Invoke-Expression`
	}
	return ""
}
