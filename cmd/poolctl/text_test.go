package main

import (
	"testing"

	"github.com/poolctl/poolctl/printers"
)

func TestJoinOr(t *testing.T) {
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{nil, ""},
		{[]string{"text"}, "text"},
		{[]string{"text", "json"}, "text or json"},
		{[]string{"text", "json", "jsonschema"}, "text, json or jsonschema"},
	} {
		if got := joinOr(tc.words); got != tc.want {
			t.Errorf("joinOr(%q) = %q, want %q", tc.words, got, tc.want)
		}
	}
}

func TestDisplayText(t *testing.T) {
	for in, want := range map[string]string{
		"":             `""`,
		"v4.0":         "v4.0",
		"Time, Memory": "Time, Memory",
		"a\tb":         `"a\tb"`,
		"line\nbreak":  `"line\nbreak"`,
		`CONTOSO\shop`: `CONTOSO\shop`,
	} {
		if got := printers.Cell(in); got != want {
			t.Errorf("printers.Cell(%q) = %q, want %q", in, got, want)
		}
	}
}
