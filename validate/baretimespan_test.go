package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBareTimeSpan checks which rule a timeSpan written as a bare number draws: PC314
// in range, PC104 (which says how IIS reads it) out of range, and none for zero.
func TestBareTimeSpan(t *testing.T) {
	tests := []struct {
		attrs string
		want  []string
	}{
		{`idleTimeout="1"`, []string{`test.config:4:32: warning PC314: pool "Shop": processModel.idleTimeout "1" is a bare number, which IIS reads as days: 1 day (1.00:00:00)`}},
		{`idleTimeout="45"`, []string{`test.config:4:32: error PC104: pool "Shop": processModel.idleTimeout "45" must be from 0 to 2592000 seconds (00:00:00 to 30.00:00:00): 45 is read as 45 days (45.00:00:00); for 45 minutes write 00:45:00`}},
		{`pingInterval="90"`, []string{`test.config:4:33: error PC104: pool "Shop": processModel.pingInterval "90" must be from 1 to 4294967 seconds (00:00:01 to 49.17:02:47): 90 is read as 90 days (90.00:00:00); for 90 seconds write 00:01:30, for 90 minutes write 01:30:00`}},
		{`idleTimeout="0"`, nil},
		{`idleTimeout="00:45:00"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.attrs, func(t *testing.T) {
			src := `<configuration><system.applicationHost>
<applicationPools>
  <add name="Shop" managedRuntimeVersion="">
    <processModel ` + tt.attrs + ` />
  </add>
</applicationPools>
<sites><site name="S" id="1"><application path="/" applicationPool="Shop" /></site></sites>
</system.applicationHost></configuration>`
			ds, err := LintBytes("test.config", []byte(src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
