package apply

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// diffPoolsConfig returns a configuration whose applicationPools section holds body.
func diffPoolsConfig(body string) string {
	return "<configuration>\n  <system.applicationHost>\n    <applicationPools>\n" + body +
		"\n    </applicationPools>\n  </system.applicationHost>\n</configuration>\n"
}

// loadDiffConfig reads src as the file name for IIS 10.
func loadDiffConfig(t *testing.T, name, src string) *parse.Config {
	t.Helper()
	doc, err := parse.ReadBytes(name, []byte(src), parse.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	cfg, err := parse.FromDocument(doc, parse.LoadOptions{Version: schema.IIS10})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cfg
}

// diffOf compares the pools sections poolsA and poolsB: their effective values, or
// their declared values.
func diffOf(t *testing.T, poolsA, poolsB string, declared bool) *Difference {
	t.Helper()
	a := loadDiffConfig(t, "a.config", diffPoolsConfig(poolsA))
	b := loadDiffConfig(t, "b.config", diffPoolsConfig(poolsB))
	return Diff(a, b, DiffOptions{Declared: declared})
}

// diffDescribe flattens d into one line per entry, attribute and item, without positions:
// `~ "Shop"`, `~ "Shop" processModel.idleTimeout: 00:20:00 → 00:30:00`,
// `~ "Shop" + recycling.periodicRestart.schedule 03:00:00`, with "defaults" for the
// defaults' entry.
func diffDescribe(d *Difference) []string {
	var out []string
	entry := func(label string, e EntryDiff) {
		head := e.Change.Symbol() + " " + label
		out = append(out, head)
		for _, a := range e.Attrs {
			out = append(out, head+" "+a.Path+": "+diffDescribeAttr(a))
		}
		for _, it := range e.Items {
			line := head + " " + it.Change.Symbol() + " " + it.Collection + " " + itemLabel(it)
			out = append(out, line)
			for _, a := range it.Attrs {
				out = append(out, line+" "+a.Path+": "+diffDescribeAttr(a))
			}
		}
	}
	if d.Defaults != nil {
		entry("defaults", *d.Defaults)
	}
	for _, e := range d.Pools {
		entry(fmt.Sprintf("%q", e.Name), e)
	}
	return out
}

// itemLabel names an item for diffDescribe: its key, with its directive when it has
// one.
func itemLabel(it ItemDiff) string {
	switch {
	case it.Directive == "":
		return it.Key
	case it.Key == "":
		return "<" + it.Directive + ">"
	}
	return "<" + it.Directive + "> " + it.Key
}

func diffDescribeAttr(a AttrDiff) string {
	if a.Secret {
		return fmt.Sprintf("secret %q %q", a.Old, a.New)
	}
	return a.Old + " → " + a.New
}

func TestDiff(t *testing.T) {
	const shop = `<add name="Shop" />`
	tests := []struct {
		name     string
		a, b     string
		declared bool
		want     []string
	}{
		{name: "same", a: shop, b: shop},
		{name: "empty sections", a: "", b: ""},
		{name: "explicit default", a: shop, b: `<add name="Shop" queueLength="1000"><processModel idleTimeout="00:20:00" /></add>`},
		{name: "timeSpan spellings", a: `<add name="Shop"><processModel idleTimeout="00:20:00" /></add>`, b: `<add name="Shop"><processModel idleTimeout="0.00:20:00" /></add>`},
		{name: "name case", a: shop, b: `<add name="sHOP" />`},
		{name: "non-ASCII name case", a: "<add name=\"\u212a\" />", b: `<add name="k" />`},
		{name: "attribute order and whitespace",
			a: `<add name="Shop" queueLength="2000" autoStart="false" />`,
			b: "<add\r\n\tautoStart = 'false'\n    queueLength=\"2000\"   name=\"Shop\"></add>"},
		{name: "enum, flags and bool case",
			a: `<add name="Shop" managedPipelineMode="Classic" autoStart="false"><recycling logEventOnRecycle="Time, Memory" /></add>`,
			b: `<add name="Shop" managedPipelineMode="classic" autoStart="False"><recycling logEventOnRecycle="memory,TIME" /></add>`},
		{name: "pool order", a: shop + `<add name="Other" />`, b: `<add name="Other" />` + shop},
		{name: "unknown attributes are not compared", a: shop, b: `<add name="Shop" bogus="1"><processModel idletimeout="1" /></add>`},
		{name: "changed values as written",
			a:    `<add name="Shop" queueLength="2000"><processModel idleTimeout="00:20:00" /></add>`,
			b:    `<add name="Shop" queueLength="3000"><processModel idleTimeout="00:30:00" /></add>`,
			want: []string{`~ "Shop"`, `~ "Shop" queueLength: 2000 → 3000`, `~ "Shop" processModel.idleTimeout: 00:20:00 → 00:30:00`}},
		{name: "set to a value against the default",
			a:    shop,
			b:    `<add name="sHop" startMode="AlwaysRunning" />`,
			want: []string{`~ "sHop"`, `~ "sHop" startMode: OnDemand → AlwaysRunning`}},
		{name: "values that do not parse compare as text",
			a:    `<add name="Shop" queueLength="lots" /><add name="Two" queueLength="lots" />`,
			b:    `<add name="Shop" queueLength="lots" /><add name="Two" queueLength="Lots" />`,
			want: []string{`~ "Two"`, `~ "Two" queueLength: lots → Lots`}},
		{name: "strings compare exactly",
			a:    `<add name="Shop" managedRuntimeVersion="v4.0" />`,
			b:    `<add name="Shop" managedRuntimeVersion="V4.0" />`,
			want: []string{`~ "Shop"`, `~ "Shop" managedRuntimeVersion: v4.0 → V4.0`}},
		{name: "added and removed pools",
			a:    shop + `<add name="Old" autoStart="false" queueLength="1000" />`,
			b:    `<add name="New" managedRuntimeVersion="v4.0"><environmentVariables><add name="E" value="1" /></environmentVariables></add>` + shop,
			want: []string{`+ "New"`, `+ "New" managedRuntimeVersion:  → v4.0`, `+ "New" + environmentVariables E`, `- "Old"`, `- "Old" autoStart: false → `}},
		{name: "an added pool with only defaults", a: "", b: shop, want: []string{`+ "Shop"`}},
		{name: "duplicate names pair in order",
			a:    `<add name="Shop" queueLength="2000" /><add name="Shop" queueLength="3000" />`,
			b:    `<add name="Shop" queueLength="2000" />`,
			want: []string{`- "Shop"`, `- "Shop" queueLength: 3000 → `}},
		{name: "declared: defaults",
			declared: true,
			a:        shop + `<applicationPoolDefaults queueLength="2000"><processModel idleTimeout="00:10:00" /></applicationPoolDefaults>`,
			b:        `<applicationPoolDefaults queueLength="3000" />` + shop,
			want:     []string{`~ defaults`, `~ defaults queueLength: 2000 → 3000`, `~ defaults processModel.idleTimeout: 00:10:00 → 00:20:00`}},
		{name: "declared: defaults only in B",
			declared: true,
			a:        shop,
			b:        shop + `<applicationPoolDefaults managedRuntimeVersion="v4.0" />`,
			want:     []string{`~ defaults`, `~ defaults managedRuntimeVersion:  → v4.0`}},
		{name: "defaults that say the schema defaults", a: shop, b: shop + `<applicationPoolDefaults queueLength="1000" />`},
		{name: "effective: defaults changed",
			a:    shop + `<add name="Own" queueLength="5000" /><applicationPoolDefaults queueLength="2000" />`,
			b:    shop + `<add name="Own" queueLength="5000" /><applicationPoolDefaults queueLength="3000" />`,
			want: []string{`~ defaults`, `~ defaults queueLength: 2000 → 3000`, `~ "Shop"`, `~ "Shop" queueLength: 2000 → 3000`}},
		{name: "effective: a change in the defaults shows in every pool that inherits it",
			a:    `<add name="A" /><add name="B"><processModel /></add><add name="Own" managedRuntimeVersion="v2.0" /><applicationPoolDefaults managedRuntimeVersion="v4.0" />`,
			b:    `<add name="A" /><add name="B"><processModel /></add><add name="Own" managedRuntimeVersion="v2.0" />`,
			want: []string{`~ defaults`, `~ defaults managedRuntimeVersion: v4.0 → `, `~ "A"`, `~ "A" managedRuntimeVersion: v4.0 → `, `~ "B"`, `~ "B" managedRuntimeVersion: v4.0 → `}},
		{name: "declared: a change in the defaults shows only there",
			declared: true,
			a:        `<add name="A" /><add name="B"><processModel /></add><add name="Own" managedRuntimeVersion="v2.0" /><applicationPoolDefaults managedRuntimeVersion="v4.0" />`,
			b:        `<add name="A" /><add name="B"><processModel /></add><add name="Own" managedRuntimeVersion="v2.0" />`,
			want:     []string{`~ defaults`, `~ defaults managedRuntimeVersion: v4.0 → `}},
		{name: "effective: No Managed Code removed, the pool inherits v4.0",
			a:    `<add name="Shop" managedRuntimeVersion="" /><applicationPoolDefaults managedRuntimeVersion="v4.0" />`,
			b:    `<add name="Shop" /><applicationPoolDefaults managedRuntimeVersion="v4.0" />`,
			want: []string{`~ "Shop"`, `~ "Shop" managedRuntimeVersion:  → v4.0`}},
		{name: "declared: No Managed Code removed is the schema default",
			declared: true,
			a:        `<add name="Shop" managedRuntimeVersion="" /><applicationPoolDefaults managedRuntimeVersion="v4.0" />`,
			b:        `<add name="Shop" /><applicationPoolDefaults managedRuntimeVersion="v4.0" />`},
		{name: "effective: No Managed Code set in the defaults instead",
			a:    `<add name="Shop" managedRuntimeVersion="" /><applicationPoolDefaults managedRuntimeVersion="v4.0" />`,
			b:    `<add name="Shop" /><applicationPoolDefaults managedRuntimeVersion="" />`,
			want: []string{`~ defaults`, `~ defaults managedRuntimeVersion: v4.0 → `}},
		{name: "effective: a value moved to the defaults changes only the defaults",
			a:    `<add name="Shop" queueLength="2000" />`,
			b:    `<add name="Shop" /><applicationPoolDefaults queueLength="2000" />`,
			want: []string{`~ defaults`, `~ defaults queueLength: 1000 → 2000`}},
		{name: "declared: a value moved to the defaults",
			declared: true,
			a:        `<add name="Shop" queueLength="2000" />`,
			b:        `<add name="Shop" /><applicationPoolDefaults queueLength="2000" />`,
			want:     []string{`~ defaults`, `~ defaults queueLength: 1000 → 2000`, `~ "Shop"`, `~ "Shop" queueLength: 2000 → 1000`}},
		{name: "effective: an added pool shows what it inherits",
			a:    `<applicationPoolDefaults queueLength="2000" />`,
			b:    shop + `<applicationPoolDefaults queueLength="2000" />`,
			want: []string{`+ "Shop"`, `+ "Shop" queueLength:  → 2000`}},
		{name: "schedule items by value",
			a:    diffSchedule("03:00:00", "15:00:00"),
			b:    diffSchedule("3:00:00", "16:00:00"),
			want: []string{`~ "Shop"`, `~ "Shop" + recycling.periodicRestart.schedule 16:00:00`, `~ "Shop" - recycling.periodicRestart.schedule 15:00:00`}},
		{name: "schedule order", a: diffSchedule("03:00:00", "15:00:00"), b: diffSchedule("15:00:00", "03:00:00")},
		{name: "environment variables",
			a: `<add name="Shop"><environmentVariables><add name="A" value="1" /><add name="B" value="2" /><add name="C" value="3" /></environmentVariables></add>`,
			b: `<add name="Shop"><environmentVariables><add name="b" value="2" /><add name="C" value="4" /><add name="D" value="5" /></environmentVariables></add>`,
			want: []string{`~ "Shop"`,
				`~ "Shop" ~ environmentVariables C`, `~ "Shop" ~ environmentVariables C environmentVariables[].value: 3 → 4`,
				`~ "Shop" + environmentVariables D`, `~ "Shop" - environmentVariables A`}},
		{name: "declared: own directives",
			declared: true,
			a:        `<add name="Shop"><recycling><periodicRestart><schedule><add value="03:00:00" /></schedule></periodicRestart></recycling><environmentVariables><remove name="X" /></environmentVariables></add>`,
			b:        `<add name="Shop"><recycling><periodicRestart><schedule><clear /><add value="03:00:00" /></schedule></periodicRestart></recycling><environmentVariables><add name="X" value="1" /></environmentVariables></add>`,
			want:     []string{`~ "Shop"`, `~ "Shop" + recycling.periodicRestart.schedule <clear>`, `~ "Shop" + environmentVariables X`, `~ "Shop" - environmentVariables <remove> X`}},
		{name: "effective collections",
			a:    `<add name="Shop" />` + `<applicationPoolDefaults>` + diffScheduleElem("03:00:00") + `</applicationPoolDefaults>`,
			b:    `<add name="Shop"><recycling><periodicRestart><schedule><clear /><add value="04:00:00" /></schedule></periodicRestart></recycling></add>` + `<applicationPoolDefaults>` + diffScheduleElem("03:00:00") + `</applicationPoolDefaults>`,
			want: []string{`~ "Shop"`, `~ "Shop" + recycling.periodicRestart.schedule 04:00:00`, `~ "Shop" - recycling.periodicRestart.schedule 03:00:00`}},
		{name: "effective: inherited items are no difference to the pool",
			a:    `<add name="Shop">` + diffScheduleElem("03:00:00") + `</add>`,
			b:    `<add name="Shop" /><applicationPoolDefaults>` + diffScheduleElem("03:00:00") + `</applicationPoolDefaults>`,
			want: []string{`~ defaults`, `~ defaults + recycling.periodicRestart.schedule 03:00:00`}},
		{name: "secret",
			a:    `<add name="Shop"><processModel password="s3cret" /></add>`,
			b:    `<add name="Shop"><processModel password="hunter2" /></add>`,
			want: []string{`~ "Shop"`, `~ "Shop" processModel.password: secret "" ""`}},
		{name: "same secret", a: `<add name="Shop"><processModel password="s3cret" /></add>`, b: `<add name="Shop"><processModel password="s3cret" /></add>`},
		{name: "secret of an added pool",
			a:    "",
			b:    `<add name="Shop"><processModel password="s3cret" /></add>`,
			want: []string{`+ "Shop"`, `+ "Shop" processModel.password: secret "" ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diffOf(t, tt.a, tt.b, tt.declared)
			got := diffDescribe(d)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Diff (-want +got):\n%s", diff)
			}
			if d.Equal() != (len(tt.want) == 0) {
				t.Errorf("Equal() = %v with %d differences", d.Equal(), len(got))
			}
		})
	}
}

// diffSchedule returns a pool "Shop" with a recycling schedule of times.
func diffSchedule(times ...string) string {
	return `<add name="Shop">` + diffScheduleElem(times...) + `</add>`
}

// diffScheduleElem returns a <recycling> element with a schedule of times.
func diffScheduleElem(times ...string) string {
	var b strings.Builder
	b.WriteString("<recycling><periodicRestart><schedule>")
	for _, tm := range times {
		fmt.Fprintf(&b, `<add value="%s" />`, tm)
	}
	b.WriteString("</schedule></periodicRestart></recycling>")
	return b.String()
}

// TestDiffPositions checks the positions of entries, attributes and items, and that a
// default has none.
func TestDiffPositions(t *testing.T) {
	d := diffOf(t,
		`      <add name="Shop" queueLength="2000">
        <environmentVariables><add name="A" value="1" /></environmentVariables>
      </add>`,
		`      <add name="New" />
      <add name="Shop" autoStart="false">
        <environmentVariables><add name="A" value="2" /></environmentVariables>
      </add>`, false)
	if len(d.Pools) != 2 {
		t.Fatalf("got %d pools, want 2: %q", len(d.Pools), diffDescribe(d))
	}
	pos := func(p parse.Pos) string {
		if !p.IsValid() {
			return "-"
		}
		return p.String()
	}
	added, shop := d.Pools[0], d.Pools[1]
	var got []string
	got = append(got, "New "+pos(added.PosA)+" "+pos(added.PosB))
	got = append(got, "Shop "+pos(shop.PosA)+" "+pos(shop.PosB))
	for _, a := range shop.Attrs {
		got = append(got, a.Path+" "+pos(a.PosA)+" "+pos(a.PosB))
	}
	for _, it := range shop.Items {
		got = append(got, it.Key+" "+pos(it.PosA)+" "+pos(it.PosB))
		for _, a := range it.Attrs {
			got = append(got, a.Path+" "+pos(a.PosA)+" "+pos(a.PosB))
		}
	}
	want := []string{
		"New - b.config:4:7",
		"Shop a.config:4:7 b.config:5:7",
		"queueLength a.config:4:37 -",
		"autoStart - b.config:5:35",
		"A a.config:5:31 b.config:6:31",
		"environmentVariables[].value a.config:5:52 b.config:6:52",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

func TestDiffKindString(t *testing.T) {
	for k, want := range map[DiffKind]string{DiffAdded: "added", DiffRemoved: "removed", DiffChanged: "changed", 0: "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("DiffKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// TestDiffSample compares the repository's sample configuration (CRLF line endings, an
// encrypted password) with itself.
func TestDiffSample(t *testing.T) {
	cfg, err := parse.Load(filepath.Join("..", "testdata", "sample", "applicationHost.config"), parse.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, declared := range []bool{false, true} {
		if d := Diff(cfg, cfg, DiffOptions{Declared: declared}); !d.Equal() {
			t.Errorf("the sample differs from itself (declared=%v): %q", declared, diffDescribe(d))
		}
	}
}
