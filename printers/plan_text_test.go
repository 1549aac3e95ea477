package printers

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/apply"
)

// TestWritePlan writes the plans of changes an editor makes: grouped by pool, with
// one summary line; secrets masked; "No changes." for none.
func TestWritePlan(t *testing.T) {
	shop := `pool "Shop"`
	tests := []struct {
		name    string
		changes []apply.Change
		want    string
	}{
		{name: "none", want: "No changes.\n"},
		{name: "grouped by scope, first seen first", changes: []apply.Change{
			{Kind: apply.Added, Scope: apply.DefaultsScope, Path: "processModel.idleTimeout", New: "00:10:00"},
			{Kind: apply.Modified, Scope: shop, Path: "queueLength", Old: "2000", New: "3000"},
			{Kind: apply.Added, Scope: `pool "New"`},
			{Kind: apply.Added, Scope: `pool "New"`, Path: "managedPipelineMode", New: "Classic"},
			{Kind: apply.Added, Scope: shop, Path: "recycling.periodicRestart.schedule[value='04:00:00']"},
			{Kind: apply.Removed, Scope: shop, Path: "recycling.periodicRestart.schedule[value='03:00:00']"},
			{Kind: apply.Removed, Scope: `pool "DefaultAppPool"`},
		}, want: `~ applicationPoolDefaults
    + processModel.idleTimeout: 00:10:00
~ pool "Shop"
    ~ queueLength: 2000 → 3000
    + recycling.periodicRestart.schedule[value='04:00:00']
    - recycling.periodicRestart.schedule[value='03:00:00']
+ pool "New"
    + managedPipelineMode: Classic
- pool "DefaultAppPool"
Plan: 1 to add, 2 to change, 1 to remove.
`},
		{name: "secret masked, empty quoted", changes: []apply.Change{
			{Kind: apply.Modified, Scope: shop, Path: "processModel.password", Secret: true},
			{Kind: apply.Modified, Scope: shop, Path: "processModel.userName", Old: "", New: " svc"},
		}, want: `~ pool "Shop"
    ~ processModel.password (secret, not shown)
    ~ processModel.userName: "" → " svc"
Plan: 0 to add, 1 to change, 0 to remove.
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WritePlan(&b, tt.changes); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}
