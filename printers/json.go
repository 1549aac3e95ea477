package printers

import (
	"bufio"
	"bytes"
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

// jsonDiagnostic is one diagnostic of the JSON format. The format's types are its
// own, not validate's, so that a field added to validate.Diagnostic does not change
// the output by accident.
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

// Print implements Printer. It writes one diagnostic at a time, the bytes a JSON
// encoder indenting the whole report writes, without holding the report's text (tens
// of megabytes for tens of thousands of findings) in memory.
func (jsonPrinter) Print(w io.Writer, ds []validate.Diagnostic, s validate.Summary) error {
	bw := bufio.NewWriter(w)
	var one indented
	bw.WriteString("{\n  \"diagnostics\": [")
	for i, d := range ds {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		b, err := one.encode("    ", jsonDiagnostic{
			File: d.File, Line: d.Line, Column: d.Column, Severity: d.Severity.String(),
			Rule: d.Rule, Message: d.Message, Fix: d.Fix,
		})
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	if len(ds) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"summary\": ")
	b, err := one.encode("  ", jsonSummary{Files: s.Files, Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos})
	if err != nil {
		return err
	}
	bw.Write(b)
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// indented encodes values one by one as writeJSON would inside a larger document:
// indented by two spaces after prefix, <, > and & as they are. Its buffer is reused.
type indented struct{ buf bytes.Buffer }

// encode returns v's text, valid until the next call, without a final newline.
func (e *indented) encode(prefix string, v any) ([]byte, error) {
	e.buf.Reset()
	enc := json.NewEncoder(&e.buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")), nil
}

// writeJSON writes v indented by two spaces and followed by a newline. It does
// not escape <, > and &, which diagnostics about XML are full of.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
