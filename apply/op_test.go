package apply

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/schema"
)

func TestParseOp(t *testing.T) {
	tests := []struct {
		arg  string
		want Op
	}{
		{"queueLength=2000", Op{Kind: SetAttr, Path: "queueLength", Value: "2000"}},
		{"processModel.idleTimeout=00:30:00", Op{Kind: SetAttr, Path: "processModel.idleTimeout", Value: "00:30:00"}},
		{"processModel.userName=a=b", Op{Kind: SetAttr, Path: "processModel.userName", Value: "a=b"}},
		{"managedRuntimeVersion=", Op{Kind: SetAttr, Path: "managedRuntimeVersion", Value: ""}},
		{"/processModel.idleTimeout:00:30:00", Op{Kind: SetAttr, Path: "processModel.idleTimeout", Value: "00:30:00"}},
		{"recycling.periodicRestart.schedule+=03:00:00", Op{Kind: AddItem, Path: "recycling.periodicRestart.schedule", Item: []Attr{{"value", "03:00:00"}}}},
		{"recycling.periodicRestart.schedule-=03:00:00", Op{Kind: RemoveItem, Path: "recycling.periodicRestart.schedule", Item: []Attr{{"value", "03:00:00"}}}},
		{"environmentVariables+=TEMP=C:\\t=1", Op{Kind: AddItem, Path: "environmentVariables", Item: []Attr{{"name", "TEMP"}, {"value", "C:\\t=1"}}}},
		{"environmentVariables-=TEMP", Op{Kind: RemoveItem, Path: "environmentVariables", Item: []Attr{{"name", "TEMP"}}}},
		{"/+recycling.periodicRestart.schedule.[value='03:00:00']", Op{Kind: AddItem, Path: "recycling.periodicRestart.schedule", Item: []Attr{{"value", "03:00:00"}}}},
		{"/+environmentVariables.[name='A', value='x,y']", Op{Kind: AddItem, Path: "environmentVariables", Item: []Attr{{"name", "A"}, {"value", "x,y"}}}},
		{"/-environmentVariables.[name='A']", Op{Kind: RemoveItem, Path: "environmentVariables", Item: []Attr{{"name", "A"}}}},
	}
	pool := schema.MustFor(schema.IIS10).Pool()
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			got, err := ParseOp(tt.arg, pool)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseOpErrors(t *testing.T) {
	tests := []struct{ arg, want string }{
		{"queueLength", `"queueLength": want KEY=VALUE, KEY+=ITEM, KEY-=ITEM or appcmd's /KEY:VALUE`},
		{"=1", `"=1": want KEY=VALUE, KEY+=ITEM, KEY-=ITEM or appcmd's /KEY:VALUE`},
		{"+=1", `"+=1": no key before "=1"`},
		{"idleTimeout=00:10:00", `"idleTimeout=00:10:00": a pool has no attribute idleTimeout (did you mean processModel.idleTimeout?)`},
		{"processModel.idleTimout=1", `"processModel.idleTimout=1": a pool has no attribute processModel.idleTimout (poolctl schema lists them)`},
		{"queueLength+=1", `"queueLength+=1": a pool has no collection queueLength (poolctl schema lists them)`},
		{"/queueLength", `"/queueLength": want appcmd's /KEY:VALUE`},
		{"/+environmentVariables.[name=A]", `"/+environmentVariables.[name=A]": want [name='value',...], found "name=A"`},
		{"/+environmentVariables.[value='1']", `"/+environmentVariables.[value='1']": the item needs its key attribute name`},
		{"/+environmentVariables.[nam='A']", `"/+environmentVariables.[nam='A']": <add> items have no attribute "nam" (they have name, value)`},
		{"/+environmentVariables.[name='A", `"/+environmentVariables.[name='A": want appcmd's /+KEY.[name='value',...] or /-KEY.[name='value']`},
	}
	pool := schema.MustFor(schema.IIS10).Pool()
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			_, err := ParseOp(tt.arg, pool)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

func FuzzParseOp(f *testing.F) {
	for _, s := range []string{"queueLength=1", "/+environmentVariables.[name='A',value='b']", "environmentVariables+=A=B", "/x:y", "/-a.[b='c']"} {
		f.Add(s)
	}
	pool := schema.MustFor(schema.IIS10).Pool()
	f.Fuzz(func(t *testing.T, arg string) {
		op, err := ParseOp(arg, pool)
		if err != nil {
			return
		}
		if op.Kind == SetAttr && attributeAt(pool, op.Path) == nil {
			t.Errorf("%q: op %v names no attribute", arg, op)
		}
		if op.Kind != SetAttr && len(op.Item) == 0 {
			t.Errorf("%q: item op without an item", arg)
		}
	})
}
