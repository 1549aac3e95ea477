//go:build !linux

package sdnotify

import (
	"errors"
	"net"
)

// New returns nil: only Linux has systemd, so there is nothing to notify.
func New(getenv func(string) string) (*Notifier, error) { return nil, nil }

// sendTo is never reached: New returns no Notifier on this system.
func sendTo(*net.UnixAddr, string) error { return errors.New("systemd notifications are Linux only") }

// monotonicUsec is never reached: New returns no Notifier on this system.
func monotonicUsec() (int64, error) { return 0, errors.New("CLOCK_MONOTONIC is read on Linux only") }
