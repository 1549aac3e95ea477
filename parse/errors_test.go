package parse

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"with file", &Error{Pos: Pos{File: "a.config", Line: 3, Col: 7, Offset: 40}, Msg: "bad"}, "a.config:3:7: bad"},
		{"without file", &Error{Pos: Pos{Line: 1, Col: 1}, Msg: "empty document"}, "1:1: empty document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorAs(t *testing.T) {
	_, err := ReadBytes("x.config", []byte("<a>"), Options{})
	wrapped := fmt.Errorf("loading: %w", err)
	var pe *Error
	if !errors.As(wrapped, &pe) {
		t.Fatalf("errors.As(%v) found no *Error", wrapped)
	}
	if pe.Pos.File != "x.config" || !pe.Pos.IsValid() {
		t.Errorf("Pos = %+v, want a valid position in x.config", pe.Pos)
	}
}
