//go:build linux

package eventlog

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// sendDatagram sends one journal entry to journald's socket at path, from a socket of
// its own (no state to keep, and a journald restarted meanwhile is found again). An
// entry too large for a datagram goes in a sealed memory file passed with it, as
// journald accepts.
func sendDatagram(path string, data []byte) error {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("journal socket: %w", err)
	}
	defer unix.Close(fd)
	addr := &unix.SockaddrUnix{Name: path}
	err = unix.Sendmsg(fd, data, nil, addr, 0)
	if errors.Is(err, unix.EMSGSIZE) || errors.Is(err, unix.ENOBUFS) {
		err = sendMemfd(fd, addr, data)
	}
	if err != nil {
		return fmt.Errorf("journal %s: %w", path, err)
	}
	return nil
}

// sendMemfd sends data as a sealed memory file over fd.
func sendMemfd(fd int, addr *unix.SockaddrUnix, data []byte) error {
	mfd, err := unix.MemfdCreate("poolctl-journal", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return fmt.Errorf("memfd: %w", err)
	}
	defer unix.Close(mfd)
	for len(data) > 0 {
		n, err := unix.Write(mfd, data)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("memfd write: %w", err)
		}
		data = data[max(n, 0):]
	}
	seals := unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE | unix.F_SEAL_SEAL
	if _, err := unix.FcntlInt(uintptr(mfd), unix.F_ADD_SEALS, seals); err != nil {
		return fmt.Errorf("memfd seal: %w", err)
	}
	return unix.Sendmsg(fd, nil, unix.UnixRights(mfd), addr, 0)
}
