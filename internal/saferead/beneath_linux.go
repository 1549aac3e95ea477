package saferead

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// openBeneath opens rel beneath dir with openat2, the kernel refusing any step of
// the resolution that leaves dir (an *EscapeError) and every magic link (/proc/*/fd).
// It returns errNoOpenat2 when the kernel has no openat2 or a sandbox forbids it.
func openBeneath(dir, rel string) (*os.File, error) {
	name := filepath.Join(dir, rel)
	dfd, err := openDir(dir)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dfd)
	how := &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_NONBLOCK | unix.O_CLOEXEC | unix.O_NOCTTY,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
	}
	// EAGAIN: a rename raced the resolution; a bounded number of retries, so that a
	// neighbour renaming in a loop cannot keep poolctl here.
	for try := 0; ; try++ {
		fd, err := unix.Openat2(dfd, rel, how)
		switch {
		case err == nil:
			return checkRegular(os.NewFile(uintptr(fd), name))
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EAGAIN) && try < 16:
			continue
		case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EPERM):
			return nil, errNoOpenat2
		case errors.Is(err, unix.EXDEV):
			return nil, &EscapeError{Dir: dir, Rel: rel}
		default:
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
	}
}

// openDir opens the directory dir as a handle to resolve beneath.
func openDir(dir string) (int, error) {
	for {
		fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: dir, Err: err}
		}
		return fd, nil
	}
}

// checkRegular returns f when it is a regular file, and closes it otherwise.
func checkRegular(f *os.File) (*os.File, error) {
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &NotRegularError{Path: f.Name(), Mode: fi.Mode()}
	}
	return f, nil
}
