package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// ErrChangedOnDisk is wrapped by Commit's error when the file changed on disk between
// read and write.
var ErrChangedOnDisk = errors.New("the file was changed by another program since poolctl read it")

// Options tune Begin.
type Options struct {
	// History is where the previous content goes before each write.
	History History
	// Wait says how long to wait for the lock, and what to say while waiting.
	Wait LockWait
	// Now returns the time for history snapshots; nil means time.Now.
	Now func() time.Time
}

// now returns the time for a snapshot.
func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// Txn is one change of a file, made under its lock: Begin takes the lock, the caller
// reads Path, Commit writes, Close releases the lock.
type Txn struct {
	path   string // the real file
	opt    Options
	unlock func() error
}

// Begin locks the file at path (which must exist) for a change. Writers that name the
// file through different links lock, read, check and replace one file: the real one,
// which Path returns. Under the lock no other poolctl is writing the file, so
// temporary files beside it (and in its default history folder) are those of writers
// that were killed: Begin removes them.
func Begin(ctx context.Context, path string, opt Options) (*Txn, error) {
	// A file that is not there gets no lock file.
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	path = RealPath(path)
	unlock, err := Lock(ctx, path, opt.Wait)
	if err != nil {
		return nil, err
	}
	removeStaleTemps(path)
	if opt.History.keep() > 0 && opt.History.Dir == "" {
		// Only the folder beside the file is the file's alone: one --history-dir may
		// serve files of the same name in other directories, under other locks.
		removeStaleTemps(filepath.Join(opt.History.dir(path), filepath.Base(path)))
	}
	return &Txn{path: path, opt: opt, unlock: unlock}, nil
}

// Path returns the real file the transaction changes, for the caller to read.
func (t *Txn) Path() string { return t.path }

// Close releases the lock.
func (t *Txn) Close() error { return t.unlock() }

// Change is what Commit writes.
type Change struct {
	Old []byte // the content the caller read from Path
	New []byte // the content to write
	// Copy returns the history copy of Old (with its secrets removed); nil keeps Old.
	Copy func() ([]byte, error)
	// Check, when not nil, runs while the files are written under temporary names:
	// its error is Commit's, and nothing is written.
	Check func() error
}

// Commit replaces the file's content c.Old with c.New and keeps a history copy of
// c.Old. Both files are written under temporary names while c.Check runs, and given
// their names only when the check passes and the file still holds c.Old (else the
// error wraps ErrChangedOnDisk): a refused change leaves no file behind.
func (t *Txn) Commit(c Change) (Snapshot, error) {
	done := make(chan prepared, 1)
	go func() { done <- t.prepare(c) }()
	var err error
	if c.Check != nil {
		err = c.Check()
	}
	p := <-done
	if err == nil {
		err = p.err
	}
	if err == nil {
		err = checkUnchanged(t.path, c.Old)
	}
	if err != nil {
		p.abort()
		return Snapshot{}, err
	}
	snap, err := p.history.keep(t.opt.now())
	if err != nil {
		p.file.abort()
		return Snapshot{}, fmt.Errorf("%w; nothing was written", err)
	}
	if err := p.file.commit(); err != nil {
		return Snapshot{}, err
	}
	return snap, nil
}

// prepared holds the files Commit writes under temporary names.
type prepared struct {
	file    *pendingFile
	history *historyCopy
	err     error
}

// prepare writes c.New and the history copy of c.Old under temporary names. On
// error it leaves nothing behind.
func (t *Txn) prepare(c Change) prepared {
	f, err := prepareFile(t.path, c.New)
	if err != nil {
		return prepared{err: err}
	}
	h, err := t.prepareCopy(c)
	if err != nil {
		f.abort()
		return prepared{err: fmt.Errorf("%w; nothing was written", err)}
	}
	return prepared{file: f, history: h}
}

// prepareCopy writes the history copy of c.Old under a temporary name.
func (t *Txn) prepareCopy(c Change) (*historyCopy, error) {
	if !t.opt.History.Enabled() {
		return nil, nil
	}
	data := c.Old
	if c.Copy != nil {
		var err error
		if data, err = c.Copy(); err != nil {
			return nil, fmt.Errorf("save history of %s: %w", t.path, err)
		}
	}
	return t.opt.History.prepare(t.path, data)
}

// abort removes what prepare wrote.
func (p prepared) abort() {
	if p.file != nil {
		p.file.abort()
	}
	p.history.abort()
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
