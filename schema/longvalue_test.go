package schema

import (
	"strings"
	"testing"
)

// TestParseLongNumbers checks that numbers longer than strconv reads are read as
// strconv would (it copies its input into its errors, so they are shortened first).
func TestParseLongNumbers(t *testing.T) {
	queue := Lookup(MustFor(IIS10).Pool(), "queueLength")
	mode := Lookup(MustFor(IIS10).Pool(), "managedPipelineMode")
	zeros := strings.Repeat("0", 100)
	tests := []struct {
		name    string
		a       *Attribute
		text    string
		want    int64
		wantErr string
	}{
		{"leading zeros", queue, zeros + "5", 5, ""},
		{"all zeros", queue, zeros, 0, ""},
		{"too many digits", queue, strings.Repeat("9", 100), 0, "out of the uint range"},
		{"negative, too many digits", queue, "-" + strings.Repeat("9", 100), 0, "out of the uint range"},
		{"long letters", queue, strings.Repeat("a", 100), 0, "not a uint"},
		{"long plus", queue, "+" + zeros + "1", 0, "not a uint"},
		{"enum by a number with leading zeros", mode, zeros + "1", 1, ""},
		{"enum by a long word", mode, strings.Repeat("a", 100), 0, "enum must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := tt.a.Parse(tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse = %v, %v; want %q", v.Int, err, tt.wantErr)
				}
				if len(err.Error()) > 400 {
					t.Errorf("error of %d bytes; want the value cut", len(err.Error()))
				}
				return
			}
			if err != nil || v.Int != tt.want {
				t.Errorf("Parse = %d, %v; want %d", v.Int, err, tt.want)
			}
		})
	}
}
