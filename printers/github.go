package printers

import (
	"bufio"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/poolctl/poolctl/validate"
)

// githubPrinter writes one GitHub Actions workflow command per diagnostic,
//
//	::error file=F,line=L,col=C,title=RULE::message
//
// (::warning for warnings, ::notice for infos), which the runner turns into
// an annotation on the file's line. It writes no summary.
type githubPrinter struct{}

// Print implements Printer.
func (githubPrinter) Print(w io.Writer, ds []validate.Diagnostic, _ validate.Summary) error {
	bw := bufio.NewWriter(w)
	for _, d := range ds {
		var props []string
		if d.File != "" {
			props = append(props, "file="+escapeProperty(filepath.ToSlash(d.File)))
		}
		if d.Line > 0 {
			props = append(props, "line="+strconv.Itoa(d.Line))
			if d.Column > 0 {
				props = append(props, "col="+strconv.Itoa(d.Column))
			}
		}
		if d.Rule != "" {
			props = append(props, "title="+escapeProperty(d.Rule))
		}
		msg := d.Message
		if d.Fix != "" {
			msg += "\nfix: " + d.Fix
		}
		bw.WriteString("::" + githubCommand(d.Severity))
		if len(props) > 0 {
			bw.WriteString(" " + strings.Join(props, ","))
		}
		bw.WriteString("::" + escapeData(msg) + "\n")
	}
	return bw.Flush()
}

// githubCommand returns the workflow command that annotates a diagnostic of
// severity s.
func githubCommand(s validate.Severity) string {
	switch s {
	case validate.Error:
		return "error"
	case validate.Info:
		return "notice"
	}
	return "warning"
}

// The runner reads a workflow command up to the end of the line, its
// properties up to "::" and each up to ",". So the command's data (the
// message) has %, CR and LF percent-encoded, and a property value also : and
// ,. These are the escapes of escapeData and escapeProperty in GitHub's own
// @actions/core (packages/core/src/command.ts).
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData escapes the data (message) of a workflow command.
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a property value of a workflow command.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
