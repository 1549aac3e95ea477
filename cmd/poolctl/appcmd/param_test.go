package appcmd

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/schema"
)

func TestParseConfigParam(t *testing.T) {
	tests := []struct {
		name, in string
		want     ConfigParam
		err      bool
	}{
		{"defaults", "/applicationPoolDefaults.processModel.idleTimeout:00:10:00",
			ConfigParam{Target: Defaults, Param: "/processModel.idleTimeout:00:10:00"}, false},
		{"pool collection", "/+[name='P'].recycling.periodicRestart.schedule.[value='03:00:00']",
			ConfigParam{Target: PoolAttr, Pool: "P", Param: "/+recycling.periodicRestart.schedule.[value='03:00:00']"}, false},
		{"pool attr", "/[name='My Pool'].processModel.identityType:NetworkService",
			ConfigParam{Target: PoolAttr, Pool: "My Pool", Param: "/processModel.identityType:NetworkService"}, false},
		{"add pool", "/+[name='P',autoStart='false']", ConfigParam{Target: AddPool, Pool: "P", Attrs: []Attr{{"autoStart", "false"}}}, false},
		{"remove pool", "/-[name='P']", ConfigParam{Target: RemovePool, Pool: "P"}, false},
		{"no name", "/[autoStart='false'].queueLength:1", ConfigParam{}, true},
		{"unclosed", "/[name='P.queueLength:1", ConfigParam{}, true},
		{"other", "/queueLength:1", ConfigParam{}, true},
		{"bare pool", "/[name='P']", ConfigParam{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfigParam(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseConfigParam (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	pool := schema.MustFor(schema.IIS10).Pool()
	tests := []struct{ in, want, err string }{
		{"/PROCESSMODEL.IDENTITYTYPE:networkservice", "/processModel.identityType:networkservice", ""},
		{"/+Recycling.PeriodicRestart.Schedule.[value='03:00:00']", "/+recycling.periodicRestart.schedule.[value='03:00:00']", ""},
		{"/nope:1", "", `ERROR ( message:Unknown attribute "nope".  Replace with -? for help. )`},
		{"/-processModel.[x='1']", "", `ERROR ( message:Unknown attribute "processModel".  Replace with -? for help. )`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Canonical(pool, tt.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if got != tt.want || gotErr != tt.err {
				t.Errorf("Canonical = %q, %q; want %q, %q", got, gotErr, tt.want, tt.err)
			}
		})
	}
}

func FuzzParseConfigParam(f *testing.F) {
	f.Add("/+[name='P'].recycling.periodicRestart.schedule.[value='03:00:00']")
	f.Add("/applicationPoolDefaults.queueLength:1")
	f.Add("/-[name='a,b',x=y]")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseConfigParam(s)
		if err == nil && p.Target != Defaults && p.Pool == "" {
			t.Fatalf("%q: no pool in %+v", s, p)
		}
	})
}
