package apply

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// base is a small configuration in IIS's own layout: four-space indentation.
const base = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="DefaultAppPool" />
            <add name="Shop" queueLength="2000" managedRuntimeVersion="">
                <processModel identityType="NetworkService" />
                <recycling>
                    <periodicRestart>
                        <schedule>
                            <add value="03:00:00" />
                        </schedule>
                    </periodicRestart>
                </recycling>
            </add>
            <applicationPoolDefaults managedRuntimeVersion="v4.0">
                <processModel identityType="ApplicationPoolIdentity" />
            </applicationPoolDefaults>
        </applicationPools>
    </system.applicationHost>
</configuration>
`

// edit reads src, runs f on an editor for IIS 10, and returns the written text.
func edit(t *testing.T, src string, f func(ed *Editor) error) (string, *Editor, error) {
	t.Helper()
	doc, err := parse.ReadBytes("test.config", []byte(src), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ed, err := NewEditor(doc, schema.MustFor(schema.IIS10))
	if err != nil {
		return "", nil, err
	}
	if err := f(ed); err != nil {
		return "", ed, err
	}
	out, err := doc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return string(out), ed, nil
}

// ops parses edits of a pool.
func ops(t *testing.T, args ...string) []Op {
	t.Helper()
	var out []Op
	for _, a := range args {
		op, err := ParseOp(a, schema.MustFor(schema.IIS10).Pool())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, op)
	}
	return out
}

// applyTo applies edits to the named pool.
func applyTo(t *testing.T, pool string, args ...string) func(*Editor) error {
	return func(ed *Editor) error {
		p := ed.Pool(pool)
		if p == nil {
			t.Fatalf("no pool %s", pool)
		}
		for _, op := range ops(t, args...) {
			if err := ed.Apply(p, PoolScope(pool), op); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestEdits(t *testing.T) {
	tests := []struct {
		name string
		f    func(t *testing.T) func(*Editor) error
		// replace lists the expected differences: each old text of base becomes new.
		replace [][2]string
		changes []string
	}{
		{
			name:    "change a value in place",
			f:       func(t *testing.T) func(*Editor) error { return applyTo(t, "Shop", "queueLength=3000") },
			replace: [][2]string{{`queueLength="2000"`, `queueLength="3000"`}},
			changes: []string{`~ pool "Shop": queueLength: 2000 → 3000`},
		},
		{
			name:    "a new attribute goes at the end of its element",
			f:       func(t *testing.T) func(*Editor) error { return applyTo(t, "DefaultAppPool", "autoStart=false") },
			replace: [][2]string{{`<add name="DefaultAppPool" />`, `<add name="DefaultAppPool" autoStart="false" />`}},
			changes: []string{`+ pool "DefaultAppPool": autoStart: false`},
		},
		{
			name: "the same value writes nothing",
			f: func(t *testing.T) func(*Editor) error {
				return applyTo(t, "Shop", "queueLength=2000", "processModel.identityType=networkservice")
			},
		},
		{
			name: "a new child element is indented like its siblings",
			f: func(t *testing.T) func(*Editor) error {
				return applyTo(t, "Shop", "failure.rapidFailProtection=false")
			},
			replace: [][2]string{{"            </add>\n            <applicationPoolDefaults",
				"                <failure rapidFailProtection=\"false\" />\n            </add>\n            <applicationPoolDefaults"}},
			changes: []string{`+ pool "Shop": failure.rapidFailProtection: false`},
		},
		{
			name: "an empty element gains an indented child",
			f: func(t *testing.T) func(*Editor) error {
				return applyTo(t, "DefaultAppPool", "processModel.idleTimeout=00:30:00")
			},
			replace: [][2]string{{`            <add name="DefaultAppPool" />`,
				"            <add name=\"DefaultAppPool\">\n                <processModel idleTimeout=\"00:30:00\" />\n            </add>"}},
			changes: []string{`+ pool "DefaultAppPool": processModel.idleTimeout: 00:30:00`},
		},
		{
			name: "a schedule entry is added",
			f: func(t *testing.T) func(*Editor) error {
				return applyTo(t, "Shop", "recycling.periodicRestart.schedule+=04:00:00", "recycling.periodicRestart.schedule+=3:00:00")
			},
			replace: [][2]string{{`<add value="03:00:00" />`, "<add value=\"03:00:00\" />\n                            <add value=\"04:00:00\" />"}},
			changes: []string{`+ pool "Shop": recycling.periodicRestart.schedule[value='04:00:00']`},
		},
		{
			name: "a schedule entry is removed with its line",
			f: func(t *testing.T) func(*Editor) error {
				return applyTo(t, "Shop", "/-recycling.periodicRestart.schedule.[value='3:00:00']")
			},
			replace: [][2]string{{"\n                            <add value=\"03:00:00\" />", ""}},
			changes: []string{`- pool "Shop": recycling.periodicRestart.schedule[value='03:00:00']`},
		},
		{
			name: "environment variables are added and changed",
			f: func(t *testing.T) func(*Editor) error {
				return applyTo(t, "DefaultAppPool", "environmentVariables+=TEMP=C:\\temp", "environmentVariables+=temp=D:\\temp")
			},
			replace: [][2]string{{`            <add name="DefaultAppPool" />`,
				"            <add name=\"DefaultAppPool\">\n                <environmentVariables>\n                    <add name=\"TEMP\" value=\"D:\\temp\" />\n                </environmentVariables>\n            </add>"}},
			changes: []string{
				`+ pool "DefaultAppPool": environmentVariables[name='TEMP']: [value='C:\temp']`,
				`~ pool "DefaultAppPool": environmentVariables[name='temp'].value: C:\temp → D:\temp`,
			},
		},
		{
			name: "a pool is added at the end",
			f: func(t *testing.T) func(*Editor) error {
				return func(ed *Editor) error {
					p, err := ed.AddPool("New")
					if err != nil {
						return err
					}
					return ed.Apply(p, PoolScope("New"), ops(t, "managedPipelineMode=Classic")[0])
				}
			},
			replace: [][2]string{{"            </applicationPoolDefaults>\n",
				"            </applicationPoolDefaults>\n            <add name=\"New\" managedPipelineMode=\"Classic\" />\n"}},
			changes: []string{`+ pool "New"`, `+ pool "New": managedPipelineMode: Classic`},
		},
		{
			name: "a pool is deleted with its line",
			f: func(t *testing.T) func(*Editor) error {
				return func(ed *Editor) error { return ed.DeletePool("defaultapppool") }
			},
			replace: [][2]string{{"            <add name=\"DefaultAppPool\" />\n", ""}},
			changes: []string{`- pool "DefaultAppPool"`},
		},
		{
			name: "the defaults are edited",
			f: func(t *testing.T) func(*Editor) error {
				return func(ed *Editor) error {
					return ed.Apply(ed.Defaults(true), DefaultsScope, ops(t, "processModel.idleTimeout=00:10:00")[0])
				}
			},
			replace: [][2]string{{`<processModel identityType="ApplicationPoolIdentity" />`, `<processModel identityType="ApplicationPoolIdentity" idleTimeout="00:10:00" />`}},
			changes: []string{`+ applicationPoolDefaults: processModel.idleTimeout: 00:10:00`},
		},
		{
			name: "a password is never in a change",
			f: func(t *testing.T) func(*Editor) error {
				return applyTo(t, "Shop", "processModel.password=hunter2")
			},
			replace: [][2]string{{`<processModel identityType="NetworkService" />`, `<processModel identityType="NetworkService" password="hunter2" />`}},
			changes: []string{`+ pool "Shop": processModel.password (secret, not shown)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ed, err := edit(t, base, tt.f(t))
			if err != nil {
				t.Fatal(err)
			}
			want := base
			for _, r := range tt.replace {
				if !strings.Contains(want, r[0]) {
					t.Fatalf("bad test: base has no %q", r[0])
				}
				want = strings.Replace(want, r[0], r[1], 1)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("written (-want +got):\n%s", diff)
			}
			var changes []string
			for _, c := range ed.Changes {
				changes = append(changes, c.String())
			}
			if diff := cmp.Diff(tt.changes, changes); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEditKeepsLineEndings(t *testing.T) {
	src := strings.ReplaceAll(base, "\n", "\r\n")
	got, _, err := edit(t, src, applyTo(t, "DefaultAppPool", "processModel.idleTimeout=00:30:00"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
		t.Errorf("a bare LF was written:\n%q", got)
	}
}

func TestEditorErrors(t *testing.T) {
	tests := []struct {
		name, src string
		f         func(t *testing.T) func(*Editor) error
		want      string
	}{
		{"pool exists", base, func(t *testing.T) func(*Editor) error {
			return func(ed *Editor) error { _, err := ed.AddPool("shop"); return err }
		}, `pool "shop" already exists (as "Shop"; pool names compare case-insensitively)`},
		{"no such pool", base, func(t *testing.T) func(*Editor) error {
			return func(ed *Editor) error { return ed.DeletePool("Nope") }
		}, `no pool "Nope" (pools: DefaultAppPool, Shop)`},
		{"configSource", `<configuration><system.applicationHost><applicationPools configSource="pools.config" /></system.applicationHost></configuration>`,
			func(t *testing.T) func(*Editor) error { return func(*Editor) error { return nil } },
			`test.config: the applicationPools section is in the configSource file "pools.config"`},
		{"inherited schedule entry", `<configuration><system.applicationHost><applicationPools>
<applicationPoolDefaults><recycling><periodicRestart><schedule><add value="01:00:00"/></schedule></periodicRestart></recycling></applicationPoolDefaults>
<add name="A"/></applicationPools></system.applicationHost></configuration>`,
			func(t *testing.T) func(*Editor) error {
				return applyTo(t, "A", "recycling.periodicRestart.schedule-=01:00:00")
			},
			`pool "A": recycling.periodicRestart.schedule[value='01:00:00'] is inherited from <applicationPoolDefaults>, and <schedule> has no <remove>: edit the defaults (--defaults) instead`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := edit(t, tt.src, tt.f(t))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestInheritedVariableIsRemovedWithRemove(t *testing.T) {
	src := `<configuration><system.applicationHost><applicationPools>
    <applicationPoolDefaults>
        <environmentVariables>
            <add name="A" value="1" />
        </environmentVariables>
    </applicationPoolDefaults>
    <add name="P" />
</applicationPools></system.applicationHost></configuration>`
	got, _, err := edit(t, src, applyTo(t, "P", "environmentVariables-=a"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, `    <add name="P" />`,
		"    <add name=\"P\">\n        <environmentVariables>\n            <remove name=\"a\" />\n        </environmentVariables>\n    </add>", 1)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSectionIsCreated(t *testing.T) {
	src := "<configuration>\n  <system.webServer />\n</configuration>\n"
	got, _, err := edit(t, src, func(ed *Editor) error { _, err := ed.AddPool("P"); return err })
	if err != nil {
		t.Fatal(err)
	}
	want := "<configuration>\n  <system.webServer />\n  <system.applicationHost>\n    <applicationPools>\n      <add name=\"P\" />\n    </applicationPools>\n  </system.applicationHost>\n</configuration>\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // "" for no error
	}{
		{"valid", []string{"processModel.idleTimeout=00:30:00"}, ""},
		{"granularity", []string{"processModel.idleTimeout=00:30:30"}, "PC104"},
		{"pool name", []string{"name=a/b"}, "PC105"},
		{"enum", []string{"managedPipelineMode=Classik"}, "PC103"},
		{"range", []string{"queueLength=5"}, "PC104"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := edit(t, base, func(ed *Editor) error {
				if err := applyTo(t, "Shop", tt.args...)(ed); err != nil {
					return err
				}
				return ed.Check()
			})
			var ce *CheckError
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.want != "" && !errors.As(err, &ce):
				t.Fatalf("Check = %v, want a CheckError", err)
			case tt.want != "" && (len(ce.Findings) != 1 || ce.Findings[0].Rule != tt.want):
				t.Errorf("findings = %v, want one %s", ce.Findings, tt.want)
			}
		})
	}
}

// TestCheckIgnoresOldErrors checks that an error the pool had before an edit does not
// refuse the edit.
func TestCheckIgnoresOldErrors(t *testing.T) {
	src := strings.Replace(base, `queueLength="2000"`, `queueLength="5"`, 1)
	_, _, err := edit(t, src, func(ed *Editor) error {
		if err := applyTo(t, "Shop", "autoStart=false")(ed); err != nil {
			return err
		}
		return ed.Check()
	})
	if err != nil {
		t.Errorf("Check = %v, want nil", err)
	}
}

func TestConfigSourcePath(t *testing.T) {
	tests := []struct{ source, want string }{
		{"pools.config", "/etc/iis/pools.config"},
		{`config\pools.config`, "/etc/iis/config/pools.config"},
		{"../pools.config", "error"},
		{"/pools.config", "error"},
		{"", "error"},
	}
	for _, tt := range tests {
		got, err := (&ConfigSourceError{File: "/etc/iis/applicationHost.config", Source: tt.source}).Path()
		if err != nil {
			got = "error"
		}
		if got != tt.want {
			t.Errorf("Path(%q) = %q (%v), want %q", tt.source, got, err, tt.want)
		}
	}
}
