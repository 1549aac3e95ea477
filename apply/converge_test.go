package apply

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
)

// desiredFragment reads a desired <applicationPools> fragment.
func desiredFragment(t *testing.T, src string) *parse.Document {
	t.Helper()
	d, err := parse.ReadBytes("desired.xml", []byte(src), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestConverge(t *testing.T) {
	want := desiredFragment(t, `<applicationPools>
    <applicationPoolDefaults>
        <processModel idleTimeout="00:10:00" />
    </applicationPoolDefaults>
    <add name="shop" queueLength="3000">
        <recycling>
            <periodicRestart time="00:00:00">
                <schedule>
                    <add value="04:00:00" />
                </schedule>
            </periodicRestart>
        </recycling>
    </add>
    <add name="New" managedPipelineMode="Classic" />
</applicationPools>`)
	tests := []struct {
		name string
		opt  ConvergeOptions
		plan string
	}{
		{"without prune", ConvergeOptions{}, `~ applicationPoolDefaults
    + applicationPoolDefaults: processModel.idleTimeout: 00:10:00
~ pool "Shop"
    ~ pool "Shop": queueLength: 2000 → 3000
    + pool "Shop": recycling.periodicRestart.time: 00:00:00
    + pool "Shop": recycling.periodicRestart.schedule[value='04:00:00']
    - pool "Shop": recycling.periodicRestart.schedule[value='03:00:00']
+ pool "New"
    + pool "New"
    + pool "New": managedPipelineMode: Classic
1 2 0
`},
		{"with prune", ConvergeOptions{Prune: true}, `~ applicationPoolDefaults
    + applicationPoolDefaults: processModel.idleTimeout: 00:10:00
~ pool "Shop"
    ~ pool "Shop": queueLength: 2000 → 3000
    + pool "Shop": recycling.periodicRestart.time: 00:00:00
    + pool "Shop": recycling.periodicRestart.schedule[value='04:00:00']
    - pool "Shop": recycling.periodicRestart.schedule[value='03:00:00']
+ pool "New"
    + pool "New"
    + pool "New": managedPipelineMode: Classic
- pool "DefaultAppPool"
    - pool "DefaultAppPool"
1 2 1
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ed, err := edit(t, base, func(ed *Editor) error { return ed.Converge(want.Root(), tt.opt) })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.plan, planText(NewPlan(ed.Changes))); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			// Converging the result again changes nothing.
			again, ed2, err := edit(t, out, func(ed *Editor) error { return ed.Converge(want.Root(), tt.opt) })
			if err != nil {
				t.Fatal(err)
			}
			if again != out || len(ed2.Changes) != 0 {
				t.Errorf("second converge changed %v:\n%s", ed2.Changes, cmp.Diff(out, again))
			}
		})
	}
}

func TestConvergeErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`<applicationPools><site /></applicationPools>`, "unexpected <site>"},
		{`<applicationPools><add queueLength="1" /></applicationPools>`, "has no name"},
		{`<applicationPools><add name="A"><processModell /></add></applicationPools>`, "a pool has no element processModell"},
		{`<applicationPools><add name="A" idleTimout="1" /></applicationPools>`, "a pool has no attribute idleTimout"},
		{`<applicationPools><add name="A"><environmentVariables><clear /></environmentVariables></add></applicationPools>`, "only <add> items"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, _, err := edit(t, base, func(ed *Editor) error { return ed.Converge(desiredFragment(t, tt.src).Root(), ConvergeOptions{}) })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one with %q", err, tt.want)
			}
		})
	}
}

// planText writes p as lines: each group's kind and scope, then its changes, then
// the counts (printers.WritePlan's form is tested there).
func planText(p Plan) string {
	var b strings.Builder
	for _, g := range p.Groups {
		fmt.Fprintf(&b, "%s %s\n", g.Kind.Symbol(), g.Scope)
		for _, c := range g.Changes {
			fmt.Fprintf(&b, "    %s\n", c)
		}
	}
	fmt.Fprintf(&b, "%d %d %d\n", p.Added, p.Changed, p.Removed)
	return b.String()
}

func TestNewPlanNoChanges(t *testing.T) {
	if p := NewPlan(nil); len(p.Groups) != 0 || p.Added+p.Changed+p.Removed != 0 {
		t.Errorf("NewPlan(nil) = %+v", p)
	}
}
