package main

import (
	"testing"

	"github.com/poolctl/poolctl/schema"
)

func TestValidationText(t *testing.T) {
	for _, tc := range []struct {
		v    *schema.Validation
		want string
	}{
		{nil, ""},
		{&schema.Validation{Kind: schema.IntegerRange, Min: 10, Max: 65535}, "integerRange 10..65535"},
		{&schema.Validation{Kind: schema.IntegerRange, Min: 0, Max: 0, Exclude: true}, "integerRange outside 0..0"},
		{&schema.Validation{Kind: schema.TimeSpanRange, Min: 0, Max: 2592000, Granularity: 60}, "timeSpanRange 0..2592000s step 60s"},
		{&schema.Validation{Kind: schema.ApplicationPoolName}, "applicationPoolName"},
	} {
		if got := validationText(tc.v); got != tc.want {
			t.Errorf("validationText(%+v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestSchemaColumns(t *testing.T) {
	pool := schema.MustFor(schema.IIS10).Pool()
	for _, tc := range []struct {
		path                   string
		typ, def, valid, names string
	}{
		{"name", "string, required", "-", "applicationPoolName", ""},
		{"managedRuntimeVersion", "string", `""`, "", ""},
		{"managedPipelineMode", "enum", "Integrated", "", "Integrated|Classic"},
		{"processModel.password", "string, encrypted", "[enc:IISWASOnlyAesProvider::enc]", "", ""},
		{"processModel.logEventOnProcessModel", "flags", "IdleTimeout", "", "IdleTimeout"},
		{"cpu.action", "enum", "NoAction", "", "NoAction|KillW3wp|Throttle|ThrottleUnderLoad"},
		{"recycling.periodicRestart.schedule[].value", "timeSpan, required", "-", "timeSpanRange 0..86399s step 60s", ""},
	} {
		a := schema.Lookup(pool, tc.path)
		if a == nil {
			t.Errorf("no attribute %s", tc.path)
			continue
		}
		got := [4]string{typeText(a), defaultText(a), validationText(a.Validation), valuesText(a)}
		want := [4]string{tc.typ, tc.def, tc.valid, tc.names}
		if got != want {
			t.Errorf("%s: columns %q, want %q", tc.path, got, want)
		}
	}
}
