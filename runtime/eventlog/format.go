package eventlog

import (
	"fmt"
	"strings"
)

// Format is a form of the log: text, JSON, the journal, or chosen by where it goes.
type Format int

// The formats. FormatAuto picks the journal when the stream is the journal's
// (JOURNAL_STREAM), text on a terminal, and JSON otherwise.
const (
	FormatAuto Format = iota
	FormatText
	FormatJSON
	FormatJournal
)

// formatNames are the formats' names, in the order of the constants.
var formatNames = [...]string{"auto", "text", "json", "journal"}

// ParseFormat returns the format named s: "auto", "text", "json" or "journal".
func ParseFormat(s string) (Format, error) {
	for i, name := range formatNames {
		if s == name {
			return Format(i), nil
		}
	}
	return FormatAuto, fmt.Errorf("log format %q: want one of %s", s, strings.Join(formatNames[:], ", "))
}

// String returns the format's name, as ParseFormat reads it.
func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return fmt.Sprintf("Format(%d)", int(f))
	}
	return formatNames[f]
}

// Set parses s into f, so that a *Format is a command-line flag's value (pflag.Value).
func (f *Format) Set(s string) error {
	v, err := ParseFormat(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Type names the flag's kind of value in a command's help.
func (f *Format) Type() string { return "format" }
