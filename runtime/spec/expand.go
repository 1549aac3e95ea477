package spec

import "strings"

// Expand replaces every %NAME% in s with the value getenv gives NAME, as Windows's
// ExpandEnvironmentStrings does: a variable that is not set is left as written,
// percent signs included, and scanning goes on after its closing '%'; a '%' with no
// closing '%' is kept with the rest of s. A variable whose value is empty counts as
// not set, since a Windows variable cannot be empty. Names are looked up as written,
// then in upper case (Windows's names are case-insensitive: %SystemDrive% finds
// SYSTEMDRIVE).
func Expand(s string, getenv func(string) string) string {
	out, _ := expand(s, getenv)
	return out
}

// expand is Expand that also returns the names of the variables left unexpanded, in
// order of first appearance.
func expand(s string, getenv func(string) string) (string, []string) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	var unknown []string
	for {
		start := strings.IndexByte(s, '%')
		if start < 0 {
			break
		}
		end := strings.IndexByte(s[start+1:], '%')
		if end < 0 {
			break
		}
		end += start + 1
		name := s[start+1 : end]
		b.WriteString(s[:start])
		if v := lookupVar(name, getenv); v != "" {
			b.WriteString(v)
		} else {
			b.WriteString(s[start : end+1])
			if name != "" {
				unknown = appendNew(unknown, name)
			}
		}
		s = s[end+1:]
	}
	b.WriteString(s)
	return b.String(), unknown
}

// lookupVar returns the value of the variable name, looked up as written and then in
// upper case, or "" when it is not set. The empty name ("%%") is never set.
func lookupVar(name string, getenv func(string) string) string {
	if name == "" {
		return ""
	}
	if v := getenv(name); v != "" {
		return v
	}
	if up := strings.ToUpper(name); up != name {
		return getenv(up)
	}
	return ""
}

// appendNew appends s to list unless list holds it.
func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
