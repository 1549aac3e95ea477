package main

import "io"

// streams are the standard input, output and error a command tree reads and writes.
type streams struct {
	in       io.Reader
	out, err io.Writer
}
