//go:build unix

package certs

import (
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
)

// The extensions of certificate files, in the order of precedence.
const (
	extPFX = ".pfx"
	extPEM = ".pem"
	extCRT = ".crt"
	extKey = ".key"
)

// kind says what a name is.
type kind int

const (
	hostName     kind = iota + 1 // shop.example.com
	wildcardName                 // _.example.com
	ipName                       // 0.0.0.0!443
)

// parseFileName returns the name (lower case) and extension of a certificate file,
// and what the name is; ok is false for a file that is not one.
func parseFileName(file string) (name, ext string, k kind, ok bool) {
	ext = strings.ToLower(filepath.Ext(file))
	switch ext {
	case extPFX, extPEM, extCRT, extKey:
	default:
		return "", "", 0, false
	}
	name = strings.ToLower(strings.TrimSuffix(file, filepath.Ext(file)))
	switch {
	case strings.Contains(name, "!"):
		if _, ok := parseIPName(name); ok {
			return name, ext, ipName, true
		}
	case strings.HasPrefix(name, "_."):
		if validHost(name[2:]) && strings.Contains(name[2:], ".") {
			return name, ext, wildcardName, true
		}
	case validHost(name):
		return name, ext, hostName, true
	}
	return "", "", 0, false
}

// parseIPName parses "IP!PORT": an IPv4 address or an IPv6 one in brackets, and a
// port from 1 to 65535.
func parseIPName(name string) (netip.AddrPort, bool) {
	ipText, portText, ok := strings.Cut(name, "!")
	if !ok {
		return netip.AddrPort{}, false
	}
	if strings.HasPrefix(ipText, "[") != strings.HasSuffix(ipText, "]") {
		return netip.AddrPort{}, false
	}
	bracketed := strings.HasPrefix(ipText, "[")
	addr, err := netip.ParseAddr(strings.Trim(ipText, "[]"))
	if err != nil || addr.Zone() != "" || addr.Is6() != bracketed || addr.Is4In6() {
		return netip.AddrPort{}, false
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil || port == 0 || strconv.FormatUint(port, 10) != portText {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(addr, uint16(port)), true
}

// ipFileName returns the name of the IP-bound certificate for ap: "IP!PORT".
func ipFileName(ap netip.AddrPort) string {
	addr := ap.Addr().Unmap()
	ip := addr.String()
	if addr.Is6() {
		ip = "[" + ip + "]"
	}
	return ip + "!" + strconv.Itoa(int(ap.Port()))
}

// validHost reports whether h is a host name: labels of letters, digits, '-' and
// '_', separated by dots, none empty.
func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// candidates returns the names that would serve host (an SNI name, "" for none) on
// local, in the order of the choice.
func candidates(host string, local netip.AddrPort) []string {
	var out []string
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host != "" {
		out = append(out, host)
		if i := strings.IndexByte(host, '.'); i > 0 && strings.Contains(host[i+1:], ".") {
			out = append(out, "_"+host[i:])
		}
	}
	if local.IsValid() {
		out = append(out, ipFileName(local))
		any := netip.IPv4Unspecified()
		if local.Addr().Unmap().Is6() {
			any = netip.IPv6Unspecified()
		}
		if wild := ipFileName(netip.AddrPortFrom(any, local.Port())); wild != out[len(out)-1] {
			out = append(out, wild)
		}
	}
	return out
}
