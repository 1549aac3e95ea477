package printers

import (
	"encoding/json"
	"io"

	"github.com/poolctl/poolctl/validate"
)

// jsonPrinter writes the diagnostics and the summary as one JSON object:
//
//	{"diagnostics": [{"file", "line", "column", "severity", "rule", "message", "fix"}],
//	 "summary": {"files", "errors", "warnings", "infos"}}
//
// "fix" is left out when there is none, and "diagnostics" is [] (never null)
// when there are none.
type jsonPrinter struct{}

// jsonReport is the document the JSON format writes. Its types are the
// format's own, not validate's, so that a field added to validate.Diagnostic
// does not change the output by accident.
type jsonReport struct {
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Summary     jsonSummary      `json:"summary"`
}

// jsonDiagnostic is one diagnostic of the JSON format.
type jsonDiagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	Fix      string `json:"fix,omitempty"`
}

// jsonSummary is the summary of the JSON format.
type jsonSummary struct {
	Files    int `json:"files"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

// Print implements Printer.
func (jsonPrinter) Print(w io.Writer, ds []validate.Diagnostic, s validate.Summary) error {
	r := jsonReport{
		Diagnostics: make([]jsonDiagnostic, 0, len(ds)),
		Summary:     jsonSummary{Files: s.Files, Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos},
	}
	for _, d := range ds {
		r.Diagnostics = append(r.Diagnostics, jsonDiagnostic{
			File: d.File, Line: d.Line, Column: d.Column, Severity: d.Severity.String(),
			Rule: d.Rule, Message: d.Message, Fix: d.Fix,
		})
	}
	return writeJSON(w, r)
}

// writeJSON writes v indented by two spaces and followed by a newline. It does
// not escape <, > and &, which diagnostics about XML are full of.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
