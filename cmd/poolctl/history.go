package main

import (
	"fmt"
	"io"
	"time"

	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/store"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
)

// newHistoryCmd builds "poolctl history": the saved copies of the configuration file's
// previous content.
func newHistoryCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List and restore the copies of the configuration file's previous content",
		Long: `Every poolctl command that writes the configuration file first saves a copy of
the content it replaces, as IIS's configuration history does: in FILE.history
beside the file (or --history-dir), named FILE.ID, where the ID is the UTC time of
the change (20261121T235959.123456789Z). The newest --keep-history copies are kept
(default 10); --keep-history 0 saves none.

A copy never holds a password in clear text: poolctl encrypts it for history with
its key ([enc:PoolctlHistoryProvider:...:enc]) or, without a key, redacts it
([enc:PoolctlRedactedProvider:...:enc]). Copies are mode 0600 in a directory created
with mode 0700. "history restore" decrypts the first back to the clear text it was
(it needs the key that encrypted it); for a redacted one it keeps the value the file
has now at that place, or leaves the attribute out when there is none, and says so.

"history list" lists the copies, newest first; "history restore ID" gives the file
the content of one, and saves the content it replaces as a new copy first, so that
a restore can itself be undone. An ID may be shortened to any prefix that only one
copy's ID starts with.

Writes are atomic (a crash or kill leaves the old content or the new, never a mix)
and locked against poolctl's other writers of the file, through the lock file
.FILE.lock beside it.`,
		Example: `  poolctl history list
  poolctl history list -c /etc/iis/applicationHost.config --format json
  poolctl history restore 20261121T2359`,
	}
	cmd.AddCommand(newHistoryListCmd(g), newHistoryRestoreCmd(g))
	return cmd
}

// newHistoryListCmd builds "poolctl history list".
func newHistoryListCmd(g *globalOptions) *cobra.Command {
	w := &writeOptions{}
	format := newChoice("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the copies of the configuration file's previous content",
		Long: `List prints the saved copies of the configuration file's previous content, newest
first: in text, one line per copy with its ID, its time (UTC, RFC 3339) and its
size in bytes; in JSON, {"snapshots": [{"id", "path", "time", "size"}, ...]}.
The file itself need not exist.`,
		Example: `  poolctl history list
  poolctl history list --history-dir /var/backups/iis
  poolctl history list --format json | jq -r '.snapshots[0].id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := g.configPath()
			snaps, err := w.history().List(path)
			if err != nil {
				return err
			}
			if format.value == "json" {
				return printers.WriteHistoryJSON(cmd.OutOrStdout(), snaps)
			}
			if len(snaps) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "no copies of %s in %s\n", path, historyDir(w, path))
				return nil
			}
			return printers.WriteHistoryText(cmd.OutOrStdout(), snaps)
		},
	}
	format.addFlag(cmd, "format", "output format")
	w.addHistoryDirFlag(cmd)
	return cmd
}

// newHistoryRestoreCmd builds "poolctl history restore".
func newHistoryRestoreCmd(g *globalOptions) *cobra.Command {
	w := &writeOptions{}
	var force bool
	cmd := &cobra.Command{
		Use:   "restore ID",
		Short: "Give the configuration file the content of a saved copy",
		Long: `Restore gives the configuration file the content of the saved copy ID (or an
unambiguous prefix of one), after saving the content it replaces as a new copy:
"poolctl history restore" of that copy undoes the restore. The copy must be
well-formed XML. When the file already has the copy's content, nothing is written.
A restore that brings lint errors the file does not have now is refused (exit 1),
unless --force.
Only the newest --keep-history copies are kept afterwards: a restore of the oldest
copy of a full history removes that copy (its content is the file's now).

Like every write of poolctl's, the restore is atomic, waits for the lock of the
file, and fails, writing nothing, when another program changed the file while
poolctl was reading it.`,
		Example: `  poolctl history restore 20261121T235959.123456789Z
  poolctl history restore 20261121T2359
  poolctl history restore --keep-history 30 20261121T2359`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeSnapshots(g, w),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, how := g.configPath()
			key, err := g.key()
			if err != nil {
				return err
			}
			opt, err := checkedUpdate(w, g, key, force, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			snap, err := opt.History.Find(path, args[0])
			if err != nil {
				return err
			}
			res, err := apply.Restore(cmd.Context(), path, snap.ID, opt)
			if err != nil {
				return editError(fileError(path, how, err))
			}
			printNotes(cmd.ErrOrStderr(), res.Notes)
			return writeRestored(cmd.OutOrStdout(), path, snap, res)
		},
	}
	w.addFlags(cmd)
	cmd.Flags().BoolVar(&force, "force", false, "restore even when lint finds errors the restore brings")
	return cmd
}

// historyDir returns the history directory of path that w names.
func historyDir(w *writeOptions, path string) string {
	if w.historyDir != "" {
		return w.historyDir
	}
	return store.DefaultHistoryDir(path)
}

// writeRestored says what a restore of path from snap did.
func writeRestored(out io.Writer, path string, snap store.Snapshot, res apply.UpdateResult) error {
	var err error
	switch {
	case !res.Changed:
		_, err = fmt.Fprintf(out, "%s already has the content of snapshot %s: nothing was written\n", path, snap.ID)
	case res.Snapshot.ID == "":
		_, err = fmt.Fprintf(out, "restored %s from snapshot %s (%d bytes)\nthe content it replaced was not saved (--keep-history 0)\n", path, snap.ID, snap.Size)
	default:
		_, err = fmt.Fprintf(out, "restored %s from snapshot %s (%d bytes)\nsaved the content it replaced as snapshot %s (%s)\n", path, snap.ID, snap.Size, res.Snapshot.ID, res.Snapshot.Path)
	}
	if err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// completeSnapshots completes the IDs of the configuration file's snapshots, with their
// times and sizes as descriptions.
func completeSnapshots(g *globalOptions, w *writeOptions) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		path, _ := g.configPath()
		snaps, err := w.history().List(path)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ids := make([]cobra.Completion, len(snaps))
		for i, s := range snaps {
			ids[i] = cobra.CompletionWithDesc(s.ID, fmt.Sprintf("%s, %d bytes", s.Time.UTC().Format(time.RFC3339), s.Size))
		}
		return ids, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}
