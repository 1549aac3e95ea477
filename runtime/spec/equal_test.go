package spec

import (
	"reflect"
	"testing"
	"time"

	"github.com/poolctl/poolctl/parse"
)

// TestPoolEqualSeesEveryField changes each field of a pool in turn (through
// reflection, so that a field added later is covered too) and checks that Equal sees
// the change, except for Pos.
func TestPoolEqualSeesEveryField(t *testing.T) {
	base := func() *Pool {
		return &Pool{Name: "A", Env: []string{"X=1"}, Recycling: Recycling{Schedule: []time.Duration{time.Hour}, LogEventOnRecycle: []string{"Time"}}}
	}
	eachField(t, reflect.TypeOf(Pool{}), func(path []int, name string) {
		a, b := base(), base()
		mutate(reflect.ValueOf(b).Elem().FieldByIndex(path))
		want := name == "Pos"
		if got := a.Equal(b); got != want {
			t.Errorf("Pool.Equal after changing %s = %v, want %v", name, got, want)
		}
	})
}

// TestAppEqualSeesEveryField does the same for an application and its program,
// except for Program.RequestTimeout, which can change under running workers.
func TestAppEqualSeesEveryField(t *testing.T) {
	base := func() *App {
		return &App{Site: "S", Path: "/", Program: Program{Args: []string{"a"}, Env: []string{"X=1"}}}
	}
	eachField(t, reflect.TypeOf(App{}), func(path []int, name string) {
		a, b := base(), base()
		mutate(reflect.ValueOf(b).Elem().FieldByIndex(path))
		want := name == "Pos" || name == "Program.RequestTimeout"
		if got := a.Equal(b); got != want {
			t.Errorf("App.Equal after changing %s = %v, want %v", name, got, want)
		}
	})
}

// eachField calls f with the index path and name of every leaf field of t: the
// fields of nested structs (but parse.Pos, a leaf) one by one.
func eachField(t *testing.T, typ reflect.Type, f func(path []int, name string)) {
	t.Helper()
	var walk func(typ reflect.Type, path []int, prefix string)
	walk = func(typ reflect.Type, path []int, prefix string) {
		for i := range typ.NumField() {
			fld := typ.Field(i)
			p := append(append([]int(nil), path...), i)
			if fld.Type.Kind() == reflect.Struct && fld.Type != reflect.TypeOf(parse.Pos{}) {
				walk(fld.Type, p, prefix+fld.Name+".")
				continue
			}
			f(p, prefix+fld.Name)
		}
	}
	walk(typ, nil, "")
}

// mutate changes v to another value of its type.
func mutate(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Slice:
		v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
	case reflect.Struct: // parse.Pos
		v.Set(reflect.ValueOf(parse.Pos{Line: 7, Col: 3}))
	default:
		panic("mutate: unhandled kind " + v.Kind().String())
	}
}
