package excerpt

import (
	"fmt"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	long := strings.Repeat("a", 52428800)
	tests := []struct {
		name, format string
		arg          any
		want         string
	}{
		{"short %q stays whole", "%q", String("Classic"), `"Classic"`},
		{"short %s stays whole", "%s", String("Classic"), `Classic`},
		{"long %q is cut", "%q", String(long), `"` + strings.Repeat("a", Max) + `"… (52428800 bytes)`},
		{"long %s is cut", "%s", String(long), strings.Repeat("a", Max) + "… (52428800 bytes)"},
		{"cut at a character boundary", "%s", String("a" + strings.Repeat("é", Max)), "a" + strings.Repeat("é", (Max-1)/2) + "… (401 bytes)"},
		{"Args cuts a long string", "%q", Args([]any{long})[0], `"` + strings.Repeat("a", Max) + `"… (52428800 bytes)`},
		{"Args keeps a short string", "%q", Args([]any{"x"})[0], `"x"`},
		{"Args keeps a string a little over Max (a message part that quotes a cut value)", "%s", Args([]any{strings.Repeat("b", Max+10)})[0], strings.Repeat("b", Max+10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprintf(tt.format, tt.arg); got != tt.want {
				t.Errorf("Sprintf(%s) = %.300q, want %.300q", tt.format, got, tt.want)
			}
		})
	}
}
