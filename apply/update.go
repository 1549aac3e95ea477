package apply

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/secret"
	"github.com/poolctl/poolctl/store"
	"github.com/poolctl/poolctl/validate"
)

// UpdateOptions tune Update and Restore.
type UpdateOptions struct {
	// History is where the previous content goes before each write.
	History store.History
	// HistoryKey encrypts the clear-text secrets of history copies; nil redacts them
	// (see protect).
	HistoryKey *secret.Key
	// Read tunes the reading of the file.
	Read parse.Options
	// Now returns the time for history snapshots; nil means time.Now.
	Now func() time.Time
	// Lint tunes the check of the new content before it is written (see CheckEdit);
	// its Read is the Read above.
	Lint validate.Options
	// Force writes the new content even when the check finds errors it brings.
	Force bool
	// Main is the configuration file whose configSource the file Update writes is,
	// when it is one: the check then lints Main with the new content
	// (CheckSectionEdit). Empty means that the file is a configuration file itself.
	Main string
	// Wait says how long to wait for the lock, and what to say while waiting.
	Wait store.LockWait
}

// storeOptions returns the options of the store transaction Update makes.
func (o UpdateOptions) storeOptions() store.Options {
	return store.Options{History: o.History, Wait: o.Wait, Now: o.Now}
}

// UpdateResult says what Update did.
type UpdateResult struct {
	Changed  bool           // the file was rewritten
	Snapshot store.Snapshot // the history copy of the previous content, when one was saved
	Notes    []string       // what Restore did with the secrets the copy did not keep
}

// Update changes the configuration file at path under Lock: it reads and parses it
// (a *parse.Error is returned as is, so that callers can print file:line:col), calls
// change with the document and serializes it with doc.Bytes. When the bytes equal what
// was read, nothing is written. Otherwise it commits the new bytes through a
// store.Txn: unless Force, it lints them and returns a *CheckError, writing nothing,
// when they bring lint errors (CheckEdit); the file on disk must still hold the bytes
// it read (else the error wraps store.ErrChangedOnDisk); the previous bytes, their
// secrets protected, go to History (unless history is disabled) and the new bytes
// replace the file atomically. An error from
// change is returned as is, with nothing written.
func Update(ctx context.Context, path string, opt UpdateOptions, change func(doc *parse.Document) error) (UpdateResult, error) {
	return update(ctx, path, opt, true, func(doc *parse.Document) ([]byte, error) {
		if err := change(doc); err != nil {
			return nil, err
		}
		data, err := doc.Bytes()
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		return data, nil
	})
}

// Restore makes path's content that of the snapshot id (an ID or an unambiguous
// prefix of one) through Update, so that the content it replaces is saved to history
// first. The snapshot must parse as XML: a *parse.Error says where it does not; like
// every write of Update's, the restore is refused with a *CheckError when it brings
// lint errors, unless Force. When
// the snapshot is the oldest of a full history, saving the replaced content prunes it.
// The copy's secrets are turned back as History.reveal says; its notes are the
// result's.
func Restore(ctx context.Context, path, id string, opt UpdateOptions) (UpdateResult, error) {
	// The snapshot is looked up and read under the lock, so that no writer prunes it
	// in between.
	var notes []string
	res, err := update(ctx, path, opt, false, func(cur *parse.Document) ([]byte, error) {
		snap, err := opt.History.Find(path, id)
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(snap.Path)
		if err != nil {
			return nil, fmt.Errorf("restore %s: %w", path, err)
		}
		if _, err := parse.ReadBytes(snap.Path, data, opt.Read); err != nil {
			return nil, err
		}
		data, notes, err = reveal(opt.HistoryKey, data, snap, cur)
		return data, err
	})
	res.Notes = notes
	return res, err
}

// update is Update with a change that returns the new content of the file: the bytes
// of the document it changed when fromTree (Update), other bytes otherwise (Restore).
func update(ctx context.Context, path string, opt UpdateOptions, fromTree bool, change func(doc *parse.Document) ([]byte, error)) (res UpdateResult, err error) {
	tx, err := store.Begin(ctx, path, opt.storeOptions())
	if err != nil {
		return res, err
	}
	defer func() {
		if uerr := tx.Close(); uerr != nil && err == nil {
			err = uerr
		}
	}()
	path = tx.Path()
	doc, err := parse.ReadFile(path, opt.Read)
	if err != nil {
		return res, err // a *parse.Error or an error that names path
	}
	old := doc.Source()
	protect := holdsClearSecret(doc) // before change, which may change the tree
	data, err := change(doc)
	if err != nil || bytes.Equal(data, old) {
		return res, err
	}
	var tree *parse.Document // the changed document whose bytes data are, if it is
	if fromTree {
		tree = doc
	}
	snap, err := tx.Commit(store.Change{
		Old: old,
		New: data,
		Copy: func() ([]byte, error) {
			if !protect {
				return old, nil
			}
			out, _, err := protectCopy(opt.HistoryKey, path, old)
			return out, err
		},
		Check: func() error {
			if opt.Force {
				return nil
			}
			return check(path, tree, old, data, opt)
		},
	})
	if err != nil {
		return res, err
	}
	return UpdateResult{Changed: true, Snapshot: snap}, nil
}

// check runs the check of an edit of path from old to data that opt asks for; doc,
// when not nil, is the changed document whose bytes data are (see checkTree).
func check(path string, doc *parse.Document, old, data []byte, opt UpdateOptions) error {
	lo := opt.Lint
	lo.Read = opt.Read
	switch {
	case opt.Main != "":
		return CheckSectionEdit(opt.Main, path, old, data, lo)
	case doc != nil:
		return checkTree(doc, old, data, lo)
	}
	return CheckEdit(path, old, data, lo)
}
