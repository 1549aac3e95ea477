package schema

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in   string
		want Version
		err  bool
	}{
		{"iis7.0", IIS70, false}, {"iis7", IIS70, false}, {"7.5", IIS75, false},
		{"IIS8.0", IIS80, false}, {"iis8.5", IIS85, false}, {"iis10", IIS10, false},
		{"10.0", IIS10, false}, {"iis6", 0, true}, {"", 0, true}, {"iis11", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseVersion(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("ParseVersion(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
			}
			if err == nil {
				if back, _ := ParseVersion(got.String()); back != got {
					t.Fatalf("String() %q does not parse back", got)
				}
			}
		})
	}
}

// TestVersionFacts pins the differences between versions that the rest of poolctl
// depends on; TestAgreesWithReference proves them against the files too.
func TestVersionFacts(t *testing.T) {
	type fact struct {
		version Version
		path    string
		check   func(a *Attribute) string
	}
	def := func(want string) func(a *Attribute) string {
		return func(a *Attribute) string {
			if a == nil || a.Default != want {
				return "default " + want
			}
			return ""
		}
	}
	present := func(want bool) func(a *Attribute) string {
		return func(a *Attribute) string {
			if (a != nil) != want {
				return map[bool]string{true: "present", false: "absent"}[want]
			}
			return ""
		}
	}
	minimum := func(want int64) func(a *Attribute) string {
		return func(a *Attribute) string {
			if a == nil || a.Validation == nil || a.Validation.Min != want {
				return "minimum " + string(rune('0'+want))
			}
			return ""
		}
	}
	hasValue := func(name string, want bool) func(a *Attribute) string {
		return func(a *Attribute) string {
			_, ok := a.Value(name)
			if ok != want {
				return "value " + name
			}
			return ""
		}
	}
	facts := []fact{
		{IIS70, "processModel.identityType", def("NetworkService")},
		{IIS75, "processModel.identityType", def("ApplicationPoolIdentity")},
		{IIS10, "processModel.identityType", def("ApplicationPoolIdentity")},
		{IIS75, "processModel.maxProcesses", minimum(1)},
		{IIS80, "processModel.maxProcesses", minimum(0)},
		{IIS80, "processModel.idleTimeoutAction", present(false)},
		{IIS85, "processModel.idleTimeoutAction", present(true)},
		{IIS85, "environmentVariables[].name", present(false)},
		{IIS10, "environmentVariables[].name", present(true)},
		{IIS70, "startMode", present(false)},
		{IIS75, "startMode", present(true)},
		{IIS70, "processModel.logonType", present(false)},
		{IIS75, "cpu.action", hasValue("Throttle", false)},
		{IIS80, "cpu.action", hasValue("Throttle", true)},
		{IIS75, "managedRuntimeVersion", def("v2.0")},
		{IIS80, "managedRuntimeVersion", def("")},
		{IIS85, "recycling.logEventOnRecycle", def("Time, Memory, PrivateMemory")},
		{IIS10, "recycling.periodicRestart.schedule[].value", present(true)},
	}
	for _, f := range facts {
		t.Run(f.version.String()+"/"+f.path, func(t *testing.T) {
			a := Lookup(MustFor(f.version).Pool(), f.path)
			if msg := f.check(a); msg != "" {
				t.Errorf("want %s, got %+v", msg, a)
			}
		})
	}
}

// TestDefaultsParse proves that every default in the tables parses and passes its own
// validator, for every version and every section.
func TestDefaultsParse(t *testing.T) {
	for _, v := range Versions() {
		for _, sec := range MustFor(v).Sections() {
			for _, pa := range Flatten(sec.Root) {
				if !pa.HasDefault {
					continue
				}
				if _, err := pa.ParseAndValidate(pa.Default); err != nil {
					t.Errorf("%s %s %s: default: %v", v, sec.Path, pa.Path, err)
				}
			}
		}
	}
}

func TestFlattenPaths(t *testing.T) {
	var paths []string
	for _, pa := range Flatten(MustFor(IIS10).Pool()) {
		paths = append(paths, pa.Path)
	}
	for _, want := range []string{
		"name", "queueLength", "processModel.idleTimeout", "recycling.periodicRestart.time",
		"recycling.periodicRestart.schedule[].value", "environmentVariables[].name",
		"environmentVariables[].value", "failure.rapidFailProtectionMaxCrashes", "cpu.numaNodeAffinityMode",
	} {
		found := false
		for _, p := range paths {
			found = found || p == want
		}
		if !found {
			t.Errorf("path %q missing from %v", want, paths)
		}
	}
	if got := len(paths); got != 55 {
		t.Errorf("IIS 10 pool has %d attributes, want 55", got)
	}
}

func TestJSONGolden(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := MustFor(v).WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "schema."+v.String()+".json"), buf.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
