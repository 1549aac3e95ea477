package validate

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity is how serious a finding is.
type Severity int

// The severities, from the mildest.
const (
	Info Severity = iota + 1
	Warning
	Error
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText encodes the severity as its String.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes "info", "warning" or "error".
func (s *Severity) UnmarshalText(b []byte) error {
	for _, v := range []Severity{Info, Warning, Error} {
		if v.String() == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", b)
}

// Diagnostic is one finding: where it is, how serious, which rule, and what to do.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
	// Fix is a suggested change, when the rule can suggest one.
	Fix string `json:"fix,omitempty"`
	// SourceLine is the text of the line the diagnostic points at (without its line
	// ending), for printers that show it; empty when there is no such line.
	SourceLine string `json:"-"`
	// SourceCol is the column of the diagnostic in SourceLine when SourceLine is a
	// window of a long line (see cutSourceLines); zero when it is the whole line.
	SourceCol int `json:"-"`
}

// String formats the diagnostic as "file:line:col: severity RULE: message".
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s %s: %s", d.File, d.Line, d.Column, d.Severity, d.Rule, d.Message)
}

// Sort orders diagnostics by file, line, column, then rule and message.
func Sort(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
}

// Summary counts the files linted and the diagnostics of each severity.
type Summary struct {
	Files    int `json:"files"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

// Add counts ds.
func (s *Summary) Add(ds []Diagnostic) {
	for _, d := range ds {
		switch d.Severity {
		case Error:
			s.Errors++
		case Warning:
			s.Warnings++
		case Info:
			s.Infos++
		}
	}
}
