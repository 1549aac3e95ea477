package schema

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAndValidate(t *testing.T) {
	tests := []struct {
		version  Version
		path     string
		text     string
		want     string // canonical String() of the value, when valid
		spelling Spelling
		err      string // substring of the error, when invalid
	}{
		{IIS10, "queueLength", "1000", "1000", Exact, ""},
		{IIS10, "queueLength", "9", "", Exact, "must be from 10 to 65535"},
		{IIS10, "queueLength", "65536", "", Exact, "must be from 10 to 65535"},
		{IIS10, "queueLength", "-1", "", Exact, "out of the uint range"},
		{IIS10, "queueLength", "4294967296", "", Exact, "out of the uint range"},
		{IIS10, "queueLength", "+5", "", Exact, "not a uint"},
		{IIS10, "queueLength", "1e3", "", Exact, "not a uint"},
		{IIS10, "queueLength", " 1000", "", Exact, "not a uint"},
		{IIS10, "autoStart", "true", "true", Exact, ""},
		{IIS10, "autoStart", "False", "false", OtherCase, ""},
		{IIS10, "autoStart", "yes", "", Exact, "not a bool"},
		{IIS10, "processModel.identityType", "ApplicationPoolIdentity", "ApplicationPoolIdentity", Exact, ""},
		{IIS10, "processModel.identityType", "networkservice", "NetworkService", OtherCase, ""},
		{IIS10, "processModel.identityType", "3", "SpecificUser", Numeric, ""},
		{IIS10, "processModel.identityType", "9", "", Exact, "enum must be one of LocalSystem"},
		{IIS10, "processModel.identityType", "Nobody", "", Exact, "enum must be one of"},
		{IIS75, "cpu.action", "Throttle", "", Exact, "enum must be one of NoAction, KillW3wp"},
		{IIS80, "cpu.action", "Throttle", "Throttle", Exact, ""},
		{IIS10, "processModel.idleTimeout", "00:30:00", "00:30:00", Exact, ""},
		{IIS10, "processModel.idleTimeout", "0.00:20:00", "0.00:20:00", Exact, ""},
		{IIS10, "processModel.idleTimeout", "00:30:30", "", Exact, "whole multiple of 60 seconds"},
		{IIS10, "processModel.idleTimeout", "31.00:00:00", "", Exact, "must be from 0 to 2592000 seconds"},
		{IIS10, "processModel.idleTimeout", "-00:01:00", "", Exact, "must be from 0 to 2592000"},
		{IIS10, "processModel.idleTimeout", "00:61:00", "", Exact, "timespan"},
		{IIS10, "processModel.pingInterval", "00:00:00", "", Exact, "must be from 1 to 4294967"},
		{IIS10, "processModel.pingInterval", "00:00:01.5", "", Exact, "must be a whole number of seconds"},
		{IIS10, "processModel.maxProcesses", "0", "0", Exact, ""},
		{IIS75, "processModel.maxProcesses", "0", "", Exact, "must be from 1 to 2147483647"},
		{IIS10, "recycling.logEventOnRecycle", "Time, Memory", "Time, Memory", Exact, ""},
		{IIS10, "recycling.logEventOnRecycle", "Memory,Time", "Time, Memory", Exact, ""},
		{IIS10, "recycling.logEventOnRecycle", "", "", Exact, ""},
		{IIS10, "recycling.logEventOnRecycle", "Time, Often", "", Exact, `flag "Often" is not one of`},
		{IIS10, "recycling.periodicRestart.schedule[].value", "03:00:00", "03:00:00", Exact, ""},
		{IIS10, "recycling.periodicRestart.schedule[].value", "1.00:00:00", "", Exact, "must be from 0 to 86399"},
		{IIS10, "name", "Shop API", "Shop API", Exact, ""},
		{IIS10, "name", ".NET v4.5 Classic", ".NET v4.5 Classic", Exact, ""},
		{IIS10, "name", "Shop/API", "", Exact, `'/' is not allowed in an application pool name`},
		{IIS10, "name", "a@b", "", Exact, `'@' is not allowed`},
		{IIS10, "environmentVariables[].name", "", "", Exact, "must not be empty"},
		{IIS10, "cpu.limit", "100001", "", Exact, "must be from 0 to 100000"},
		{IIS10, "cpu.processorGroup", "-1", "", Exact, "must be from 0 to 2147483647"},
		{IIS10, "cpu.smpProcessorAffinityMask", "4294967295", "4294967295", Exact, ""},
		{IIS10, "processModel.password", "[enc:AesProvider:abc:enc]", "[enc:AesProvider:abc:enc]", Exact, ""},
	}
	for _, tt := range tests {
		t.Run(tt.version.String()+"/"+tt.path+"="+tt.text, func(t *testing.T) {
			a := Lookup(MustFor(tt.version).Pool(), tt.path)
			if a == nil {
				t.Fatalf("no attribute %s", tt.path)
			}
			v, err := a.ParseAndValidate(tt.text)
			if tt.err != "" {
				var ve *ValueError
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &ve) {
					t.Fatalf("got %v (%v); want a *ValueError containing %q", err, v, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if v.String() != tt.want || v.Spelling != tt.spelling {
				t.Fatalf("got %q spelling %d; want %q spelling %d", v.String(), v.Spelling, tt.want, tt.spelling)
			}
		})
	}
}

func TestValueEqual(t *testing.T) {
	s := MustFor(IIS10).Pool()
	tests := []struct {
		path, a, b string
		equal      bool
	}{
		{"processModel.idleTimeout", "00:20:00", "0.00:20:00", true},
		{"processModel.idleTimeout", "00:20:00", "00:21:00", false},
		{"processModel.identityType", "NetworkService", "2", true},
		{"recycling.logEventOnRecycle", "Time, Memory", "Memory,Time", true},
		{"autoStart", "true", "TRUE", true},
		{"managedRuntimeVersion", "v4.0", "V4.0", false},
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.a+"~"+tt.b, func(t *testing.T) {
			a := Lookup(s, tt.path)
			va, err1 := a.Parse(tt.a)
			vb, err2 := a.Parse(tt.b)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if va.Equal(vb) != tt.equal {
				t.Fatalf("Equal = %v, want %v", !tt.equal, tt.equal)
			}
		})
	}
}

func TestPathValidators(t *testing.T) {
	app := MustFor(IIS10).Section(SitesPath).Root.Collection.Item.Collection.Item
	path := app.Attribute("path")
	for _, tt := range []struct {
		text string
		ok   bool
	}{
		{"/", true}, {"/api", true}, {"/a/b", true}, {"", false}, {"api", false},
		{"/api/", false}, {"/a/../b", false}, {"/.", false},
	} {
		t.Run(tt.text, func(t *testing.T) {
			_, err := path.ParseAndValidate(tt.text)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseAndValidate(%q) = %v, want ok=%v", tt.text, err, tt.ok)
			}
		})
	}
}
