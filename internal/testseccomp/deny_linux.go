//go:build linux

// Package testseccomp makes, in tests, a system call fail as a container's seccomp
// filter would, so that a test sees what the code does where the call is refused.
package testseccomp

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Deny installs on every thread of the process, for the rest of its life and its
// children's, a seccomp filter that fails the system call nr with EPERM and allows
// every other. Run it in a process of its own (a test binary started for it).
func Deny(nr uintptr) error {
	const (
		retAllow = 0x7fff0000 // SECCOMP_RET_ALLOW
		retErrno = 0x00050000 // SECCOMP_RET_ERRNO
		nrOffset = 0          // offsetof(struct seccomp_data, nr)
	)
	prog := []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: nrOffset},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 0, Jf: 1, K: uint32(nr)},
		{Code: unix.BPF_RET | unix.BPF_K, K: retErrno | uint32(unix.EPERM)},
		{Code: unix.BPF_RET | unix.BPF_K, K: retAllow},
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	runtime.LockOSThread() // no_new_privs is set on the thread that installs the filter
	defer runtime.UnlockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("testseccomp: no_new_privs: %w", err)
	}
	// TSYNC: every thread of the process gets the filter, not only this one.
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC,
		uintptr(unsafe.Pointer(&fprog))); e != 0 {
		return fmt.Errorf("testseccomp: seccomp: %w", e)
	}
	return nil
}
