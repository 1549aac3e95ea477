package apply

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// tempMarker marks the temporary files of WriteFile: "." + base + tempMarker + a random
// suffix, so that a write of applicationHost.config goes through
// ".applicationHost.config.tmp-" followed by letters and digits. A process killed in
// the middle of a write leaves such a file behind; it is never the configuration, and
// may be deleted.
const tempMarker = ".tmp-"

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

// WriteFile replaces the content of path with data atomically: it writes a temporary
// file in the same directory, fsyncs it, gives it the original's mode and owner, renames
// it over path and fsyncs the directory. On any error the temporary file is removed and
// path is untouched, except after a failure of the final directory sync, which the
// error reports: the new content is then in place but may not survive a crash. A
// symbolic link at path is followed: the file it points to is replaced and the link
// stays. A new file gets mode 0666 less the umask.
func WriteFile(path string, data []byte) error {
	p, err := prepareFile(path, data)
	if err != nil {
		return err
	}
	return p.commit()
}

// pendingFile is the first half of WriteFile: the new content written and synced to a
// temporary file beside the file it will replace.
type pendingFile struct {
	path   string // as given, for errors
	target string // the file replaced: path with symbolic links followed
	tmp    string // the temporary file
}

// prepareFile writes data to a temporary file beside path (or the file a link at path
// points to), synced and with the original's mode and owner, and returns it for
// commit or abort. On error no temporary file is left.
func prepareFile(path string, data []byte) (*pendingFile, error) {
	target, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	var meta *fileMeta
	if fi, err := os.Stat(target); err == nil {
		m := metaOf(fi)
		meta = &m
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := writeTemp(target, data, meta, 0o666)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &pendingFile{path: path, target: target, tmp: tmp}, nil
}

// commit renames the temporary file over the target and fsyncs the directory, as
// WriteFile says.
func (p *pendingFile) commit() error {
	if err := os.Rename(p.tmp, p.target); err != nil {
		os.Remove(p.tmp)
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	if err := syncDir(filepath.Dir(p.target)); err != nil {
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	return nil
}

// abort removes the temporary file: the target stays as it was.
func (p *pendingFile) abort() {
	os.Remove(p.tmp)
}

// resolve follows symbolic links at path, so that a write replaces the file a link
// points to instead of the link. A path that does not exist yet is returned as is.
func resolve(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	return filepath.EvalSymlinks(path)
}

// writeTemp writes data to a new temporary file beside path and fsyncs it. With meta,
// the file is created 0600 and given meta's owner and mode before the first byte is
// written, so that it is never readable by more users than the file it replaces, even
// when the writer is killed; without meta it is created with perm less the umask. It
// returns the file's name; on error it removes the file.
func writeTemp(path string, data []byte, meta *fileMeta, perm fs.FileMode) (name string, err error) {
	if meta != nil {
		perm = 0o600
	}
	f, err := createTemp(path, perm)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if meta != nil {
		if err := setMeta(f, *meta); err != nil {
			return "", err
		}
	}
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// removeStaleTemps removes the temporary files that writers of path killed before
// they finished left beside it. The caller holds path's lock, under which every
// poolctl writer of path makes its temporary files, so one named as tempMarker says
// is stale; only regular files owned by the caller or by path's owner are removed.
// It returns the names removed.
func removeStaleTemps(path string) []string {
	owner := -1
	if fi, err := os.Stat(path); err == nil {
		owner = metaOf(fi).uid
	}
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(path), globEscape("."+filepath.Base(path)+tempMarker)+"*"))
	var removed []string
	for _, name := range names {
		fi, err := os.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if uid := metaOf(fi).uid; uid != os.Geteuid() && uid != owner {
			continue
		}
		if os.Remove(name) == nil {
			removed = append(removed, name)
		}
	}
	return removed
}

// globEscape escapes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// createTemp creates a new file beside path, named as tempMarker says, with mode perm
// less the umask (0666 for a file os.WriteFile would create).
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	prefix := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+tempMarker)
	for range 100 {
		name := prefix + strconv.FormatUint(rand.Uint64(), 36)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("create a temporary file beside %s: too many name collisions", path)
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
