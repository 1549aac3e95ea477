package store

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultHistoryKeep is how many snapshots a History keeps when its Keep is 0.
const DefaultHistoryKeep = 10

// idLayout is the time layout of a snapshot ID: fixed width, so that IDs sort as
// their times do.
const idLayout = "20060102T150405.000000000Z"

// The modes of history copies and of the history directory poolctl creates: only
// their owner may read them.
const (
	historyPerm    fs.FileMode = 0o600
	historyDirPerm fs.FileMode = 0o700
)

// History keeps copies of a configuration file's previous contents, like IIS's
// configuration history. It writes what it is given: the caller removes secrets
// first (apply encrypts or redacts clear-text passwords). On Unix, copies are files
// of mode 0600 in a directory created with mode 0700, whatever the umask; on Windows
// they inherit the ACL of the configuration's folder.
type History struct {
	Dir  string // where copies go; "" means DefaultHistoryDir(path)
	Keep int    // how many copies to keep, newest first; 0 means DefaultHistoryKeep; negative disables history
}

// DefaultHistoryDir returns the history directory of path: path + ".history", beside
// the file.
func DefaultHistoryDir(path string) string { return path + ".history" }

// Snapshot is one saved copy of a file's content.
type Snapshot struct {
	ID   string    // sortable, unique: UTC time "20261121T235959.123456789Z", with "-2", "-3" appended on a collision
	Path string    // the copy's file
	Time time.Time // the time in the ID, in UTC
	Size int64     // the copy's size in bytes
}

// dir returns the directory of path's snapshots.
func (h History) dir(path string) string {
	if h.Dir != "" {
		return h.Dir
	}
	// One file has one history, whatever link it is named through.
	return DefaultHistoryDir(RealPath(path))
}

// Folder returns the folder of path's snapshots.
func (h History) Folder(path string) string { return h.dir(path) }

// Enabled reports whether h keeps copies (Keep is not negative).
func (h History) Enabled() bool { return h.keep() > 0 }

// keep returns how many snapshots to keep; it is 0 or less when history is disabled.
func (h History) keep() int {
	if h.Keep == 0 {
		return DefaultHistoryKeep
	}
	return h.Keep
}

// Save writes data, the content path had before a change, as a new snapshot of path,
// atomically and with mode 0600, then removes the oldest snapshots beyond Keep.
// Snapshot files are named base + "." + ID. When history is disabled (Keep < 0), Save
// writes nothing and returns the zero Snapshot.
func (h History) Save(path string, data []byte, now time.Time) (Snapshot, error) {
	c, err := h.prepare(path, data)
	if err != nil {
		return Snapshot{}, err
	}
	return c.keep(now)
}

// historyCopy is the first half of save: the copy written, under a temporary name, in
// the history directory. keep makes it a snapshot; abort removes it. A nil copy (history
// is disabled) keeps nothing.
type historyCopy struct {
	h    History
	path string // the file it is a copy of
	dir  string // the history directory
	made bool   // dir was created for the copy
	tmp  string // the temporary file
	size int64
}

// prepare writes data to a temporary file in the history directory of path, which it
// creates when missing. On error nothing is left behind.
func (h History) prepare(path string, data []byte) (c *historyCopy, err error) {
	if h.keep() <= 0 {
		return nil, nil
	}
	path = RealPath(path)
	c = &historyCopy{h: h, path: path, dir: h.dir(path)}
	defer func() {
		if err != nil {
			c.abort()
			err = fmt.Errorf("save history of %s: %w", path, err)
		}
	}()
	_, serr := os.Stat(c.dir)
	if err := os.MkdirAll(c.dir, historyDirPerm); err != nil {
		return nil, err
	}
	c.made = errors.Is(serr, fs.ErrNotExist)
	if !c.made && h.Dir == "" {
		if err := tightenDir(c.dir); err != nil {
			return nil, err
		}
	}
	if c.tmp, err = writeTemp(filepath.Join(c.dir, filepath.Base(path)), data, nil, historyPerm); err != nil {
		return nil, err
	}
	c.size = int64(len(data))
	return c, nil
}

// keep links the copy to its snapshot name for now, which fails rather than replace a
// snapshot of the same time: the next free "-N" suffix is tried instead. It then
// removes the oldest snapshots beyond Keep.
func (c *historyCopy) keep(now time.Time) (Snapshot, error) {
	if c == nil {
		return Snapshot{}, nil
	}
	defer os.Remove(c.tmp)
	snap, err := c.link(now)
	if err != nil {
		return Snapshot{}, fmt.Errorf("save history of %s: %w", c.path, err)
	}
	if err := c.h.prune(c.path); err != nil {
		return snap, fmt.Errorf("prune history of %s: %w", c.path, err)
	}
	return snap, nil
}

// link gives the copy its snapshot name for now.
func (c *historyCopy) link(now time.Time) (Snapshot, error) {
	base := filepath.Base(c.path)
	stamp := now.UTC().Format(idLayout)
	for n := 1; ; n++ {
		id := stamp
		if n > 1 {
			id += "-" + strconv.Itoa(n)
		}
		name := filepath.Join(c.dir, base+"."+id)
		err := os.Link(c.tmp, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return Snapshot{}, err
		}
		snap := Snapshot{ID: id, Path: name, Time: now.UTC(), Size: c.size}
		return snap, syncDir(c.dir)
	}
}

// abort removes the copy, and the history directory when prepare created it.
func (c *historyCopy) abort() {
	if c == nil {
		return
	}
	if c.tmp != "" {
		os.Remove(c.tmp)
	}
	if c.made {
		os.Remove(c.dir) // only if empty: another writer may have saved a snapshot since
	}
}

// prune removes the oldest snapshots of path beyond Keep.
func (h History) prune(path string) error {
	snaps, err := h.List(path)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range snaps[min(h.keep(), len(snaps)):] {
		if err := os.Remove(s.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// List returns the snapshots of path, newest first. A missing history directory
// holds none.
func (h History) List(path string) ([]Snapshot, error) {
	dir := h.dir(path)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list history of %s: %w", path, err)
	}
	prefix := filepath.Base(RealPath(path)) + "."
	var snaps []Snapshot
	for _, e := range entries {
		id, ok := strings.CutPrefix(e.Name(), prefix)
		t, valid := parseID(id)
		if !ok || !valid || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed since ReadDir
		}
		snaps = append(snaps, Snapshot{ID: id, Path: filepath.Join(dir, e.Name()), Time: t, Size: fi.Size()})
	}
	slices.SortFunc(snaps, newestFirst)
	return snaps, nil
}

// newestFirst orders snapshots newest first. Of snapshots of the same time, the one
// with the higher "-N" suffix is the newer: it has the longer ID or, at equal lengths,
// the greater one.
func newestFirst(a, b Snapshot) int {
	return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(len(b.ID), len(a.ID)), strings.Compare(b.ID, a.ID))
}

// parseID returns the time of a snapshot ID, and whether id is one: a time in
// idLayout, followed or not by "-N" with N from 2 up, without leading zeros.
func parseID(id string) (time.Time, bool) {
	if len(id) < len(idLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(idLayout, id[:len(idLayout)])
	if err != nil {
		return time.Time{}, false
	}
	if rest := id[len(idLayout):]; rest != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(rest, "-"))
		if err != nil || n < 2 || rest != "-"+strconv.Itoa(n) {
			return time.Time{}, false
		}
	}
	return t, true
}

// Find returns the snapshot of path whose ID is id or starts with id, when that prefix
// is unambiguous. Otherwise its error names the snapshots there are.
func (h History) Find(path, id string) (Snapshot, error) {
	snaps, err := h.List(path)
	if err != nil {
		return Snapshot{}, err
	}
	var matches []Snapshot
	for _, s := range snaps {
		if s.ID == id {
			return s, nil
		}
		if id != "" && strings.HasPrefix(s.ID, id) {
			matches = append(matches, s)
		}
	}
	switch {
	case len(matches) == 1:
		return matches[0], nil
	case len(matches) > 1:
		return Snapshot{}, fmt.Errorf("snapshot %q of %s is ambiguous: it matches %s", id, path, snapshotIDs(matches))
	case len(snaps) == 0:
		return Snapshot{}, fmt.Errorf("no snapshot %q of %s: %s holds none", id, path, h.dir(path))
	}
	return Snapshot{}, fmt.Errorf("no snapshot %q of %s in %s (snapshots: %s)", id, path, h.dir(path), snapshotIDs(snaps))
}

// snapshotIDs lists the IDs of snaps for a message.
func snapshotIDs(snaps []Snapshot) string {
	ids := make([]string, len(snaps))
	for i, s := range snaps {
		ids[i] = s.ID
	}
	return strings.Join(ids, ", ")
}

// Rewrite replaces the content of the snapshot s with data, atomically, as a file of
// mode 0600 (apply uses it to remove the secrets of copies an older poolctl wrote).
// base is the name of the file s is a copy of.
func (h History) Rewrite(s Snapshot, base string, data []byte) error {
	dir := filepath.Dir(s.Path)
	tmp, err := writeTemp(filepath.Join(dir, base), data, nil, historyPerm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, s.Path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// Private reports whether the snapshot s is readable by its owner only, as Save
// writes copies (on Windows, where the folder's ACL decides, always).
func Private(s Snapshot) (bool, error) {
	fi, err := os.Stat(s.Path)
	if err != nil {
		return false, err
	}
	return privateMode(fi), nil
}

// Tighten gives the default history folder of path (not one Dir names, which may be
// shared) mode 0700 when an older poolctl or a umask left it open to others.
func (h History) Tighten(path string) error {
	if h.Dir != "" {
		return nil
	}
	if err := tightenDir(h.dir(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
