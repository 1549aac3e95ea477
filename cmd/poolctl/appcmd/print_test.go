package appcmd

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// samplePools are two pools: one with nested elements and a collection item, one
// with No Managed Code and a name that XML must escape.
func samplePools() []Pool {
	schedule := &Element{Name: "schedule", Children: []*Element{{Name: "add", Attrs: []Attr{{"value", "03:00:00"}}}}}
	return []Pool{
		{
			Name: "DefaultAppPool", RuntimeVersion: "v4.0", PipelineMode: "Integrated", State: "Started",
			Config: Element{Name: "add", Attrs: []Attr{{"name", "DefaultAppPool"}, {"queueLength", "1000"}},
				Children: []*Element{
					{Name: "processModel", Attrs: []Attr{{"identityType", "ApplicationPoolIdentity"}}},
					{Name: "recycling", Attrs: []Attr{{"logEventOnRecycle", "Time"}}, Children: []*Element{
						{Name: "periodicRestart", Attrs: []Attr{{"time", "1.05:00:00"}}, Children: []*Element{schedule}},
					}},
				}},
		},
		{Name: `A&B "Shop"`, RuntimeVersion: "", PipelineMode: "Classic", State: "Stopped",
			Config: Element{Name: "add", Attrs: []Attr{{"name", `A&B "Shop"`}}}},
	}
}

func TestPrinters(t *testing.T) {
	tests := []struct {
		golden string
		write  func(io.Writer, []Pool) error
	}{
		{"list.golden", WriteList},
		{"detail.golden", WriteDetail},
		{"xml.golden", WriteXML},
		{"attr.golden", func(w io.Writer, p []Pool) error { return WriteAttr(w, p, "PROCESSMODEL.identityType") }},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			pools := samplePools()
			pools[1].Config.Child("processModel").Attrs = []Attr{{"identityType", "NetworkService"}}
			var buf bytes.Buffer
			if err := tt.write(&buf, pools); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.golden, diff)
			}
		})
	}
}

func TestWriteAttrUnknown(t *testing.T) {
	err := WriteAttr(io.Discard, samplePools(), "nope")
	want := `ERROR ( message:Unknown attribute "nope".  Replace with -? for help. )`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestMatches(t *testing.T) {
	p := samplePools()[0]
	tests := []struct {
		name    string
		filters []Filter
		match   bool
		unknown string
	}{
		{"state any case", []Filter{{"STATE", "started"}}, true, ""},
		{"config path", []Filter{{"processModel.identityType", "applicationpoolidentity"}}, true, ""},
		{"other value", []Filter{{"state", "Stopped"}}, false, ""},
		{"unknown", []Filter{{"processModel.nope", "x"}}, false, "processModel.nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match, unknown := p.Matches(tt.filters)
			if match != tt.match || unknown != tt.unknown {
				t.Errorf("Matches = %v, %q; want %v, %q", match, unknown, tt.match, tt.unknown)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	got := []string{Added("N"), Changed("N"), Deleted("N"), Done("N", "started"), Worker(1234, "N"),
		AppliedSection("system.applicationHost/applicationPools"), NotFound("X").Error(), Duplicate("N").Error()}
	want := []string{
		`APPPOOL object "N" added`, `APPPOOL object "N" changed`, `APPPOOL object "N" deleted`,
		`"N" successfully started.`, `WP "1234" (applicationPool:N)`,
		`Applied configuration changes to section "system.applicationHost/applicationPools" for "MACHINE/WEBROOT/APPHOST" at configuration commit path "MACHINE/WEBROOT/APPHOST"`,
		`ERROR ( message:Cannot find APPPOOL object with identifier "X". )`,
		`ERROR ( message:Failed to add duplicate collection element "N". )`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}
