package eventlog

import (
	"log/slog"
	"time"
)

// field is one attribute, flattened: its group path and key, and its value.
type field struct {
	path []string // the groups it is in, outermost first, then its key
	val  slog.Value
}

// entry is a record sorted into the parts the text and journal forms place apart.
type entry struct {
	time    time.Time
	level   slog.Level
	msg     string
	id      int64
	hasID   bool
	known   [len(knownKeys)]string // pool, site, app, pid, by knownKeys' order
	others  []field                // the other attributes, in order
	reasons []field                // reason, err and error, in order
}

// knownKeys are the event fields a line shows first, in this order.
var knownKeys = [...]string{"pool", "site", "app", "pid"}

// reasonKeys are the attributes a line shows last, in parentheses.
var reasonKeys = map[string]bool{"reason": true, "err": true, "error": true}

// idKeys are the attributes that carry an event ID: the supervisor's and the front end's.
var idKeys = map[string]bool{"event": true, "id": true}

// newEntry sorts the handler's attributes (pre) and the record's, the record's in the
// groups groups.
func newEntry(r slog.Record, pre []field, groups []string) *entry {
	e := &entry{time: r.Time, level: r.Level, msg: r.Message}
	for _, f := range pre {
		e.add(f)
	}
	r.Attrs(func(a slog.Attr) bool {
		for _, f := range flatten(nil, groups, a) {
			e.add(f)
		}
		return true
	})
	return e
}

// add puts one flattened attribute where it belongs.
func (e *entry) add(f field) {
	if len(f.path) == 1 && e.addTop(f.path[0], f.val) {
		return
	}
	e.others = append(e.others, f)
}

// addTop takes an attribute outside any group when it is an event's field, and
// reports whether it did.
func (e *entry) addTop(key string, v slog.Value) bool {
	if idKeys[key] && !e.hasID {
		if id, ok := intValue(v); ok {
			e.id, e.hasID = id, true
			return true
		}
	}
	if reasonKeys[key] {
		if valueString(v) == "" {
			return true // no reason given
		}
		e.reasons = append(e.reasons, field{path: []string{key}, val: v})
		return true
	}
	for i, k := range knownKeys {
		if key == k && e.known[i] == "" {
			e.known[i] = valueString(v)
			return true
		}
	}
	return false
}

// intValue returns v as an integer when it is one.
func intValue(v slog.Value) (int64, bool) {
	switch v.Kind() {
	case slog.KindInt64:
		return v.Int64(), true
	case slog.KindUint64:
		if u := v.Uint64(); u <= 1<<63-1 {
			return int64(u), true
		}
	}
	return 0, false
}

// valueString is v as text; an error's text for an error.
func valueString(v slog.Value) string {
	if v.Kind() == slog.KindAny {
		if err, ok := v.Any().(error); ok && err != nil {
			return err.Error()
		}
	}
	return v.String()
}

// flatten resolves a and returns it as fields under the groups groups (and prefix,
// the groups of the attribute's parents), following slog's rules: an empty attribute
// is left out, a group without attributes is left out, a group without a key is
// inlined.
func flatten(out []field, groups []string, a slog.Attr) []field {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return out
	}
	if a.Value.Kind() != slog.KindGroup {
		if a.Key == "" {
			return out
		}
		path := append(append([]string(nil), groups...), a.Key)
		return append(out, field{path: path, val: a.Value})
	}
	inner := groups
	if a.Key != "" {
		inner = append(append([]string(nil), groups...), a.Key)
	}
	for _, g := range a.Value.Group() {
		out = flatten(out, inner, g)
	}
	return out
}
