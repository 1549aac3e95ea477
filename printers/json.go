package printers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

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
	var str jsonStrings
	bw.WriteString("{\n  \"diagnostics\": [")
	for i, d := range ds {
		if i > 0 {
			bw.WriteByte(',')
		}
		jsonDiagnostic{
			File: d.File, Line: d.Line, Column: d.Column, Severity: d.Severity.String(),
			Rule: d.Rule, Message: d.Message, Fix: d.Fix,
		}.write(bw, &str)
	}
	if len(ds) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"summary\": ")
	var one indented
	b, err := one.encode("  ", jsonSummary{Files: s.Files, Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos})
	if err != nil {
		return err
	}
	bw.Write(b)
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// write writes d as an element of the "diagnostics" array: what an encoder indenting
// the report writes for it (TestJSONIsTheEncoders checks), without the reflection and
// the second, indenting pass, which took a findings-heavy lint longer than its checks.
func (d jsonDiagnostic) write(w *bufio.Writer, str *jsonStrings) {
	w.WriteString("\n    {\n      \"file\": ")
	str.write(w, d.File)
	w.WriteString(",\n      \"line\": ")
	w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(d.Line), 10))
	w.WriteString(",\n      \"column\": ")
	w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(d.Column), 10))
	w.WriteString(",\n      \"severity\": ")
	str.write(w, d.Severity)
	w.WriteString(",\n      \"rule\": ")
	str.write(w, d.Rule)
	w.WriteString(",\n      \"message\": ")
	str.write(w, d.Message)
	if d.Fix != "" {
		w.WriteString(",\n      \"fix\": ")
		str.write(w, d.Fix)
	}
	w.WriteString("\n    }")
}

// jsonStrings writes strings as JSON strings, as encoding/json does with HTML
// escaping off. Printable ASCII, most of what lint prints, needs only its quotes and
// backslashes escaped; anything else is left to encoding/json.
type jsonStrings struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// write writes s, quoted and escaped.
func (j *jsonStrings) write(w *bufio.Writer, s string) {
	if !printableASCII(s) || strings.ContainsRune(s, '\t') {
		j.encode(w, s)
		return
	}
	w.WriteByte('"')
	for {
		i := strings.IndexAny(s, `"\`)
		if i < 0 {
			break
		}
		w.WriteString(s[:i])
		w.WriteByte('\\')
		w.WriteByte(s[i])
		s = s[i+1:]
	}
	w.WriteString(s)
	w.WriteByte('"')
}

// encode writes s as encoding/json encodes it.
func (j *jsonStrings) encode(w *bufio.Writer, s string) {
	j.buf.Reset()
	if j.enc == nil {
		j.enc = json.NewEncoder(&j.buf)
		j.enc.SetEscapeHTML(false)
	}
	if err := j.enc.Encode(s); err != nil {
		panic("printers: encoding a string: " + err.Error()) // encoding/json encodes every string
	}
	w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
}

// indented encodes values one by one as writeJSON would inside a larger document:
// indented by two spaces after prefix, <, > and & as they are. Its buffer and its
// encoder, with the encoder's own buffers, are reused.
type indented struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// encode returns v's text, valid until the next call, without a final newline.
func (e *indented) encode(prefix string, v any) ([]byte, error) {
	e.buf.Reset()
	if e.enc == nil {
		e.enc = json.NewEncoder(&e.buf)
		e.enc.SetEscapeHTML(false)
	}
	e.enc.SetIndent(prefix, "  ")
	if err := e.enc.Encode(v); err != nil {
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
