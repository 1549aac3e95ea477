package store

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// tempMarker marks the temporary files of WriteFile: "." + base + tempMarker + a random
// suffix, so that a write of applicationHost.config goes through
// ".applicationHost.config.tmp-" followed by letters and digits. A process killed in
// the middle of a write leaves such a file behind; it is never the configuration, and
// may be deleted.
const tempMarker = ".tmp-"

// WriteFile replaces the content of path with data atomically: it writes a temporary
// file in the same directory, fsyncs it, gives it the original's owner and permissions
// (mode on Unix, security descriptor on Windows), puts it in place of path (rename on
// Unix, ReplaceFile on Windows, see replaceFile) and fsyncs the directory where the
// system can. On any error the temporary file is removed and
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
	meta, err := readMeta(target)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := writeTemp(target, data, meta, 0o666)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &pendingFile{path: path, target: target, tmp: tmp}, nil
}

// commit puts the temporary file in place of the target and fsyncs the directory, as
// WriteFile says.
func (p *pendingFile) commit() error {
	if err := replaceFile(p.tmp, p.target); err != nil {
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
// is stale; only regular files owned by the caller or by path's owner are removed
// (on Windows, where files have no uid, the folder's ACL says who could make them).
// It returns the names removed.
func removeStaleTemps(path string) []string {
	owner := -1
	if fi, err := os.Stat(path); err == nil {
		owner = ownerOf(fi)
	}
	dir, prefix := filepath.Dir(path), "."+filepath.Base(path)+tempMarker
	entries, _ := os.ReadDir(dir)
	var removed []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if uid := ownerOf(fi); uid >= 0 && uid != os.Geteuid() && uid != owner {
			continue
		}
		if os.Remove(name) == nil {
			removed = append(removed, name)
		}
	}
	return removed
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
