package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// The exit codes of poolctl.
const (
	// exitOK means the command did what was asked and has nothing to report.
	exitOK = 0
	// exitFindings means the command ran and reports findings or differences.
	exitFindings = 1
	// exitFailure means the command could not run: a usage error, an unknown flag or
	// target, or a configuration file that cannot be read or is malformed.
	exitFailure = 2
)

// exitError is an error from poolctl's own code together with the exit code it ends
// the process with. An exitError without an inner error prints nothing: the command
// has already said what there is to say (a lint that prints its findings, say).
type exitError struct {
	code int
	err  error
}

// Error returns the inner error's message, or "" when there is none.
func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

// Unwrap returns the inner error.
func (e *exitError) Unwrap() error { return e.err }

// withExitCode wraps a command's RunE so that every error it returns carries an exit
// code: exitFailure unless the error already is an exitError. Errors that reach run
// without one come from cobra itself (an unknown command or flag, a flag value that
// does not parse, a wrong number of arguments): they are usage errors.
func withExitCode(f func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := f(cmd, args)
		if err == nil {
			return nil
		}
		if _, ok := errors.AsType[*exitError](err); ok {
			return err
		}
		return &exitError{code: exitFailure, err: err}
	}
}

// report prints err to w as "poolctl: <error>", followed for a usage error by a hint
// at the help of the command that failed, and returns the exit code for err.
func report(w io.Writer, cmd *cobra.Command, err error) int {
	ee, ok := errors.AsType[*exitError](err)
	if !ok {
		// Printing to stderr can fail too, but there is no one left to tell.
		fmt.Fprintf(w, "poolctl: %v\n", err)
		if cmd != nil {
			fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return exitFailure
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(w, "poolctl: %s\n", msg)
	}
	return ee.code
}
