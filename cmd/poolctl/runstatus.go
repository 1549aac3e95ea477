//go:build linux

package main

import (
	"fmt"
	"net"
	"net/netip"
)

// statusWarning returns a warning for a --status address that is not a loopback
// one: the status page and metrics have no authentication.
func statusWarning(addr string) string {
	if addr == "" {
		return ""
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "" // the listener names the error
	}
	if host == "localhost" {
		return ""
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("--status %s is reachable from other machines: the status page and /metrics have no authentication (use 127.0.0.1:PORT unless that is what you mean)", addr)
}
