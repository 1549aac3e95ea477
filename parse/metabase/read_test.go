package metabase

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
)

var updateMetabase = flag.Bool("update", false, "rewrite testdata/*.golden")

// dump describes every key and property of m, with positions, one per line.
func dump(m *Metabase) string {
	var b strings.Builder
	for _, k := range m.Keys {
		fmt.Fprintf(&b, "%s %s %q (Location at %s)\n", k.Pos, k.Type, k.Location, k.LocationPos)
		for _, p := range k.Props {
			custom := ""
			if p.Custom {
				custom = fmt.Sprintf(" custom[%s]", p.Attributes)
			}
			fmt.Fprintf(&b, "  %s %s=%q value at %s lines %q%s\n", p.Pos, p.Name, p.Value, p.ValuePos, p.Lines(), custom)
		}
	}
	return b.String()
}

// TestReadGolden reads testdata/MetaBase.xml and compares every key and property,
// with positions, with testdata/MetaBase.golden; -update rewrites it.
func TestReadGolden(t *testing.T) {
	m, err := ReadFile(filepath.Join("testdata", "MetaBase.xml"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := dump(m)
	path := filepath.Join("testdata", "MetaBase.golden")
	if *updateMetabase {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("MetaBase.xml read differently (-want +got):\n%s", diff)
	}
}

// sample is a small metabase with a multi-string value and a <Custom> property.
const sample = "<?xml version =\"1.0\"?>\r\n<configuration xmlns=\"urn:microsoft-catalog:XML_Metabase_V64_0\">\r\n<MBProperty>\r\n" +
	"<IIsApplicationPool\tLocation =\"/LM/W3SVC/AppPools/Zürich\"\r\n\t\tPeriodicRestartSchedule=\"01:00\r\n\t\t\t13:15\"\r\n\t>\r\n" +
	"\t<Custom Name=\"IdleTimeout\" ID=\"9005\" Value=\"45\" Attributes=\"INHERIT\"/>\r\n</IIsApplicationPool>\r\n</MBProperty>\r\n</configuration>\r\n"

// utf16Bytes encodes s as UTF-16, little- or big-endian, with or without a byte
// order mark.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// TestReadEncodings checks that the same metabase reads the same, with the same lines
// and columns, in UTF-8 with and without a byte order mark and in UTF-16 of either
// byte order with and without one.
func TestReadEncodings(t *testing.T) {
	utf8m, err := Read("mb.xml", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := lineCols(utf8m)
	for name, data := range map[string][]byte{
		"utf-8 bom":       append([]byte("\xEF\xBB\xBF"), sample...),
		"utf-16le bom":    utf16Bytes(sample, false, true),
		"utf-16be bom":    utf16Bytes(sample, true, true),
		"utf-16le no bom": utf16Bytes(sample, false, false),
		"utf-16be no bom": utf16Bytes(sample, true, false),
	} {
		t.Run(name, func(t *testing.T) {
			m, err := Read("mb.xml", data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, lineCols(m)); diff != "" {
				t.Errorf("read differently from UTF-8 (-want +got):\n%s", diff)
			}
		})
	}
	k := utf8m.Key("/lm/w3svc/apppools/zürich")
	if k == nil {
		t.Fatal("key not found without regard to case")
	}
	if p, _ := k.Prop("PeriodicRestartSchedule"); !cmp.Equal(p.Lines(), []string{"01:00", "13:15"}) || p.Pos.Line != 5 || p.Pos.Col != 3 {
		t.Errorf("PeriodicRestartSchedule lines %q at %s, want [01:00 13:15] at 5:3", p.Lines(), p.Pos)
	}
	if p, ok := k.Prop("IdleTimeout"); !ok || !p.Custom || p.Value != "45" || p.Pos.Line != 8 || p.Pos.Col != 2 {
		t.Errorf("custom IdleTimeout = %+v, want 45 at 8:2", p)
	}
}

// lineCols lists the keys and properties of m with their lines and columns, without
// offsets, which differ between encodings.
func lineCols(m *Metabase) []string {
	var out []string
	lc := func(p parse.Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }
	for _, k := range m.Keys {
		out = append(out, fmt.Sprintf("%s %s %s %s", lc(k.Pos), k.Type, k.Location, lc(k.LocationPos)))
		for _, p := range k.Props {
			out = append(out, fmt.Sprintf("  %s %s=%q %q %s", lc(p.Pos), p.Name, p.Value, p.Lines(), lc(p.ValuePos)))
		}
	}
	return out
}

// TestReadErrors checks that what Read refuses is an error at its file, line and
// column.
func TestReadErrors(t *testing.T) {
	key := func(attrs string) string {
		return "<configuration>\n<MBProperty>\n<IIsApplicationPool " + attrs + ">\n</IIsApplicationPool>\n</MBProperty>\n</configuration>\n"
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not well-formed", []byte("<configuration>\n<MBProperty>\n<IIsWebService Location=\"/LM/W3SVC\">\n</MBProperty>\n"), "mb.xml:4:"},
		{"wrong root", []byte("<applicationPools/>"), `mb.xml:1:1: root element is <applicationPools>`},
		{"empty location", []byte(key(`Location=" "`)), "mb.xml:3:31: <IIsApplicationPool> has an empty Location"},
		{"duplicate", []byte("<configuration>\n<A Location=\"/LM/X\"/>\n<B Location=\"/lm/x/\"/>\n</configuration>"), `mb.xml:3:14: key "/lm/x/" appears twice (first at 2:1)`},
		{"custom without name", []byte("<configuration>\n<A Location=\"/LM\">\n  <Custom Value=\"1\"/>\n</A>\n</configuration>"), "mb.xml:3:3: <Custom> property without a Name"},
		{"utf-16 odd length", append(utf16Bytes("<configuration/>", false, false), '<'), "mb.xml:"},
		{"doctype", []byte("<!DOCTYPE configuration [<!ENTITY x \"y\">]><configuration/>"), "mb.xml:1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read("mb.xml", tc.data)
			var pe *parse.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *parse.Error", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to start with %q", err, tc.want)
			}
		})
	}
	if _, err := ReadFile(filepath.Join("testdata", "missing.xml"), parse.Options{}); err == nil || !strings.Contains(err.Error(), "missing.xml") {
		t.Errorf("ReadFile of a missing file: %v, want an error naming it", err)
	}
}

// TestLookup checks inheritance: a key's own value, else the nearest key above that
// sets it, unless the property does not inherit (NO_ATTRIBUTES in the reference, or a
// <Custom> property's Attributes).
func TestLookup(t *testing.T) {
	m, err := ReadFile(filepath.Join("testdata", "MetaBase.xml"), parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const orders = "/LM/W3SVC/AppPools/Orders & Billing"
	for _, tc := range []struct {
		location, name string
		value, from    string // "" from: not found
	}{
		{orders, "IdleTimeout", "40", orders},
		{"/LM/W3SVC/AppPools/DefaultAppPool", "IdleTimeout", "20", "/LM/W3SVC/AppPools"},
		{"/LM/W3SVC/AppPools/DefaultAppPool", "RapidFailProtectionInterval", "10", "/LM/W3SVC"},
		{"/LM/W3SVC/AppPools/DefaultAppPool", "AppPoolAutoStart", "", ""}, // NO_ATTRIBUTES
		{"/LM/W3SVC/AppPools/DefaultAppPool", "CPULimit", "", ""},         // <Custom Attributes="NO_ATTRIBUTES">
		{"/LM/W3SVC/AppPools", "CPULimit", "80000", "/LM/W3SVC/AppPools"}, // its own
		{"/LM/W3SVC/AppPools/NotAKey", "IdleTimeout", "20", "/LM/W3SVC/AppPools"},
		{"/LM/W3SVC/1/ROOT", "ServerBindings", "", ""},
		{"/lm/w3svc/1/root", "AppPoolId", "DefaultAppPool", "/LM/W3SVC"},
		{"/LM/W3SVC/Info/Templates/Public Web Site/Root/x", "AppIsolated", "2", "/LM/W3SVC/Info/Templates/Public Web Site/Root"},
	} {
		p, k, ok := m.Lookup(tc.location, tc.name)
		from := ""
		if ok {
			from = k.Location
		}
		if p.Value != tc.value || from != tc.from {
			t.Errorf("Lookup(%q, %q) = %q from %q, want %q from %q", tc.location, tc.name, p.Value, from, tc.value, tc.from)
		}
	}
	if got := len(m.Under("/LM/W3SVC/AppPools")); got != 2 {
		t.Errorf("Under(AppPools) has %d keys, want 2", got)
	}
	if got := len(m.KeysOfType("IIsApplicationPool")); got != 2 {
		t.Errorf("%d pools, want 2", got)
	}
	if k := m.Key(orders); k == nil || k.Name() != "Orders & Billing" {
		t.Errorf("Key(%q) = %+v", orders, k)
	}
}

// TestParent checks Parent on paths, the root and what is not a path.
func TestParent(t *testing.T) {
	for in, want := range map[string]string{
		"/LM/W3SVC/AppPools/A": "/LM/W3SVC/AppPools",
		"/LM/W3SVC/AppPools/":  "/LM/W3SVC",
		"/LM":                  "/",
		"/":                    "",
		".":                    "",
		"":                     "",
	} {
		if got := Parent(in); got != want {
			t.Errorf("Parent(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLines checks the splitting of multi-string values: line breaks as written or as
// character references, CR LF and CR, white space trimmed, empty lines left out.
func TestLines(t *testing.T) {
	for raw, want := range map[string][]string{
		"03:00\n\t\t\t04:30":             {"03:00", "04:30"},
		"03:00\r\n04:30\r05:00":          {"03:00", "04:30", "05:00"},
		"03:00&#10;04:30&#xA;05:00":      {"03:00", "04:30", "05:00"},
		"\n\t\t\n  :80:  \n":             {":80:"},
		"a &amp; b&#13;&#x0A;&lt;c&gt;":  {"a & b", "<c>"},
		"":                               nil,
		"&bogus;x":                       {"&bogus;x"},
		"&#xFFFFFFFF;":                   {"&#xFFFFFFFF;"},
		"C:\\Program Files\\x.dll,1,GET": {"C:\\Program Files\\x.dll,1,GET"},
	} {
		if got := (Property{Raw: raw}).Lines(); !cmp.Equal(got, want) {
			t.Errorf("Lines(%q) = %q, want %q", raw, got, want)
		}
	}
}
