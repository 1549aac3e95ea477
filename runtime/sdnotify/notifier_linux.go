//go:build linux

package sdnotify

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// New returns the Notifier of the socket that getenv's NOTIFY_SOCKET names, with the
// watchdog that WATCHDOG_USEC and WATCHDOG_PID enable; it returns nil, and no error,
// without NOTIFY_SOCKET. An address that is neither a path nor '@' and a name (systemd's
// vsock addresses), or a watchdog variable that is not a positive number, is an error.
func New(getenv func(string) string) (*Notifier, error) {
	path := getenv(SocketEnv)
	if path == "" {
		return nil, nil
	}
	if err := checkAddr(path); err != nil {
		return nil, fmt.Errorf("sdnotify: $%s: %w", SocketEnv, err)
	}
	wd, err := watchdogTimeout(getenv, os.Getpid())
	if err != nil {
		return nil, fmt.Errorf("sdnotify: %w", err)
	}
	n := &Notifier{addr: &net.UnixAddr{Name: path, Net: "unixgram"}, watchdog: wd, newTicker: realTicker}
	return n, nil
}

// checkAddr accepts an absolute path, or '@' and a name for the abstract namespace
// (the net package turns the '@' into the leading NUL), that fits sun_path.
func checkAddr(path string) error {
	switch {
	case path[0] != '/' && path[0] != '@':
		return fmt.Errorf("%q is neither an absolute path nor an abstract socket (@name)", path)
	case path == "@":
		return errors.New("an abstract socket needs a name after '@'")
	case len(path) > len(unix.RawSockaddrUnix{}.Path)-1:
		return fmt.Errorf("%q is longer than a unix socket address can be", path)
	}
	return nil
}

// watchdogTimeout returns WATCHDOG_USEC as a duration when WATCHDOG_PID is unset or
// pid, and 0 when WATCHDOG_USEC is unset or WATCHDOG_PID another process.
func watchdogTimeout(getenv func(string) string, pid int) (time.Duration, error) {
	us := getenv(WatchdogUsecEnv)
	if us == "" {
		return 0, nil
	}
	usec, err := strconv.ParseUint(us, 10, 63)
	if err != nil || usec == 0 || usec > uint64(maxDuration/time.Microsecond) {
		return 0, fmt.Errorf("$%s=%q is not a positive number of microseconds", WatchdogUsecEnv, us)
	}
	if p := getenv(WatchdogPIDEnv); p != "" {
		wpid, err := strconv.Atoi(p)
		if err != nil || wpid <= 0 {
			return 0, fmt.Errorf("$%s=%q is not a process id", WatchdogPIDEnv, p)
		}
		if wpid != pid {
			return 0, nil
		}
	}
	return time.Duration(usec) * time.Microsecond, nil
}

// maxDuration is the longest time.Duration.
const maxDuration = time.Duration(1<<63 - 1)

// sendTo sends state to addr as one datagram from a socket of its own.
func sendTo(addr *net.UnixAddr, state string) error {
	c, err := net.DialUnix("unixgram", nil, addr)
	if err != nil {
		return err
	}
	_, err = c.Write([]byte(state))
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return err
}

// monotonicUsec returns CLOCK_MONOTONIC in microseconds, the clock of MONOTONIC_USEC.
func monotonicUsec() (int64, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0, err
	}
	return ts.Nano() / int64(time.Microsecond), nil
}
