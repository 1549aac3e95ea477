// Package sdnotify tells systemd, through its notification socket, how poolctl run's
// service is doing: started (READY=1), reloading its configuration (RELOADING=1 with
// the CLOCK_MONOTONIC time, as Type=notify-reload wants), stopping (STOPPING=1), a
// one-line STATUS=, and alive (WATCHDOG=1).
//
// New reads the variables systemd sets for a service: NOTIFY_SOCKET, a path or, when
// it starts with '@', an abstract socket; WATCHDOG_USEC, the watchdog's timeout; and
// WATCHDOG_PID, the process the watchdog is meant for (the watchdog is enabled only
// when it is unset or this process). Without NOTIFY_SOCKET, New returns a nil
// Notifier, and every method of a nil Notifier does nothing and returns nil: the
// runtime calls them unconditionally, under systemd or not.
//
// Each message is one datagram on a unixgram socket opened for it, as sd_notify(3)
// sends them, so a re-executed systemd (daemon-reexec) still hears the next one. It
// needs no cgo.
//
// RunWatchdog pings only while a health check passes, so that a wedged runtime stops
// pinging and systemd restarts it; KeepAlive runs it at half the watchdog's timeout.
//
// It sends on Linux only; on other systems New returns a nil Notifier.
package sdnotify
