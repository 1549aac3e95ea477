//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/runtime/admin"
)

// adminHelp is the part of the long help of the commands that talk to poolctl run.
const adminHelp = `The command asks a running poolctl run through its admin socket: the one --admin
names, else /run/poolctl/admin.sock for root, else $XDG_RUNTIME_DIR/poolctl.sock
(/tmp/poolctl-UID/poolctl.sock when XDG_RUNTIME_DIR is unset). The socket has mode
0600: only the user the runtime runs as (and root) can use it. When no poolctl run
listens there, the command says so and exits 2.`

// newPoolsCmd builds "poolctl pools": the pools of a running poolctl run.
func newPoolsCmd(g *globalOptions) *cobra.Command {
	a := &adminOptions{}
	format := newChoice("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "pools",
		Short: "List the pools of a running poolctl run, with their state",
		Long: `Pools lists the application pools that a running poolctl run manages, in the
runtime's order: for each its state (Starting, Started, Stopping, Stopped), its
workers (running/maximum), its queue (waiting requests/queueLength), the requests
it has served and the identity its workers run as. Below a pool's line come why it
is stopped (rapid-fail protection, administrator, identity), its recent failures
(those in the rapid-fail window), notes on settings the runtime cannot apply
here, such as a cpu.limit without cgroups, and the applications that have nothing
to run (no usable system.webServer/aspNetCore program: their requests get 503 and
start no worker), with why.

--format json prints {"pools": [...]}, each pool as the admin API gives it.

` + adminHelp,
		Example: `  poolctl pools
  poolctl pools --admin /run/poolctl/admin.sock
  poolctl pools --format json | jq -r '.pools[] | select(.state == "Stopped") | .name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pools, err := a.client(g).Pools(cmd.Context())
			if err != nil {
				return err
			}
			if format.value == "json" {
				return writeJSONDoc(cmd.OutOrStdout(), struct {
					Pools []admin.PoolStatus `json:"pools"`
				}{nonNil(pools)})
			}
			if len(pools) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "no pools in the poolctl run at %s\n", a.socket(g))
				return nil
			}
			return writePoolsText(cmd.OutOrStdout(), pools)
		},
	}
	format.addFlag(cmd, "format", "output format")
	a.addFlag(cmd)
	return cmd
}

// newWorkersCmd builds "poolctl workers": the workers of a running poolctl run.
func newWorkersCmd(g *globalOptions) *cobra.Command {
	a := &adminOptions{}
	format := newChoice("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "workers [POOL...]",
		Short: "List the worker processes of a running poolctl run",
		Long: `Workers lists the worker processes of a running poolctl run, of the named pools
or of every pool when none is named (pool names compare case-insensitively, as in
IIS): the pool, the process id of the worker's process group, its state (Starting,
Ready, Suspended, Stopping, Orphaned), how long it has run, the requests it has
served and has in flight, the user id it runs as, and for each application the
path, the process id of its program and the loopback address the program listens
on.

--format json prints {"workers": [...]}, each worker as the admin API gives it,
with its start time in RFC 3339.

` + adminHelp,
		Example: `  poolctl workers
  poolctl workers DefaultAppPool Shop
  poolctl workers --format json | jq '.workers[].pid'`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completeRuntimePools(g, a, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			workers, err := selectWorkers(cmd.Context(), a.client(g), args)
			if err != nil {
				return err
			}
			if format.value == "json" {
				return writeWorkersJSON(cmd.OutOrStdout(), workers)
			}
			if len(workers) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "no workers in the poolctl run at %s\n", a.socket(g))
				return nil
			}
			return writeWorkersText(cmd.OutOrStdout(), workers, time.Now())
		},
	}
	format.addFlag(cmd, "format", "output format")
	a.addFlag(cmd)
	return cmd
}

// poolAction is one of the subcommands of "poolctl pool".
type poolAction struct {
	name, done, short, long, example string
}

// poolActions returns the actions: start, stop and recycle.
func poolActions() []poolAction {
	return []poolAction{
		{
			name: "start", done: "started", short: "Start a pool of a running poolctl run",
			long: `Start starts the pool NAME: a pool stopped by rapid-fail protection, by an
administrator or because its identity could not be taken, or one that autoStart="false"
left stopped. A pool already started stays as it is, and is no error: the command
says it was already started and exits 0.`,
			example: `  poolctl pool start Shop
  poolctl pool start DefaultAppPool --admin /run/poolctl/admin.sock`,
		},
		{
			name: "stop", done: "stopped", short: "Stop a pool of a running poolctl run",
			long: `Stop stops the pool NAME: its workers stop taking requests, finish those in flight
and end (SIGTERM, then SIGKILL after processModel.shutdownTimeLimit), and the
pool's new requests get 503 Service Unavailable until "poolctl pool start NAME".
A pool already stopped stays as it is, and is no error: the command says it was
already stopped and exits 0.`,
			example: `  poolctl pool stop Shop
  poolctl pool stop Shop && poolctl workers Shop`,
		},
		{
			name: "recycle", done: "recycled", short: "Recycle the workers of a pool of a running poolctl run",
			long: `Recycle replaces the workers of the pool NAME, as an administrator's recycle does in
IIS: unless disallowOverlappingRotation="true", each new worker is started and made
ready first, then the old one is drained and stopped, so that no request fails.`,
			example: `  poolctl pool recycle Shop
  poolctl pool recycle DefaultAppPool --admin "$XDG_RUNTIME_DIR/poolctl.sock"`,
		},
	}
}

// newPoolCmd builds "poolctl pool": start, stop and recycle a pool of a running
// poolctl run.
func newPoolCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pool",
		Short: "Start, stop or recycle a pool of a running poolctl run",
		Long: `Pool starts, stops or recycles a pool of a running poolctl run, as IIS Manager or
appcmd do with WAS, and prints what it did, or that the pool was already started
(stopped). It exits 0 when the pool is in the state asked for, and 2 when it could
not be: no runtime, no such pool, or an action the runtime refused.

` + adminHelp,
		Example: `  poolctl pool start Shop
  poolctl pool recycle DefaultAppPool --admin /run/poolctl/admin.sock`,
	}
	for _, act := range poolActions() {
		cmd.AddCommand(newPoolActionCmd(g, act))
	}
	return cmd
}

// newPoolActionCmd builds "poolctl pool ACTION".
func newPoolActionCmd(g *globalOptions, act poolAction) *cobra.Command {
	a := &adminOptions{}
	cmd := &cobra.Command{
		Use:               act.name + " NAME",
		Short:             act.short,
		Long:              act.long + "\n\n" + adminHelp,
		Example:           act.example,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeRuntimePools(g, a, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := a.client(g)
			res, err := c.Act(cmd.Context(), args[0], act.name)
			if err != nil {
				return withPoolList(cmd.Context(), c, err)
			}
			if res.Already != "" {
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "pool %q was already %s\n", args[0], res.Already)
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "pool %q %s\n", args[0], act.done)
			return err
		},
	}
	a.addFlag(cmd)
	return cmd
}

// withPoolList adds the runtime's pools to an error that says a pool does not exist.
func withPoolList(ctx context.Context, c *admin.Client, err error) error {
	if !errors.Is(err, admin.ErrNoPool) {
		return err
	}
	pools, perr := c.Pools(ctx)
	if perr != nil {
		return err
	}
	return fmt.Errorf("%w (pools: %s)", err, statusNames(pools))
}

// statusNames lists the names of pools for a message, or says there are none.
func statusNames(pools []admin.PoolStatus) string {
	if len(pools) == 0 {
		return "none"
	}
	names := make([]string, len(pools))
	for i, p := range pools {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// selectWorkers returns the workers of the pools named, or every worker when names
// is empty. A name that matches no pool of the runtime is an error that lists the
// pools there are.
func selectWorkers(ctx context.Context, c *admin.Client, names []string) ([]admin.WorkerStatus, error) {
	workers, err := c.Workers(ctx)
	if err != nil || len(names) == 0 {
		return workers, err
	}
	pools, err := c.Pools(ctx)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if !hasPool(pools, name) {
			return nil, fmt.Errorf("%w %q in the poolctl run (pools: %s)", admin.ErrNoPool, name, statusNames(pools))
		}
	}
	var selected []admin.WorkerStatus
	for _, w := range workers {
		if containsFold(names, w.Pool) {
			selected = append(selected, w)
		}
	}
	return selected, nil
}

// hasPool reports whether pools has one named name, compared case-insensitively.
func hasPool(pools []admin.PoolStatus, name string) bool {
	for _, p := range pools {
		if strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}

// completeRuntimePools completes the names of the running pools, leaving out those
// already given; most is how many names the command takes (-1: any number).
func completeRuntimePools(g *globalOptions, a *adminOptions, most int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if most >= 0 && len(args) >= most {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		pools, err := a.client(g).Pools(ctx)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []cobra.Completion
		for _, p := range pools {
			if !containsFold(args, p.Name) {
				names = append(names, p.Name)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// writePoolsText writes the pools table: one line per pool, and below it why the
// pool is stopped, its recent failures and its notes.
func writePoolsText(w io.Writer, pools []admin.PoolStatus) error {
	rows := make([][]string, len(pools))
	extra := make([][]string, len(pools))
	for i, p := range pools {
		rows[i] = []string{
			printers.Cell(p.Name), printers.OrDash(p.State), ofMax(strconv.Itoa(p.Workers), p.MaxWorkers),
			ofMax(strconv.Itoa(p.Queued), p.QueueLength), strconv.FormatInt(p.Requests, 10), printers.OrDash(printers.Cell(p.Identity)),
		}
		extra[i] = poolExtra(p)
	}
	return writeTable(w, []string{"NAME", "STATE", "WORKERS", "QUEUE", "REQUESTS", "IDENTITY"}, rows, extra)
}

// poolExtra returns the lines below a pool's line: why it is stopped, its recent
// failures, its notes and its applications that have nothing to run.
func poolExtra(p admin.PoolStatus) []string {
	var lines []string
	if p.Reason != "" {
		lines = append(lines, strings.ToLower(printers.OrDash(p.State))+": "+printers.Cell(p.Reason))
	}
	if p.Failures > 0 {
		lines = append(lines, fmt.Sprintf("recent failures: %d (in the rapid-fail window)", p.Failures))
	}
	for _, n := range p.Notes {
		lines = append(lines, "note: "+printers.Cell(n))
	}
	for _, a := range p.NothingToRun {
		lines = append(lines, fmt.Sprintf("nothing to run: %s (site %s): %s; its requests get 503",
			printers.Cell(a.Path), printers.Cell(a.Site), printers.Cell(a.Why)))
	}
	return lines
}

// ofMax returns "n/limit", or n alone when limit is 0 (not known).
func ofMax(n string, limit int) string {
	if limit == 0 {
		return n
	}
	return n + "/" + strconv.Itoa(limit)
}

// writeWorkersText writes the workers table, with each worker's uptime at now.
func writeWorkersText(w io.Writer, workers []admin.WorkerStatus, now time.Time) error {
	rows := make([][]string, len(workers))
	for i, wk := range workers {
		rows[i] = []string{
			printers.Cell(wk.Pool), strconv.Itoa(wk.PID), printers.OrDash(wk.State), uptime(wk.Started, now),
			strconv.FormatInt(wk.Requests, 10), strconv.Itoa(wk.InFlight), strconv.FormatUint(uint64(wk.UID), 10), appsText(wk.Apps),
		}
	}
	return writeTable(w, []string{"POOL", "PID", "STATE", "UPTIME", "REQUESTS", "INFLIGHT", "UID", "APPS"}, rows, nil)
}

// appsText lists a worker's applications as "/ (pid 4243, 127.0.0.1:40001), /api
// (pid 4244, 127.0.0.1:40002)", or "-" for none.
func appsText(apps []admin.AppProc) string {
	if len(apps) == 0 {
		return "-"
	}
	parts := make([]string, len(apps))
	for i, a := range apps {
		parts[i] = fmt.Sprintf("%s (pid %d, %s)", printers.Cell(a.Path), a.PID, printers.OrDash(a.Addr))
	}
	return strings.Join(parts, ", ")
}

// uptime returns how long ago started was at now, to the second below an hour and to
// the minute below a day: "45s", "12m05s", "2h03m", "3d04h"; "-" when started is
// not known.
func uptime(started, now time.Time) string {
	if started.IsZero() {
		return "-"
	}
	d := max(now.Sub(started), 0).Truncate(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
}

// writeTable writes a header and rows in aligned columns, each row followed by its
// lines of extra (if any), indented by two spaces; those lines take no part in the
// columns, so that the rows line up across them.
func writeTable(w io.Writer, header []string, rows, extra [][]string) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	var out strings.Builder
	out.WriteString(lines[0])
	for i := range rows {
		out.WriteString(lines[i+1])
		if i < len(extra) {
			for _, x := range extra[i] {
				out.WriteString("  " + x + "\n")
			}
		}
	}
	if _, err := io.WriteString(w, out.String()); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// writeWorkersJSON writes {"workers": [...]}; lists are never null.
func writeWorkersJSON(w io.Writer, workers []admin.WorkerStatus) error {
	workers = nonNil(workers)
	for i := range workers {
		workers[i].Apps = nonNil(workers[i].Apps)
	}
	return writeJSONDoc(w, struct {
		Workers []admin.WorkerStatus `json:"workers"`
	}{workers})
}

// writeJSONDoc writes v as indented JSON with a final newline.
func writeJSONDoc(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// nonNil returns s, or an empty slice for nil, which JSON writes as [] and not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
