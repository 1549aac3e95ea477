package saferead

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EscapeError reports a file that resolves, through symlinks or "..", outside the
// directory it was to be opened beneath.
type EscapeError struct {
	Dir, Rel string
}

// Error names the file and the directory it leaves.
func (e *EscapeError) Error() string {
	return fmt.Sprintf("%s resolves outside %s (through a symlink or ..)", e.Rel, e.Dir)
}

// errNoOpenat2 is openBeneath's answer when the kernel cannot resolve beneath a
// directory itself (no openat2, or a sandbox forbids it).
var errNoOpenat2 = errors.New("openat2 unavailable")

// OpenBeneath opens the regular file rel, a path relative to the directory dir, for
// reading, refusing it when its resolution, symlinks included, leaves dir: symlinks
// that stay inside dir are followed. dir itself is opened as given. As Open, it
// refuses FIFOs, devices, directories and sockets without blocking, checking the
// opened descriptor. On Linux the kernel resolves rel (openat2 RESOLVE_BENEATH), so a
// link swapped during the open cannot lead out; elsewhere, or where openat2 is not
// allowed, the path is resolved first and the opened file checked to be the one
// resolved.
func OpenBeneath(dir, rel string) (*os.File, error) {
	rel = filepath.Clean(rel)
	if !filepath.IsLocal(rel) {
		return nil, &EscapeError{Dir: dir, Rel: rel}
	}
	f, err := openBeneath(dir, rel)
	if errors.Is(err, errNoOpenat2) {
		return openResolved(dir, rel)
	}
	if _, ok := errors.AsType[*EscapeError](err); ok {
		// The kernel refuses every absolute symlink; one that names a file inside dir
		// is allowed, and openResolved tells which.
		return openResolved(dir, rel)
	}
	return f, err
}

// ReadFileBeneath reads the regular file rel beneath dir as OpenBeneath opens it,
// refusing it when it holds more than limit bytes.
func ReadFileBeneath(dir, rel string, limit int64) ([]byte, error) {
	f, err := OpenBeneath(dir, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, filepath.Join(dir, rel), limit)
}

// openResolved opens rel beneath dir by resolving the symlinks of both and checking
// that the target is inside dir, then checks that the file opened is the one
// resolved, so that a link swapped in between is noticed.
func openResolved(dir, rel string) (*os.File, error) {
	name := filepath.Join(dir, rel)
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, renamePathError(err, dir)
	}
	target, err := filepath.EvalSymlinks(filepath.Join(root, rel))
	if err != nil {
		return nil, renamePathError(err, name)
	}
	if !within(root, target) {
		return nil, &EscapeError{Dir: dir, Rel: rel}
	}
	f, err := Open(target)
	if err != nil {
		return nil, renamePathError(err, name)
	}
	if err := sameAsResolved(f, target); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// sameAsResolved checks that f, opened by the symlink-free path target, is still the
// file target names with no symlink on the way.
func sameAsResolved(f *os.File, target string) error {
	again, err := filepath.EvalSymlinks(target)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	li, err := os.Lstat(target)
	if err != nil {
		return err
	}
	if again != target || !os.SameFile(fi, li) {
		return errors.New("changed while it was opened")
	}
	return nil
}

// within reports whether path is root or below it; both are clean and absolute.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// renamePathError gives a *PathError the path the caller asked for instead of the
// resolved one, which messages would otherwise show.
func renamePathError(err error, name string) error {
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return &os.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	if nr, ok := errors.AsType[*NotRegularError](err); ok {
		return &NotRegularError{Path: name, Mode: nr.Mode}
	}
	return err
}
