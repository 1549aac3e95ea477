package parse

import "testing"

func TestExactNames(t *testing.T) {
	d := mustRead(t, `<a xmlns:x="urn:x" x:k="prefixed" k="plain"><x:b/><b id="2"/><b id="3"/></a>`)
	root := d.Root()
	for _, tt := range []struct {
		name, want string
		ok         bool
	}{
		{"k", "plain", true},
		{"x:k", "", false},
		{"K", "", false},
		{"missing", "", false},
	} {
		if got, ok := Attr(root, tt.name); got != tt.want || ok != tt.ok {
			t.Errorf("Attr(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	if b := Child(root, "b"); b == nil || attrOr(b, "id", "") != "2" {
		t.Errorf("Child(b) = %v, want the unprefixed <b id=\"2\">", b)
	}
	var ids []string
	for b := range Children(root, "b") {
		ids = append(ids, attrOr(b, "id", "?"))
	}
	if len(ids) != 2 || ids[0] != "2" || ids[1] != "3" {
		t.Errorf("Children(b) ids = %q, want [2 3]", ids)
	}
	if Child(root, "c") != nil || !hasChildElement(root) || hasChildElement(Child(root, "b")) {
		t.Error("Child or hasChildElement is wrong")
	}
}
