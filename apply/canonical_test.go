package apply

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/desired"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/validate"
)

// spellingBase holds one pool, which a site uses.
const spellingBase = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="Shop" managedRuntimeVersion="" />
        </applicationPools>
    </system.applicationHost>
</configuration>
`

// spellingCases are values given in other spellings than IIS's, in each way an edit
// can give them ("" skips a way: JSON and YAML desired states are checked against a
// JSON Schema that already wants enum names and booleans as the schema spells them),
// and the attribute text IIS would write.
var spellingCases = []struct {
	name string
	op   string // poolctl's KEY=VALUE, KEY+=ITEM
	// appcmd is appcmd's /KEY:VALUE or /+KEY.[...].
	appcmd string
	// xml, json and yaml are the inside of the pool "Shop" of a desired state.
	xml, json, yaml string
	want            string // the attribute as written
}{
	{"enum in lower case", "processModel.identityType=networkservice", "/processModel.identityType:networkservice",
		`<processModel identityType="networkservice"/>`, "", "", `identityType="NetworkService"`},
	{"enum in upper case", "startMode=ALWAYSRUNNING", "/startMode:ALWAYSRUNNING",
		`<add startMode="ALWAYSRUNNING"/>`, "", "", `startMode="AlwaysRunning"`},
	{"enum by number", "processModel.identityType=4", "/processModel.identityType:4",
		`<processModel identityType="4"/>`, "", "", `identityType="ApplicationPoolIdentity"`},
	{"enum in failure", "failure.loadBalancerCapabilities=tcplevel", "/failure.loadBalancerCapabilities:tcplevel",
		`<failure loadBalancerCapabilities="tcplevel"/>`, "", "", `loadBalancerCapabilities="TcpLevel"`},
	{"flags out of order", "recycling.logEventOnRecycle=memory,time", "/recycling.logEventOnRecycle:Memory,Time",
		`<recycling logEventOnRecycle="memory,  time"/>`, `"recycling": {"logEventOnRecycle": "Memory,Time"}`,
		"recycling:\n      logEventOnRecycle: Memory,Time", `logEventOnRecycle="Time, Memory"`},
	{"bool in upper case", "enable32BitAppOnWin64=TRUE", "/enable32BitAppOnWin64:True",
		`<add enable32BitAppOnWin64="TRUE"/>`, "", "", `enable32BitAppOnWin64="true"`},
	{"number with leading zeros", "queueLength=02000", "/queueLength:02000",
		`<add queueLength="02000"/>`, `"queueLength": 2e3`, "", `queueLength="2000"`},
	{"timeSpan with zero days", "processModel.idleTimeout=0.00:30:00", "/processModel.idleTimeout:0.00:30:00",
		`<processModel idleTimeout="0.00:30:00"/>`, `"processModel": {"idleTimeout": "0.00:30:00"}`,
		"processModel:\n      idleTimeout: 0.00:30:00", `idleTimeout="00:30:00"`},
	{"timeSpan without leading zeros", "processModel.pingInterval=0:0:45", "/processModel.pingInterval:0:0:45",
		`<processModel pingInterval="0:0:45"/>`, `"processModel": {"pingInterval": "0:0:45"}`,
		"processModel:\n      pingInterval: \"0:0:45\"", `pingInterval="00:00:45"`},
	{"timeSpan over a day in hours", "recycling.periodicRestart.time=29:00:00", "/recycling.periodicRestart.time:29:00:00",
		`<recycling><periodicRestart time="29:00:00"/></recycling>`, `"recycling": {"periodicRestart": {"time": "29:00:00"}}`,
		"recycling:\n      periodicRestart:\n        time: \"29:00:00\"", `time="1.05:00:00"`},
	{"timeSpan as a bare number of days", "processModel.idleTimeout=1", "/processModel.idleTimeout:1",
		`<processModel idleTimeout="1"/>`, `"processModel": {"idleTimeout": "1"}`,
		"processModel:\n      idleTimeout: \"1\"", `idleTimeout="1.00:00:00"`},
	{"schedule item", "recycling.periodicRestart.schedule+=3:00:00", "/+recycling.periodicRestart.schedule.[value='3:00:00']",
		`<recycling><periodicRestart><schedule><add value="3:00:00"/></schedule></periodicRestart></recycling>`,
		`"recycling": {"periodicRestart": {"schedule": [{"value": "3:00:00"}]}}`,
		"recycling:\n      periodicRestart:\n        schedule:\n          - value: \"3:00:00\"", `<add value="03:00:00" />`},
}

// TestEditsWriteCanonicalSpelling checks that set, add and apply (from XML, JSON and
// YAML) write IIS's spelling, and that lint then finds nothing to say about it.
func TestEditsWriteCanonicalSpelling(t *testing.T) {
	s := schema.MustFor(schema.IIS10)
	for _, tt := range spellingCases {
		ways := map[string]func(*Editor) error{
			"set":        applyTo(t, "Shop", tt.op),
			"set appcmd": applyTo(t, "Shop", tt.appcmd),
			"add": func(ed *Editor) error {
				p, err := ed.AddPool("New")
				if err != nil {
					return err
				}
				return ed.Apply(p, PoolScope("New"), ops(t, tt.op)[0])
			},
		}
		desiredStates := map[string]string{
			"apply xml":  "<applicationPools><add name=\"Shop\">" + tt.xml + "</add></applicationPools>",
			"apply json": fmt.Sprintf(`{"applicationPools": [{"name": "Shop", %s}]}`, tt.json),
			"apply yaml": "applicationPools:\n  - name: Shop\n    " + strings.ReplaceAll(tt.yaml, "\n", "\n  ") + "\n",
		}
		if attrs, ok := strings.CutPrefix(tt.xml, "<add "); ok { // attributes of the pool itself
			desiredStates["apply xml"] = `<applicationPools><add name="Shop" ` + attrs + "</applicationPools>"
		}
		skip := map[string]bool{"apply json": tt.json == "", "apply yaml": tt.yaml == ""}
		for way, text := range desiredStates {
			if skip[way] {
				continue
			}
			name := map[string]string{"apply xml": "desired.xml", "apply json": "desired.json", "apply yaml": "desired.yaml"}[way]
			ways[way] = func(ed *Editor) error {
				_, want, err := desired.Read(name, []byte(text), s)
				if err != nil {
					return fmt.Errorf("%s:\n%s", err, text)
				}
				return ed.Converge(want, ConvergeOptions{})
			}
		}
		for way, f := range ways {
			t.Run(tt.name+"/"+way, func(t *testing.T) {
				got, ed, err := edit(t, spellingBase, f)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(got, tt.want) {
					t.Errorf("written file lacks %s:\n%s", tt.want, got)
				}
				if err := ed.Check(); err != nil {
					t.Errorf("Check: %v", err)
				}
				lintClean(t, got)
			})
		}
	}
}

// lintClean fails the test when lint reports an error, or a value spelled other than
// IIS spells it (PC310, PC314).
func lintClean(t *testing.T, src string) {
	t.Helper()
	ds, err := validate.LintBytes("test.config", []byte(src), validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Severity == validate.Error || d.Rule == validate.RuleNonCanonical || d.Rule == validate.RuleBareTimeSpan {
			t.Errorf("lint: %s", d)
		}
	}
}

// TestUntouchedSpellingsKeepTheirBytes checks that only the values an edit names are
// respelled: one named in another spelling is rewritten, once.
func TestUntouchedSpellingsKeepTheirBytes(t *testing.T) {
	src := strings.Replace(spellingBase, `<add name="Shop" managedRuntimeVersion="" />`,
		`<add name="Shop" managedRuntimeVersion="" managedPipelineMode="classic" autoStart="TRUE" />`, 1)
	got, ed, err := edit(t, src, applyTo(t, "Shop", "queueLength=2000"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, `autoStart="TRUE" />`, `autoStart="TRUE" queueLength="2000" />`, 1)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(ed.Changes) != 1 {
		t.Errorf("changes %v, want one", ed.Changes)
	}

	got, ed, err = edit(t, src, applyTo(t, "Shop", "managedPipelineMode=Classic"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(src, `"classic"`, `"Classic"`, 1); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(ed.Changes) != 1 || ed.Changes[0].String() != `~ pool "Shop": managedPipelineMode: classic → Classic` {
		t.Errorf("changes %v, want classic → Classic", ed.Changes)
	}

	_, ed, err = edit(t, got, applyTo(t, "Shop", "managedPipelineMode=CLASSIC"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ed.Changes) != 0 {
		t.Errorf("changes %v, want none: the file holds the value in IIS's spelling", ed.Changes)
	}
}

// TestBareTimeSpanNote checks that an edit that writes a bare number as days says so.
func TestBareTimeSpanNote(t *testing.T) {
	_, ed, err := edit(t, spellingBase, applyTo(t, "Shop", "processModel.idleTimeout=20"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`pool "Shop": processModel.idleTimeout: 20 is read as 20 days (20.00:00:00); for 20 minutes write 00:20:00`}
	if diff := cmp.Diff(want, ed.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// TestBareTimeSpanOutOfRange checks that an edit refused for a bare number out of
// range quotes the value as given, says how IIS reads it and where it stands.
func TestBareTimeSpanOutOfRange(t *testing.T) {
	_, ed, err := edit(t, spellingBase, applyTo(t, "Shop", "/processModel.idleTimeout:45"))
	if err != nil {
		t.Fatal(err)
	}
	err = ed.Check()
	want := `test.config:6:44: pool "Shop": processModel.idleTimeout "45" must be from 0 to 2592000 seconds (00:00:00 to 30.00:00:00): 45 is read as 45 days (45.00:00:00); for 45 minutes write 00:45:00 (PC104)`
	if err == nil || err.Error() != want {
		t.Errorf("Check = %v\nwant      %s", err, want)
	}
}
