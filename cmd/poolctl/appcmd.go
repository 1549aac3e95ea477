package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/cmd/poolctl/appcmd"
)

// newAppcmdCmd builds "poolctl appcmd": appcmd.exe command lines for application
// pools, applied to the configuration file or to a running poolctl run.
func newAppcmdCmd(g *globalOptions) *cobra.Command {
	a := &adminOptions{}
	opts := &editOptions{}
	cmd := &cobra.Command{
		Use:   "appcmd [-c FILE] [--admin PATH] VERB OBJECT [ID] [/param:value...]",
		Short: "Apply an appcmd.exe command line for application pools",
		Long: `Appcmd takes the command line of appcmd.exe's application-pool verbs, as IIS
runbooks write them, and prints what appcmd prints:

  list apppool [NAME] [/ATTR:VALUE...] [/text:*|/text:ATTR|/xml]
  add apppool /name:NAME [/ATTR:VALUE...]
  set apppool NAME|/apppool.name:NAME /ATTR:VALUE /+COLL.[key='v'] /-COLL.[key='v']
  delete apppool NAME
  set config -section:system.applicationHost/applicationPools
      /applicationPoolDefaults.ATTR:VALUE /[name='P'].ATTR:VALUE
      /+[name='P'].COLL.[key='v'] /+[name='P'] /-[name='P'] [/commit:apphost]
  start|stop|recycle apppool [/apppool.name:]NAME       (a running poolctl run)
  list wp [/apppool.name:NAME]                           (a running poolctl run)
  list requests [/apppool.name:NAME] [/wp.name:PID] [/site.name:NAME] [/elapsed:MS]
                                                         (a running poolctl run)

poolctl's flags come before the verb. Edits are poolctl's edits (see poolctl set):
checked as lint checks them and refused (exit 1) unless --force; appcmd's line goes
to stdout, poolctl's list of changes to stderr. The state that list apppool prints
is the running poolctl run's when --admin is given, else the file's: Started, or
Stopped for a pool with autoStart="false". list requests prints the requests a
worker serves (those still waiting in a pool's queue are poolctl requests's), with
stage:ExecuteRequestHandler and module:AspNetCoreModuleV2, as IIS shows a request
forwarded to an out-of-process ASP.NET Core application.
Passwords are never printed: /text:* shows "(set, hidden)".`,
		Example: `  poolctl appcmd -c applicationHost.config list apppool /processModel.identityType:NetworkService
  poolctl appcmd add apppool /name:Shop /managedRuntimeVersion:
  poolctl appcmd set apppool Shop /+recycling.periodicRestart.schedule.[value='03:00:00']
  poolctl appcmd --admin /run/poolctl/admin.sock recycle apppool /apppool.name:Shop`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			line, err := appcmd.Parse(args)
			if err != nil {
				return err
			}
			return runAppcmd(cmd, g, a, opts, line)
		},
	}
	cmd.Flags().SetInterspersed(false)
	a.addFlag(cmd)
	opts.addFlags(cmd)
	return cmd
}

// runAppcmd runs one appcmd line.
func runAppcmd(cmd *cobra.Command, g *globalOptions, a *adminOptions, o *editOptions, l appcmd.Line) error {
	switch {
	case l.Verb == "list" && l.Object == "apppool":
		return appcmdList(cmd, g, a, l)
	case l.Verb == "list" && l.Object == "wp":
		return appcmdWorkers(cmd, g, a, l)
	case l.Verb == "list" && l.Object == "requests":
		return appcmdRequests(cmd, g, a, l)
	case l.Verb == "start" || l.Verb == "stop" || l.Verb == "recycle":
		return appcmdAction(cmd, g, a, l)
	case l.Object == "config":
		return appcmdSetConfig(cmd, g, o, l)
	}
	return appcmdEdit(cmd, g, o, l)
}

// printLine prints one line to the command's stdout.
func printLine(cmd *cobra.Command, s string) error {
	_, err := fmt.Fprintln(cmd.OutOrStdout(), s)
	return err
}
