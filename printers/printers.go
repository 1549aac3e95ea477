// Package printers is the home of poolctl's output formats, one small file per
// format over plain data: the diagnostics of a lint run in the formats that
// "poolctl lint --format" offers (text for people at a terminal, JSON for
// scripts, SARIF for code-scanning services and GitHub Actions workflow
// commands for annotations on a pull request), the differences of
// "poolctl diff" (text and JSON, from apply.Diff), the plans of set, add,
// delete and apply (text, from apply.NewPlan), the pools of "poolctl show"
// (text, JSON and the list, from NewShowPool) and the snapshots of "poolctl
// history list" (text and JSON, from store.History.List).
//
// Printers write diagnostics in the order they are given; callers sort them
// first (see validate.Sort).
package printers

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolctl/poolctl/validate"
)

// Printer writes a lint run's diagnostics in one format.
type Printer interface {
	// Print writes ds and the run's summary s to w. It returns the first
	// error met writing to w.
	Print(w io.Writer, ds []validate.Diagnostic, s validate.Summary) error
}

// Options tune the printers. The zero value is plain text without colour and
// SARIF without a tool version.
type Options struct {
	// Color turns on ANSI colours in the text format; the other formats
	// ignore it. Callers usually set it from ColorEnabled.
	Color bool
	// ToolVersion is the poolctl version recorded in SARIF's
	// tool.driver.version; it is left out when empty.
	ToolVersion string
}

// formats lists the format names in the order Formats reports them.
var formats = []string{"text", "json", "sarif", "github"}

// Formats returns the names of the formats New accepts, the default ("text")
// first.
func Formats() []string {
	return append([]string(nil), formats...)
}

// New returns the printer for format, one of the names Formats returns. An
// unknown format is an error that lists the known ones.
func New(format string, opt Options) (Printer, error) {
	switch format {
	case "text":
		return textPrinter{color: opt.Color}, nil
	case "json":
		return jsonPrinter{}, nil
	case "sarif":
		return sarifPrinter{toolVersion: opt.ToolVersion}, nil
	case "github":
		return githubPrinter{}, nil
	}
	return nil, fmt.Errorf("unknown output format %q (known formats: %s)", format, strings.Join(formats, ", "))
}
