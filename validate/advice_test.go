package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

func TestPasswordIsEmpty(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"", true},
		{"[enc:IISWASOnlyAesProvider::enc]", true},
		{"[enc:AesProvider:QUJD:enc]", false},
		{"secret", false},
		{" ", false},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := passwordIsEmpty(tt.s); got != tt.want {
				t.Errorf("passwordIsEmpty(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}

func TestRecycleClash(t *testing.T) {
	const h, m = time.Hour, time.Minute
	tests := []struct {
		name     string
		period   time.Duration
		times    []time.Duration
		from, to int
		at       time.Duration
		ok       bool
	}{
		{"period divides the day", 8 * h, []time.Duration{3 * h}, 0, 0, 3 * h, true},
		{"ten minutes before", 23*h + 50*m, []time.Duration{3 * h}, 0, 0, 2*h + 50*m, true},
		{"fifteen minutes before", 23*h + 45*m, []time.Duration{3 * h}, 0, 0, 2*h + 45*m, true},
		{"sixteen minutes before", 23*h + 44*m, []time.Duration{3 * h}, 0, 0, 0, false},
		{"exactly a day", 24 * h, []time.Duration{3 * h}, 0, 0, 3 * h, true},
		{"the 29-hour default", 29 * h, []time.Duration{3 * h}, 0, 0, 0, false},
		{"hours apart", 5 * h, []time.Duration{3 * h}, 0, 0, 0, false},
		{"between two entries", 11*h + 45*m, []time.Duration{6 * h, 18 * h}, 0, 1, 17*h + 45*m, true},
		{"just clear of two entries", 11*h + 44*m, []time.Duration{6 * h, 18 * h}, 0, 0, 0, false},
		{"at midnight", 12 * h, []time.Duration{0, 12 * h}, 0, 1, 12 * h, true},
		{"over midnight", 1*h + 55*m, []time.Duration{2 * h, 22 * h}, 1, 0, 1*h + 50*m, true},
		{"no clash over midnight", 1*h + 50*m, []time.Duration{2 * h, 22 * h}, 0, 0, 0, false},
		{"a period shorter than the window", 10 * m, []time.Duration{3 * h}, 0, 0, 3 * h, true},
		{"time off", 0, []time.Duration{3 * h}, 0, 0, 0, false},
		{"no schedule", 8 * h, nil, 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to, at, ok := recycleClash(tt.period, tt.times)
			if ok != tt.ok || ok && (from != tt.from || to != tt.to || at != tt.at) {
				t.Errorf("recycleClash(%v, %v) = %d, %d, %v, %v; want %d, %d, %v, %v",
					tt.period, tt.times, from, to, at, ok, tt.from, tt.to, tt.at, tt.ok)
			}
		})
	}
}

func TestCPUPercent(t *testing.T) {
	tests := []struct {
		limit int64
		want  string
	}{
		{100000, "100"}, {50000, "50"}, {12345, "12.345"}, {500, "0.5"}, {10, "0.01"}, {1, "0.001"},
	}
	for _, tt := range tests {
		if got := cpuPercent(tt.limit); got != tt.want {
			t.Errorf("cpuPercent(%d) = %q, want %q", tt.limit, got, tt.want)
		}
	}
}

func TestStrongest(t *testing.T) {
	at := func(o parse.Origin, line int) blame { return blame{origin: o, pos: parse.Pos{Line: line}} }
	tests := []struct {
		name string
		in   []blame
		want int // the line of the blame chosen
	}{
		{"one", []blame{at(parse.FromPool, 1)}, 1},
		{"the pool over the defaults", []blame{at(parse.FromPoolDefaults, 1), at(parse.FromPool, 2)}, 2},
		{"the defaults over the schema", []blame{at(parse.FromSchema, 1), at(parse.FromPoolDefaults, 2)}, 2},
		{"the first on a tie", []blame{at(parse.FromPool, 1), at(parse.FromPool, 2), at(parse.FromSchema, 3)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strongest(tt.in...).pos.Line; got != tt.want {
				t.Errorf("strongest chose line %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPoolFindingSubject(t *testing.T) {
	tests := []struct {
		origin parse.Origin
		pools  []string
		want   string
	}{
		{parse.FromPool, []string{"A"}, `pool "A"`},
		{parse.FromSchema, []string{"A"}, `pool "A"`},
		{parse.FromPoolDefaults, []string{"A"}, `applicationPoolDefaults (inherited by pool "A")`},
		{parse.FromPoolDefaults, []string{"A", "B"}, `applicationPoolDefaults (inherited by pools "A" and "B")`},
		{parse.FromPoolDefaults, []string{"A", "B", "C"}, `applicationPoolDefaults (inherited by pools "A", "B" and "C")`},
		{parse.FromPoolDefaults, []string{"A", "B", "C", "D", "E"}, `applicationPoolDefaults (inherited by pools "A", "B", "C" and 2 more)`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			f := newPoolFindings(nil)
			b := blame{origin: tt.origin, pos: parse.Pos{File: "f", Line: 1, Col: 1}}
			for _, name := range tt.pools {
				f.add(RuleLocalSystem, &parse.Pool{Name: name}, b, "fix", "what")
			}
			if len(f.list) != 1 {
				t.Fatalf("%d findings, want 1", len(f.list))
			}
			if got := f.list[0].subject(); got != tt.want {
				t.Errorf("subject = %q, want %q", got, tt.want)
			}
		})
	}
}

// adviceDiags returns the diagnostics of the advice rules (PC3xx but PC310) as
// strings.
func adviceDiags(ds []Diagnostic) []string {
	out := []string{}
	for _, d := range ds {
		if strings.HasPrefix(d.Rule, "PC3") && d.Rule != RuleNonCanonical {
			out = append(out, d.String())
		}
	}
	return out
}

func TestCheckAdvice(t *testing.T) {
	// site runs an application in each pool that the tests name.
	const site = `      <site name="S" id="1">
        <application path="/" applicationPool="A" />
        <application path="/b" applicationPool="B" />
        <application path="/c" applicationPool="C" />
        <application path="/d" applicationPool="D" />
        <application path="/e" applicationPool="E" />
      </site>
`
	tests := []struct {
		name   string
		target schema.Version
		pools  string
		want   []string
	}{
		{
			name:   "maxProcesses 0 before IIS 8.0 is the schema check's",
			target: schema.IIS75,
			pools:  `      <add name="A"><processModel maxProcesses="0" /></add>` + "\n",
			want:   []string{},
		},
		{
			name:   "maxProcesses 0 from IIS 8.0",
			target: schema.IIS80,
			pools:  `      <add name="A"><processModel maxProcesses="0" /></add>` + "\n",
			want:   []string{`test.config:4:49: info PC309: pool "A": processModel.maxProcesses is 0, which starts one worker per NUMA node: a web garden, in which in-process session state is per worker`},
		},
		{
			name:   "before IIS 8.5 an idle timeout always terminates",
			target: schema.IIS80,
			pools:  `      <add name="A" startMode="AlwaysRunning" />` + "\n",
			want:   []string{`test.config:4:32: warning PC311: pool "A": startMode is AlwaysRunning but processModel.idleTimeout 00:20:00 terminates the warm worker after a quiet spell`},
		},
		{
			name:   "IIS 7.0 has no startMode",
			target: schema.IIS70,
			pools:  `      <add name="A" startMode="AlwaysRunning" />` + "\n",
			want:   []string{},
		},
		{
			name:   "Suspend keeps the worker",
			target: schema.IIS85,
			pools:  `      <add name="A" startMode="AlwaysRunning"><processModel idleTimeoutAction="Suspend" /></add>` + "\n",
			want:   []string{},
		},
		{
			name: "invalid values are the schema check's",
			pools: `      <add name="A" startMode="Always">
        <processModel identityType="Root" pingingEnabled="nope" maxProcesses="-1" password="" />
        <failure rapidFailProtection="no" orphanWorkerProcess="yes" />
        <cpu limit="fifty" action="NoAction" />
        <recycling><periodicRestart time="eight hours"><schedule><add value="03:00:00" /></schedule></periodicRestart></recycling>
      </add>
      <add name="B"><processModel pingResponseTime="00:00:10" pingInterval="0" /></add>
      <add name="C"><recycling><periodicRestart time="08:00:00"><schedule><add value="25:00:00" /></schedule></periodicRestart></recycling></add>
`,
			want: []string{},
		},
		{
			name: "an inherited value is reported once",
			pools: `      <add name="A" />
      <add name="B" />
      <add name="C" />
      <add name="D" />
      <add name="E"><processModel identityType="NetworkService" /></add>
      <applicationPoolDefaults><processModel identityType="LocalSystem" /></applicationPoolDefaults>
`,
			want: []string{`test.config:9:60: warning PC302: applicationPoolDefaults (inherited by pools "A", "B", "C" and 1 more): identityType is LocalSystem, so code in the pool can do anything the operating system can`},
		},
		{
			name: "the pool's own value is blamed before an inherited one",
			pools: `      <add name="A"><processModel pingResponseTime="00:01:00" /></add>
      <add name="B" />
      <applicationPoolDefaults><processModel pingInterval="00:02:00" /></applicationPoolDefaults>
`,
			want: []string{
				`test.config:4:53: warning PC306: pool "A": processModel.pingResponseTime 00:01:00 is shorter than pingInterval 00:02:00, so a busy but healthy worker is declared unhealthy and recycled`,
				`test.config:6:60: warning PC306: applicationPoolDefaults (inherited by pool "B"): processModel.pingResponseTime 00:01:30 is shorter than pingInterval 00:02:00, so a busy but healthy worker is declared unhealthy and recycled`,
			},
		},
		{
			name: "an inherited schedule with the pool's own time",
			pools: `      <add name="A"><recycling><periodicRestart time="08:00:00" /></recycling></add>
      <applicationPoolDefaults><recycling><periodicRestart><schedule><add value="03:00:00" /></schedule></periodicRestart></recycling></applicationPoolDefaults>
`,
			want: []string{`test.config:4:55: warning PC307: pool "A": recycling.periodicRestart.time 08:00:00 recycles at 03:00:00 the worker that the 03:00:00 schedule entry started, just when the 03:00:00 schedule entry recycles again, so the pool recycles twice`},
		},
		{
			name: "a duplicate pool is advised once",
			pools: `      <add name="A"><processModel pingingEnabled="false" /></add>
      <add name="a"><processModel pingingEnabled="false" /></add>
`,
			want: []string{`test.config:4:51: warning PC304: pool "A": processModel.pingingEnabled is false, so WAS does not notice a hung worker`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := adviceDiags(lintConfigText(t, appHostConfig(tt.pools, site), Options{Target: tt.target}))
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHideSecrets(t *testing.T) {
	tests := []struct {
		name  string
		pools string
		// want maps the rule of a diagnostic to the source line it must carry.
		want map[string]string
	}{
		{
			name:  "another rule's line",
			pools: `      <add name="A"><processModel identityType="LocalSystem" password="hunter2" /></add>` + "\n",
			want: map[string]string{
				RuleLocalSystem:       `      <add name="A"><processModel identityType="LocalSystem" password="********" /></add>`,
				RulePlaintextPassword: `      <add name="A"><processModel identityType="LocalSystem" password="********" /></add>`,
				RuleUnusedPassword:    `      <add name="A"><processModel identityType="LocalSystem" password="********" /></add>`,
			},
		},
		{
			name:  "single quotes and an escaped quote",
			pools: `      <add name="A"><processModel password='hun&apos;ter"2' identityType='LocalSystem' /></add>` + "\n",
			want: map[string]string{
				RuleLocalSystem: `      <add name="A"><processModel password='********' identityType='LocalSystem' /></add>`,
			},
		},
		{
			name:  "an encrypted password is hidden too",
			pools: `      <add name="A"><processModel identityType="LocalSystem" password="[enc:AesProvider:QUJD:enc]" /></add>` + "\n",
			want: map[string]string{
				RuleLocalSystem: `      <add name="A"><processModel identityType="LocalSystem" password="********" /></add>`,
			},
		},
		{
			name: "a value over two lines",
			pools: `      <add name="A"><processModel identityType="SpecificUser" userName="svc" password="hun
ter2" pingingEnabled="false" /></add>
`,
			want: map[string]string{
				RulePlaintextPassword: `      <add name="A"><processModel identityType="SpecificUser" userName="svc" password="********`,
				RulePingingOff:        `********" pingingEnabled="false" /></add>`,
			},
		},
		{
			name:  "two passwords on one line",
			pools: `      <add name="A"><processModel identityType="LocalSystem" password="pw-one" /></add><add name="B"><processModel password="pw-two" identityType="LocalService" /></add>` + "\n",
			want: map[string]string{
				RuleLocalSystem: `      <add name="A"><processModel identityType="LocalSystem" password="********" /></add><add name="B"><processModel password="********" identityType="LocalService" /></add>`,
			},
		},
		{
			name: "a password in applicationPoolDefaults",
			pools: `      <add name="A" />
      <applicationPoolDefaults><processModel password="hunter2" pingingEnabled="false" /></applicationPoolDefaults>
`,
			want: map[string]string{
				RulePingingOff: `      <applicationPoolDefaults><processModel password="********" pingingEnabled="false" /></applicationPoolDefaults>`,
			},
		},
	}
	sites := `      <site name="S" id="1"><application path="/" applicationPool="A" /><application path="/b" applicationPool="B" /></site>
`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := lintConfigText(t, appHostConfig(tt.pools, sites), Options{})
			got := map[string]string{}
			for _, d := range ds {
				if _, ok := tt.want[d.Rule]; ok {
					got[d.Rule] = d.SourceLine
				}
			}
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("source lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMaskSpans(t *testing.T) {
	tests := []struct {
		text  string
		spans [][2]int
		want  string
	}{
		{`a="x" b="yy"`, [][2]int{{3, 4}}, `a="********" b="yy"`},
		{`a="x" b="yy"`, [][2]int{{3, 4}, {9, 11}}, `a="********" b="********"`},
		{`a="x" b="yy"`, [][2]int{{9, 11}, {3, 4}}, `a="********" b="********"`},
		{`a=""`, [][2]int{{3, 3}}, `a="********"`},
	}
	for _, tt := range tests {
		if got := maskSpans(tt.text, tt.spans); got != tt.want {
			t.Errorf("maskSpans(%q, %v) = %q, want %q", tt.text, tt.spans, got, tt.want)
		}
	}
}

func TestByteIndex(t *testing.T) {
	tests := []struct {
		line string
		col  int
		want int
	}{
		{"abc", 1, 0}, {"abc", 3, 2}, {"abc", 4, 3}, {"abc", 5, -1}, {"abc", 0, -1},
		{"été=x", 2, 2}, {"été=x", 5, 6}, {"", 1, 0},
	}
	for _, tt := range tests {
		if got := byteIndex(tt.line, tt.col); got != tt.want {
			t.Errorf("byteIndex(%q, %d) = %d, want %d", tt.line, tt.col, got, tt.want)
		}
	}
}

// TestNoSecretInDiagnostics lints every fixture and checks that no password written
// in it shows in a diagnostic's message, fix or source line.
func TestNoSecretInDiagnostics(t *testing.T) {
	// The clear-text passwords of PC301.invalid.config, as written and as read.
	known := []string{"Sup3r-S3cret!Pa55", "Tr0ub4dor&amp;3", "Tr0ub4dor&3"}
	src, err := os.ReadFile(filepath.Join(rulesDir, "PC301.invalid.config"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range known[:2] {
		if !strings.Contains(string(src), s) {
			t.Fatalf("PC301.invalid.config no longer holds the password %q the test looks for", s)
		}
	}
	paths, err := filepath.Glob(filepath.Join(rulesDir, "*.config"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			secrets := append(passwordsIn(t, path), known...)
			ds, err := LintFile(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				for _, s := range secrets {
					for field, text := range map[string]string{"message": d.Message, "fix": d.Fix, "source line": d.SourceLine} {
						if strings.Contains(text, s) {
							t.Errorf("%s: the %s shows the password %q", d, field, s)
						}
					}
				}
			}
		})
	}
}

// passwordsIn returns the non-empty password attribute values of a configuration, as
// read (entities replaced).
func passwordsIn(t *testing.T, path string) []string {
	t.Helper()
	doc, err := parse.ReadFile(path, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range doc.Tree.FindElements("//*[@password]") {
		if v := e.SelectAttrValue("password", ""); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func TestPasswordAdviceByDestination(t *testing.T) {
	const poolctlValue = "[enc:PoolctlAesGcmProvider:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMk:enc]"
	file := func(shop string) []byte {
		return []byte(`<configuration><system.applicationHost><applicationPools>
<add name="Shop"><processModel identityType="SpecificUser" userName="svc" password="` + shop + `" /></add>
<add name="Clear"><processModel identityType="SpecificUser" userName="svc" password="plain" /></add>
</applicationPools></system.applicationHost></configuration>`)
	}
	tests := []struct {
		name  string
		shop  string
		dest  secret.Destination
		want  map[string]string // rule: a part of its fix; a rule not named must not be reported
		never string            // what no fix may say
	}{
		{"auto, no poolctl value: IIS", "plain", secret.Auto, map[string]string{RulePlaintextPassword: `appcmd set apppool "Clear" /processModel.password:`}, "poolctl encrypt"},
		{"iis", "plain", secret.ForIIS, map[string]string{RulePlaintextPassword: "leave it empty (poolctl set Clear processModel.password=)"}, "poolctl encrypt"},
		{"run", "plain", secret.ForRun, map[string]string{RulePlaintextPassword: "poolctl encrypt"}, "appcmd"},
		{"auto, a poolctl value: run", poolctlValue, secret.Auto, map[string]string{RulePlaintextPassword: "poolctl encrypt"}, "appcmd"},
		{"iis with a poolctl value", poolctlValue, secret.ForIIS, map[string]string{RulePlaintextPassword: "appcmd", RulePoolctlEncrypted: `appcmd set apppool "Shop" /processModel.password:`}, "poolctl encrypt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := LintBytes("app.config", file(tt.shop), Options{For: tt.dest})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, d := range ds {
				if d.Rule == RulePlaintextPassword || d.Rule == RulePoolctlEncrypted {
					got[d.Rule] = d.Fix
					if strings.Contains(d.Fix, tt.never) {
						t.Errorf("%s's fix says %q: %s", d.Rule, tt.never, d.Fix)
					}
				}
			}
			for rule, part := range tt.want {
				if !strings.Contains(got[rule], part) {
					t.Errorf("%s's fix = %q, want it to say %q", rule, got[rule], part)
				}
			}
			for rule := range got {
				if _, ok := tt.want[rule]; !ok {
					t.Errorf("%s reported: %s", rule, got[rule])
				}
			}
		})
	}
}

func TestExplainByDestination(t *testing.T) {
	r, _ := Lookup(RulePlaintextPassword)
	if s := Explain(r, secret.ForIIS); !strings.Contains(s, "appcmd set apppool") || strings.Contains(s, "For a file that poolctl run") {
		t.Errorf("PC301 for IIS: %s", s)
	}
	if s := Explain(r, secret.ForRun); !strings.Contains(s, "poolctl encrypt") || strings.Contains(s, "appcmd set apppool") {
		t.Errorf("PC301 for run: %s", s)
	}
	r, _ = Lookup(RulePoolctlEncrypted)
	if s := Explain(r, secret.ForRun); !strings.HasPrefix(s, "Not reported for a file that poolctl run reads") {
		t.Errorf("PC313 for run: %s", s)
	}
}
