// Package appcmd reads the command lines of appcmd.exe's application-pool verbs, so
// that poolctl can apply the lines of IIS administrators' runbooks.
package appcmd

import (
	"fmt"
	"strings"
)

// Line is one appcmd command line: VERB OBJECT [IDENTIFIER] [/param:value ...].
type Line struct {
	Verb   string // lower case: list, add, set, delete, start, stop, recycle
	Object string // lower case: apppool, config, wp, requests
	// ID is the object's identifier, given bare or as /apppool.name: (or /name: for add).
	ID string
	// Params are the /name:value parameters other than the identifier, in order;
	// Params[i] keeps appcmd's spelling (/x:y, /+x.[...], /-x.[...]).
	Params []string
	// Section is -section: of set config; Commit is /commit:.
	Section, Commit string
}

// verbs lists the objects each verb takes.
var verbs = map[string][]string{
	"list":    {"apppool", "wp", "requests"},
	"add":     {"apppool"},
	"set":     {"apppool", "config"},
	"delete":  {"apppool"},
	"start":   {"apppool"},
	"stop":    {"apppool"},
	"recycle": {"apppool"},
}

// Parse reads args, appcmd's command line without "appcmd"; verbs and objects are
// case-insensitive as in appcmd.
func Parse(args []string) (Line, error) {
	if len(args) < 2 {
		return Line{}, fmt.Errorf("want VERB OBJECT, such as \"list apppool\"")
	}
	l := Line{Verb: strings.ToLower(args[0]), Object: strings.ToLower(args[1])}
	objs, ok := verbs[l.Verb]
	if !ok {
		return Line{}, fmt.Errorf("unknown verb %q (poolctl appcmd knows %s)", args[0], "list, add, set, delete, start, stop, recycle")
	}
	if !contains(objs, l.Object) {
		return Line{}, fmt.Errorf("%s: unknown object %q (want %s)", l.Verb, args[1], strings.Join(objs, ", "))
	}
	for _, a := range args[2:] {
		if err := l.add(a); err != nil {
			return Line{}, err
		}
	}
	return l, nil
}

// add reads one argument after the object.
func (l *Line) add(a string) error {
	low := strings.ToLower(a)
	switch {
	case strings.HasPrefix(low, "-section:") || strings.HasPrefix(low, "/section:"):
		l.Section = a[len("-section:"):]
	case strings.HasPrefix(low, "/commit:") || strings.HasPrefix(low, "-commit:"):
		l.Commit = a[len("/commit:"):]
	case strings.HasPrefix(low, "/apppool.name:"):
		l.ID = a[len("/apppool.name:"):]
	case l.Verb == "add" && strings.HasPrefix(low, "/name:"):
		l.ID = a[len("/name:"):]
	case strings.HasPrefix(a, "/") || strings.HasPrefix(a, "-"):
		if len(a) < 2 {
			return fmt.Errorf("%q: want /NAME:VALUE", a)
		}
		l.Params = append(l.Params, "/"+a[1:])
	default:
		if l.ID != "" {
			return fmt.Errorf("%q: a second identifier (the first is %q)", a, l.ID)
		}
		l.ID = a
	}
	return nil
}

// Filter is an attribute filter of list: /path:value.
type Filter struct{ Path, Value string }

// Split splits /path:value into its path and value.
func Split(p string) (Filter, bool) {
	path, value, ok := strings.Cut(strings.TrimPrefix(p, "/"), ":")
	return Filter{path, value}, ok && path != ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
