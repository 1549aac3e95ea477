package appcmd

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want Line
		err  bool
	}{
		{"list", []string{"list", "apppool"}, Line{Verb: "list", Object: "apppool"}, false},
		{"filter", []string{"LIST", "AppPool", "/state:Started"}, Line{Verb: "list", Object: "apppool", Params: []string{"/state:Started"}}, false},
		{"add", []string{"add", "apppool", "/name:N", "/queueLength:10"}, Line{Verb: "add", Object: "apppool", ID: "N", Params: []string{"/queueLength:10"}}, false},
		{"set by name", []string{"set", "apppool", "/apppool.name:N", "/+x.[value='1']"}, Line{Verb: "set", Object: "apppool", ID: "N", Params: []string{"/+x.[value='1']"}}, false},
		{"set config", []string{"set", "config", "-section:system.applicationHost/applicationPools", "/a.b:c", "/commit:apphost"},
			Line{Verb: "set", Object: "config", Section: "system.applicationHost/applicationPools", Commit: "apphost", Params: []string{"/a.b:c"}}, false},
		{"unknown verb", []string{"frob", "apppool"}, Line{}, true},
		{"unknown object", []string{"add", "site"}, Line{}, true},
		{"two ids", []string{"delete", "apppool", "A", "B"}, Line{}, true},
		{"short", []string{"list"}, Line{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.args)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("set", "apppool", "/apppool.name:N", "/+a.[b='c']")
	f.Add("set", "config", "-section:x", "/commit:apphost")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		l, err := Parse([]string{a, b, c, d})
		if err == nil && (l.Verb == "" || l.Object == "") {
			t.Fatalf("no verb or object: %+v", l)
		}
	})
}
