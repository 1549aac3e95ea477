//go:build !unix

package parse

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs") }
