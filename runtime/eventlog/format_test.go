package eventlog

import (
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{in: "auto", want: FormatAuto},
		{in: "text", want: FormatText},
		{in: "json", want: FormatJSON},
		{in: "journal", want: FormatJournal},
		{in: "", wantErr: true},
		{in: "JSON", wantErr: true},
		{in: "logfmt", wantErr: true},
	}
	for _, tt := range tests {
		t.Run("format "+tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "auto, text, json, journal") {
					t.Fatalf("ParseFormat(%q) error = %v, want one naming the valid formats", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseFormat(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestFormatFlagValue(t *testing.T) {
	var f Format
	if err := f.Set("text"); err != nil || f != FormatText {
		t.Fatalf("Set(text) = %v, format %v", err, f)
	}
	if err := f.Set("yaml"); err == nil || f != FormatText {
		t.Fatalf("Set(yaml) = %v, format %v; want an error and the format kept", err, f)
	}
	if f.Type() != "format" {
		t.Errorf("Type() = %q", f.Type())
	}
	if got := Format(9).String(); got != "Format(9)" {
		t.Errorf("Format(9).String() = %q", got)
	}
}

func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"auto", "text", "json", "journal", "", "Text", "journal\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFormat(s)
		if err != nil {
			return
		}
		if got.String() != s {
			t.Fatalf("ParseFormat(%q) = %v, which prints as %q", s, got, got.String())
		}
	})
}
