package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/poolctl/poolctl/store"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/internal/saferead"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/secret"
)

// writeOptions are the flags of the commands that write the configuration file: where
// the copies of its previous content go, and how many to keep.
type writeOptions struct {
	historyDir string
	keep       int
}

// addFlags declares --history-dir and --keep-history on cmd.
func (w *writeOptions) addFlags(cmd *cobra.Command) {
	w.addHistoryDirFlag(cmd)
	w.keep = store.DefaultHistoryKeep
	cmd.Flags().Var((*keepValue)(&w.keep), "keep-history",
		"keep the `N` newest copies of the file's previous content; 0 keeps none")
}

// addHistoryDirFlag declares --history-dir on cmd, for the commands that read the
// history without writing.
func (w *writeOptions) addHistoryDirFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&w.historyDir, "history-dir", "",
		"keep the copies of the file's previous content in `DIR` (default: FILE.history beside the file)")
	mustComplete(cmd.MarkFlagDirname("history-dir"))
}

// updateOptions returns the apply.UpdateOptions the flags ask for: --keep-history 0
// disables history. key, which may be nil, encrypts the secrets of the history copies.
func (w *writeOptions) updateOptions(key *secret.Key) apply.UpdateOptions {
	h := w.history()
	if w.keep == 0 {
		h.Keep = -1
	}
	return apply.UpdateOptions{History: h, HistoryKey: key}
}

// history returns the history the flags name, keeping --keep-history copies.
func (w *writeOptions) history() store.History {
	return store.History{Dir: w.historyDir, Keep: w.keep}
}

// keepValue is the value of --keep-history: a count of copies, 0 or more.
type keepValue int

// String returns the count.
func (k *keepValue) String() string { return strconv.Itoa(int(*k)) }

// Set sets the count from s, a whole number of 0 or more.
func (k *keepValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return errors.New("want a whole number, 0 or more")
	}
	*k = keepValue(n)
	return nil
}

// Type names the value in help output.
func (k *keepValue) Type() string { return "int" }

// fileError returns err, an error about the configuration file path that how says how
// was chosen (as globalOptions.configPath returns), in the form globalOptions.load
// gives its errors: a *parse.Error as is, else a message that names the file and how
// it was chosen.
func fileError(path, how string, err error) error {
	if _, ok := errors.AsType[*parse.Error](err); ok {
		return err
	}
	var reason error
	if pe, ok := errors.AsType[*fs.PathError](err); ok && pe.Path == path {
		reason = pe.Err
	} else if nr, ok := errors.AsType[*saferead.NotRegularError](err); ok && nr.Path == path {
		reason = fmt.Errorf("is %s, not a regular file", saferead.Kind(nr.Mode))
	} else {
		return limitHint(err)
	}
	switch how {
	case "default":
		return fmt.Errorf("config file %s (the default: give -c FILE or set $%s): %w", path, configEnv, reason)
	case "-c":
		return fmt.Errorf("config file %s: %w", path, reason)
	}
	return fmt.Errorf("config file %s (from %s): %w", path, how, reason)
}
