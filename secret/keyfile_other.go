//go:build !windows

package secret

import (
	"fmt"
	"io/fs"
	"os"
)

// checkKeyAccess refuses the key file fi unless it is owned by this user or root (when
// the OS says who owns it) and its group and others may not read or write it.
func checkKeyAccess(path string, _ *os.File, fi fs.FileInfo) error {
	euid := os.Geteuid()
	if uid, ok := fileOwner(fi); ok && uid != 0 && uid != euid {
		return fmt.Errorf("key file %s belongs to uid %d, not to this user (uid %d) or root; refusing to use it: run chown %d %s", path, uid, euid, euid, path)
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		return fmt.Errorf("key file %s: other users may read it (mode %04o); refusing to use it: run chmod 600 %s", path, mode, path)
	}
	return nil
}

// createKeyFile creates the new key file path, with mode 0600.
func createKeyFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}
