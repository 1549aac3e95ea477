//go:build unix

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// fileMeta is the mode and owner a written file gets.
type fileMeta struct {
	mode     fs.FileMode // permission bits, with setuid, setgid and sticky
	uid, gid int
	chown    bool // give the file uid and gid
}

// metaOf returns the mode and owner of fi.
func metaOf(fi fs.FileInfo) fileMeta {
	m := fileMeta{mode: fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		m.uid, m.gid, m.chown = int(st.Uid), int(st.Gid), true
	}
	return m
}

// readMeta returns the mode and owner of the file at path, or nil when there is no
// such file.
func readMeta(path string) (*fileMeta, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := metaOf(fi)
	return &m, nil
}

// ownerOf returns the uid of fi's owner, or -1 when fi does not say.
func ownerOf(fi fs.FileInfo) int {
	if m := metaOf(fi); m.chown {
		return m.uid
	}
	return -1
}

// setMeta gives f meta's owner, then its mode (in that order: a change of owner may
// clear the setuid and setgid bits). It changes the owner only when it differs, so that
// a user who may not give files away can still write a file they own.
func setMeta(f *os.File, meta fileMeta) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if cur := metaOf(fi); meta.chown && cur.chown && (cur.uid != meta.uid || cur.gid != meta.gid) {
		if err := f.Chown(meta.uid, meta.gid); err != nil {
			return fmt.Errorf("give the new file the original's owner %d:%d: %w", meta.uid, meta.gid, err)
		}
	}
	return f.Chmod(meta.mode)
}

// replaceFile renames tmp over target: on one file system the rename is atomic, and
// tmp already has target's owner and mode (setMeta).
func replaceFile(tmp, target string) error {
	return os.Rename(tmp, target)
}

// syncDir fsyncs the directory dir, so that a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// privateMode reports whether fi is readable and writable by its owner only: mode
// 0600 for a file. History copies must be.
func privateMode(fi fs.FileInfo) bool { return fi.Mode().Perm() == historyPerm }

// tightenDir gives dir mode 0700 when its group or others may enter it.
func tightenDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return err
	}
	return os.Chmod(dir, historyDirPerm)
}
