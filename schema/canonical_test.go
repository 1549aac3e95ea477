package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		path, text, want string
	}{
		{"processModel.identityType", "networkservice", "NetworkService"},
		{"processModel.identityType", "NETWORKSERVICE", "NetworkService"},
		{"processModel.identityType", "4", "ApplicationPoolIdentity"},
		{"processModel.identityType", "NetworkService", "NetworkService"},
		{"managedPipelineMode", "classic", "Classic"},
		{"startMode", "alwaysrunning", "AlwaysRunning"},
		{"cpu.action", "killw3wp", "KillW3wp"},
		{"recycling.logEventOnRecycle", "memory,time", "Time, Memory"},
		{"recycling.logEventOnRecycle", " Time ,  Memory ", "Time, Memory"},
		{"recycling.logEventOnRecycle", "8", "Memory"},
		{"recycling.logEventOnRecycle", "", ""},
		{"processModel.logEventOnProcessModel", "idletimeout", "IdleTimeout"},
		{"autoStart", "TRUE", "true"},
		{"autoStart", "False", "false"},
		{"queueLength", "0010", "10"},
		{"queueLength", "2000", "2000"},
		{"cpu.limit", "-0", "0"},
		{"processModel.idleTimeout", "0.00:30:00", "00:30:00"},
		{"processModel.idleTimeout", "0:30", "00:30:00"},
		{"processModel.idleTimeout", " 00:30:00 ", "00:30:00"},
		{"processModel.idleTimeout", "1", "1.00:00:00"},
		{"processModel.idleTimeout", "24:00:00", "1.00:00:00"},
		{"processModel.pingInterval", "0:0:1.5", "0:0:1.5"}, // rejected: not whole seconds
		{"recycling.periodicRestart.time", "29:00:00", "1.05:00:00"},
		{"recycling.periodicRestart.schedule[].value", "3:00:00", "03:00:00"},
		{"processModel.idleTimeout", "45", "45"},                          // rejected: out of range
		{"processModel.identityType", "nobody", "nobody"},                 // rejected: not a name
		{"managedRuntimeVersion", "V4.0", "V4.0"},                         // strings as written
		{"processModel.password", "[enc:X:Y:enc]", "[enc:X:Y:enc]"},       // encrypted
		{"environmentVariables[].value", " C:\\temp ", " C:\\temp "},      // strings keep spaces
		{"recycling.periodicRestart.privateMemory", "01024", "1024"},      // uint
		{"recycling.periodicRestart.requests", "+5", "+5"},                // rejected: not a uint
		{"processModel.maxProcesses", "0", "0"},                           // valid in IIS 10
		{"failure.rapidFailProtectionInterval", "0.00:05:00", "00:05:00"}, // timeSpan in failure
	}
	pool := MustFor(IIS10).Pool()
	for _, tt := range tests {
		t.Run(tt.path+"="+tt.text, func(t *testing.T) {
			a := Lookup(pool, tt.path)
			if a == nil {
				t.Fatalf("no attribute %s", tt.path)
			}
			if got := a.Canonical(tt.text); got != tt.want {
				t.Errorf("Canonical(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestCanonicalCounts(t *testing.T) {
	for _, tt := range []struct {
		f          TimeSpanFormat
		text, want string
	}{
		{FormatSeconds, "0090", "90"},
		{FormatMinutes, " 20", "20"},
		{FormatString, "0.00:20:00", "00:20:00"},
	} {
		t.Run(tt.f.String()+"/"+tt.text, func(t *testing.T) {
			a := &Attribute{Name: "t", Type: TimeSpanType, TimeSpanFormat: tt.f}
			if got := a.Canonical(tt.text); got != tt.want {
				t.Errorf("Canonical(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestBareNumber(t *testing.T) {
	tests := []struct {
		path, text string
		ok         bool
		hint       string
	}{
		{"processModel.idleTimeout", "45", true, "45 is read as 45 days (45.00:00:00); for 45 minutes write 00:45:00"},
		{"processModel.idleTimeout", "1", true, "1 is read as 1 day (1.00:00:00); for 1 minute write 00:01:00"},
		{"processModel.idleTimeout", " 20 ", true, "20 is read as 20 days (20.00:00:00); for 20 minutes write 00:20:00"},
		{"processModel.pingInterval", "90", true, "90 is read as 90 days (90.00:00:00); for 90 seconds write 00:01:30, for 90 minutes write 01:30:00"},
		{"recycling.periodicRestart.time", "1740", true, "1740 is read as 1740 days (1740.00:00:00); for 1740 seconds write 00:29:00, for 1740 minutes write 1.05:00:00"},
		{"recycling.periodicRestart.schedule[].value", "3", true, "3 is read as 3 days (3.00:00:00); for 3 minutes write 00:03:00"},
		{"processModel.idleTimeout", "-5", true, "-5 is read as -5 days (-5.00:00:00)"},
		{"processModel.idleTimeout", "0", false, ""},
		{"processModel.idleTimeout", "000", false, ""},
		{"processModel.idleTimeout", "00:45:00", false, ""},
		{"processModel.idleTimeout", "1.00:00:00", false, ""},
		{"processModel.idleTimeout", "99999999", false, ""}, // not a TimeSpan at all
		{"processModel.idleTimeout", "4x", false, ""},
		{"processModel.idleTimeout", "", false, ""},
		{"processModel.idleTimeout", "-", false, ""},
		{"processModel.idleTimeout", "-0", false, ""},
		{"processModel.idleTimeout", "+5", false, ""},
		{"processModel.idleTimeout", "٣", false, ""}, // an Arabic-Indic three
		{"queueLength", "45", false, ""},
	}
	pool := MustFor(IIS10).Pool()
	for _, tt := range tests {
		t.Run(tt.path+"="+tt.text, func(t *testing.T) {
			b, ok := Lookup(pool, tt.path).BareNumber(tt.text)
			if ok != tt.ok {
				t.Fatalf("BareNumber(%q) ok = %v, want %v", tt.text, ok, tt.ok)
			}
			if ok {
				if diff := cmp.Diff(tt.hint, b.Hint()); diff != "" {
					t.Errorf("Hint (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestBareNumberOutOfRangeSaysHowItIsRead(t *testing.T) {
	a := Lookup(MustFor(IIS10).Pool(), "processModel.idleTimeout")
	_, err := a.ParseAndValidate("45")
	want := `attribute idleTimeout: invalid value "45": must be from 0 to 2592000 seconds (00:00:00 to 30.00:00:00): 45 is read as 45 days (45.00:00:00); for 45 minutes write 00:45:00`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}
