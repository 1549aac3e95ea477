package printers_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/validate"
)

// bigValueConfig returns a configuration whose pool has attribute attr set to a value
// of n bytes.
func bigValueConfig(attr string, n int) []byte {
	return fmt.Appendf(nil, `<configuration><system.applicationHost><applicationPools><add name="p" %s="%s"/></applicationPools></system.applicationHost></configuration>`,
		attr, strings.Repeat("a", n))
}

// TestBigValueIsCut checks that a huge value is shown as an excerpt in every format,
// in the message and in the source line.
func TestBigValueIsCut(t *testing.T) {
	const n = 1 << 20
	for _, attr := range []string{"managedPipelineMode", "queueLength", "startMode", "foo"} {
		ds, err := validate.LintBytes("big.config", bigValueConfig(attr, n), validate.Options{})
		if err != nil || len(ds) == 0 {
			t.Fatalf("%s: LintBytes = %v, %v; want a finding", attr, ds, err)
		}
		for _, format := range printers.Formats() {
			t.Run(attr+"/"+format, func(t *testing.T) {
				p, err := printers.New(format, printers.Options{})
				if err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				if err := p.Print(&out, ds, validate.Summary{Files: 1}); err != nil {
					t.Fatal(err)
				}
				// SARIF carries the rule descriptions: some 32 KiB.
				if out.Len() > 64<<10 {
					t.Errorf("%d bytes of output for a value of %d bytes; want the value cut", out.Len(), n)
				}
				if attr != "foo" && !strings.Contains(out.String(), fmt.Sprintf("… (%d bytes)", n)) {
					t.Errorf("output does not say how long the cut value is:\n%.2000s", out.String())
				}
			})
		}
	}
}

// TestBigValueMemory checks that linting a file with a huge invalid value allocates
// a small multiple of the file, not a copy per message, quote and suggestion.
func TestBigValueMemory(t *testing.T) {
	const n = 8 << 20
	for _, attr := range []string{"managedPipelineMode", "queueLength", "startMode"} {
		t.Run(attr, func(t *testing.T) {
			src := bigValueConfig(attr, n)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			ds, err := validate.LintBytes("big.config", src, validate.Options{})
			runtime.ReadMemStats(&after)
			if err != nil || len(ds) == 0 {
				t.Fatalf("LintBytes = %v, %v; want a finding", ds, err)
			}
			// One copy of the source as text, and room for the rest.
			if got := after.TotalAlloc - before.TotalAlloc; got > 3*n {
				t.Errorf("linting a %d-byte value allocated %d bytes (%.1fx); want at most 3x", n, got, float64(got)/n)
			}
		})
	}
}
