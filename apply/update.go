package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/validate"
)

// UpdateOptions tune Update and Restore.
type UpdateOptions struct {
	// History is where the previous content goes before each write.
	History History
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
	Wait LockWait
}

// now returns the time for a snapshot.
func (o UpdateOptions) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// UpdateResult says what Update did.
type UpdateResult struct {
	Changed  bool     // the file was rewritten
	Snapshot Snapshot // the history copy of the previous content, when one was saved
	Notes    []string // what Restore did with the secrets the copy did not keep
}

// ErrChangedOnDisk is wrapped by Update's error when the file changed on disk between
// read and write.
var ErrChangedOnDisk = errors.New("the file was changed by another program since poolctl read it")

// Update changes the configuration file at path under Lock: it reads and parses it
// (a *parse.Error is returned as is, so that callers can print file:line:col), calls
// change with the document and serializes it with doc.Bytes. When the bytes equal what
// was read, nothing is written. Otherwise, unless Force, it lints the new bytes and
// returns a *CheckError, writing nothing, when they bring lint errors (CheckEdit); it
// checks that the file on disk still holds the bytes it read (else its error wraps
// ErrChangedOnDisk), saves the previous bytes as History.Save does (unless history is
// disabled) and writes the new bytes as WriteFile does; both are written under
// temporary names while the check runs, and named only when it passes. An error from
// change is returned as is, with nothing written.
func Update(ctx context.Context, path string, opt UpdateOptions, change func(doc *parse.Document) error) (UpdateResult, error) {
	return update(ctx, path, opt, func(doc *parse.Document) ([]byte, error) {
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
	res, err := update(ctx, path, opt, func(cur *parse.Document) ([]byte, error) {
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
		data, notes, err = opt.History.reveal(data, snap, cur)
		return data, err
	})
	res.Notes = notes
	return res, err
}

// update is Update with a change that returns the new content of the file.
func update(ctx context.Context, path string, opt UpdateOptions, change func(doc *parse.Document) ([]byte, error)) (res UpdateResult, err error) {
	// A file that is not there gets no lock file.
	if _, err := os.Stat(path); err != nil {
		return res, err
	}
	// Writers that name the file through different links must lock, read, check and
	// replace one file: the real one, resolved once here.
	path = realPath(path)
	unlock, err := Lock(ctx, path, opt.Wait)
	if err != nil {
		return res, err
	}
	defer func() {
		if uerr := unlock(); uerr != nil && err == nil {
			err = uerr
		}
	}()
	// Under the lock no other poolctl is writing path: temporary files beside it are
	// left by writers that were killed.
	removeStaleTemps(path)
	if opt.History.keep() > 0 && opt.History.Dir == "" {
		// Only the folder beside the file is the file's alone: one --history-dir may
		// serve files of the same name in other directories, under other locks.
		removeStaleTemps(filepath.Join(opt.History.dir(path), filepath.Base(path)))
	}
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
	return commit(path, old, data, protect, opt)
}

// commit checks data, the new content of path (which had old), and writes it with a
// history copy of old. Both files are written under temporary names while the check
// runs, and given their names only when the check passes and path still holds old: a
// refused edit leaves no file behind. protect says whether old holds a clear-text
// secret that the history copy must not keep.
func commit(path string, old, data []byte, protect bool, opt UpdateOptions) (UpdateResult, error) {
	done := make(chan prepared, 1)
	go func() { done <- prepare(path, old, data, protect, opt) }()
	var err error
	if !opt.Force {
		err = check(path, old, data, opt)
	}
	p := <-done
	if err == nil {
		err = p.err
	}
	if err == nil {
		err = checkUnchanged(path, old)
	}
	if err != nil {
		p.abort()
		return UpdateResult{}, err
	}
	snap, err := p.history.keep(opt.now())
	if err != nil {
		p.file.abort()
		return UpdateResult{}, fmt.Errorf("%w; nothing was written", err)
	}
	if err := p.file.commit(); err != nil {
		return UpdateResult{}, err
	}
	return UpdateResult{Changed: true, Snapshot: snap}, nil
}

// prepared holds the files commit writes under temporary names.
type prepared struct {
	file    *pendingFile
	history *historyCopy
	err     error
}

// prepare writes data, the new content of path, and the history copy of old under
// temporary names. On error it leaves nothing behind.
func prepare(path string, old, data []byte, protect bool, opt UpdateOptions) prepared {
	f, err := prepareFile(path, data)
	if err != nil {
		return prepared{err: err}
	}
	h, err := opt.History.prepare(path, old, protect)
	if err != nil {
		f.abort()
		return prepared{err: fmt.Errorf("%w; nothing was written", err)}
	}
	return prepared{file: f, history: h}
}

// abort removes what prepare wrote.
func (p prepared) abort() {
	if p.file != nil {
		p.file.abort()
	}
	p.history.abort()
}

// check runs the check of an edit of path from old to data that opt asks for.
func check(path string, old, data []byte, opt UpdateOptions) error {
	lo := opt.Lint
	lo.Read = opt.Read
	if opt.Main != "" {
		return CheckSectionEdit(opt.Main, path, old, data, lo)
	}
	return CheckEdit(path, old, data, lo)
}

// checkUnchanged returns an error wrapping ErrChangedOnDisk when the file at path no
// longer holds old.
func checkUnchanged(path string, old []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("write %s: %w; nothing was written", path, err)
	}
	defer f.Close()
	same, err := sameContent(f, old)
	if err != nil {
		return fmt.Errorf("write %s: %w; nothing was written", path, err)
	}
	if !same {
		return fmt.Errorf("write %s: %w; nothing was written", path, ErrChangedOnDisk)
	}
	return nil
}

// sameContent reports whether r holds exactly want, reading it in blocks.
func sameContent(r io.Reader, want []byte) (bool, error) {
	buf := make([]byte, 256<<10)
	for {
		n, err := io.ReadFull(r, buf)
		if n > len(want) || !bytes.Equal(buf[:n], want[:n]) {
			return false, nil
		}
		want = want[n:]
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return len(want) == 0, nil
		case err != nil:
			return false, err
		}
	}
}
