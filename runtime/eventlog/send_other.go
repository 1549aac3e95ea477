//go:build !linux

package eventlog

import "errors"

// sendDatagram fails: there is no journald but on Linux, and the entry goes to the
// stream instead.
func sendDatagram(string, []byte) error {
	return errors.New("journal: not on this system")
}
