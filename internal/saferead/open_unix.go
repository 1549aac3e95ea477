//go:build unix

package saferead

import (
	"io/fs"
	"os"
	"syscall"
)

// openNonblock opens path read-only with O_NONBLOCK, so opening a FIFO returns at
// once instead of waiting for a writer. O_NONBLOCK has no effect on regular files.
func openNonblock(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC|syscall.O_NOCTTY, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
