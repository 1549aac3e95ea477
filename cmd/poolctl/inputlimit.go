package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/poolctl/poolctl/internal/saferead"
	"github.com/poolctl/poolctl/parse"
)

// maxInputEnv names the environment variable that sets the size limit, in bytes, of
// every configuration, desired state and metabase poolctl reads, standard input too.
const maxInputEnv = "POOLCTL_MAX_INPUT_BYTES"

// readOptions returns the reader options of the inputs: the size limit that
// $POOLCTL_MAX_INPUT_BYTES sets, else parse's default of 256 MiB.
func (o *globalOptions) readOptions() (parse.Options, error) {
	s := o.getenv(maxInputEnv)
	if s == "" {
		return parse.Options{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return parse.Options{}, fmt.Errorf("$%s=%q: want a positive number of bytes", maxInputEnv, s)
	}
	return parse.Options{MaxBytes: n}, nil
}

// readInput reads standard input, for "-", or the regular file name (a FIFO or device
// is refused), stopping at the size limit of opt.
func readInput(stdin io.Reader, name string, opt parse.Options) ([]byte, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = saferead.ReadAll(stdin, stdinName, opt.Limit())
	} else {
		data, err = saferead.ReadFile(name, opt.Limit())
	}
	return data, limitHint(err)
}

// limitHint adds to an input that is too large how to change the limit.
func limitHint(err error) error {
	if _, ok := errors.AsType[*saferead.TooLargeError](err); ok {
		return fmt.Errorf("%w (set $%s to change the limit)", err, maxInputEnv)
	}
	return err
}
