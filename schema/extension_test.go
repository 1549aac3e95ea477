package schema

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/internal/sharedtest"
)

// poolctlSchema is the schema extension the repository ships.
var poolctlSchema = filepath.Join("..", "contrib", "schema", "poolctl_schema.xml")

// TestPoolctlSchemaExtension extends each version's schema with contrib/schema's file:
// failingResponses, in pools and their defaults, with its types, defaults and ranges.
func TestPoolctlSchemaExtension(t *testing.T) {
	ext, err := ReadExtension(poolctlSchema)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []Version{IIS70, IIS10} {
		s := MustFor(v)
		if s.Pool().Element("failingResponses") != nil {
			t.Fatalf("%v declares failingResponses without the extension", v)
		}
		s.Extend(ext)
		for _, e := range []*Element{s.Pool().Element("failingResponses"), s.PoolDefaults().Element("failingResponses")} {
			if e == nil {
				t.Fatalf("%v: no failingResponses after Extend", v)
			}
			got := map[string]string{}
			for _, a := range e.Attributes {
				got[a.Name] = a.Type.String() + " " + a.Default + " " + validationText(a.Validation)
				if a.Since != v || a.Extension != poolctlSchema {
					t.Errorf("%s: Since %v, Extension %q", a.Name, a.Since, a.Extension)
				}
			}
			want := map[string]string{
				"enabled":     "bool false ",
				"window":      "timeSpan 00:01:00 timeSpanRange 10 3600 1",
				"minRequests": "uint 20 integerRange 1 1000000 0",
				"failureRate": "uint 50 integerRange 1 100 0",
				"poolRatio":   "uint 4 integerRange 1 1000 0",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%v failingResponses (-want +got):\n%s", v, diff)
			}
		}
	}
}

// validationText returns a validator as "KIND MIN MAX GRANULARITY", "" for none.
func validationText(v *Validation) string {
	if v == nil {
		return ""
	}
	return strings.Join([]string{v.Kind.String(), itoa(v.Min), itoa(v.Max), itoa(v.Granularity)}, " ")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestIISSchemaFilesChangeNothing extends each version with IIS's own schema files of
// ../shared: they declare only what IIS declares, so nothing is added, and an older
// target keeps its "not in this version" attributes.
func TestIISSchemaFilesChangeNothing(t *testing.T) {
	files := sharedtest.Glob(t, "*.xml", "reference")
	for _, file := range files {
		ext, err := ReadExtension(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []Version{IIS70, IIS10} {
			s, plain := MustFor(v), MustFor(v)
			s.Extend(ext)
			if diff := cmp.Diff(plain.Sections(), s.Sections()); diff != "" {
				t.Errorf("%s changed the %v schema (-before +after):\n%s", filepath.Base(file), v, diff)
			}
		}
	}
}

// TestExtensionInUTF16 reads contrib/schema's file saved as UTF-16 (both byte orders,
// with a byte order mark and an encoding="utf-16" declaration): the same as in UTF-8.
// Another declared encoding is an error.
func TestExtensionInUTF16(t *testing.T) {
	src, err := os.ReadFile(poolctlSchema)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseExtension("x.xml", src)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), `encoding="utf-8"`, `encoding="utf-16"`, 1)
	for _, tt := range []struct {
		name string
		bom  []byte
		put  func([]byte, uint16) []byte
	}{
		{"little-endian", []byte{0xFF, 0xFE}, binary.LittleEndian.AppendUint16},
		{"big-endian", []byte{0xFE, 0xFF}, binary.BigEndian.AppendUint16},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := append([]byte(nil), tt.bom...)
			for _, u := range utf16.Encode([]rune(text)) {
				b = tt.put(b, u)
			}
			got, err := ParseExtension("x.xml", b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(Extension{})); diff != "" {
				t.Errorf("UTF-16 (-UTF-8 +UTF-16):\n%s", diff)
			}
		})
	}
	latin := strings.Replace(string(src), `encoding="utf-8"`, `encoding="iso-8859-1"`, 1)
	if _, err := ParseExtension("x.xml", []byte(latin)); err == nil || !strings.Contains(err.Error(), "save the file as UTF-8") {
		t.Errorf("ISO-8859-1 = %v, want an error that says to save it as UTF-8", err)
	}
}

// TestExtensionErrors checks that a malformed extension is an error that names the
// file, line and column, and that sections poolctl does not model are not read.
func TestExtensionErrors(t *testing.T) {
	for _, tt := range []struct {
		name, src, want string
	}{
		{"not xml", "<configSchema>\n  <sectionSchema name=\"x\">\n</configSchema>", "x.xml:3:"},
		{"other root", "<configuration/>", "want <configSchema>"},
		{"empty", "", "no <configSchema>"},
		{"unknown type", "<configSchema>\n<sectionSchema name=\"system.applicationHost/applicationPools\">\n<collection addElement=\"add\">\n  <attribute name=\"a\" type=\"float\" />", "x.xml:4:"},
		{"bad range", "<configSchema><sectionSchema name=\"system.webServer/aspNetCore\"><attribute name=\"a\" type=\"uint\" validationType=\"integerRange\" validationParameter=\"9,1\" /></sectionSchema></configSchema>", "MIN <= MAX"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseExtension("x.xml", []byte(tt.src))
			var ee *ExtensionError
			if !errors.As(err, &ee) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseExtension = %v, want an *ExtensionError with %q", err, tt.want)
			}
		})
	}
	other := `<configSchema><sectionSchema name="system.webServer/rewrite"><attribute name="a" type="float" /></sectionSchema></configSchema>`
	if _, err := ParseExtension("x.xml", []byte(other)); err != nil {
		t.Errorf("a section poolctl does not model: %v, want it ignored", err)
	}
}

// TestExtensionsFor reads the schema folder beside a configuration file, and nothing
// when there is none; a file too large is refused.
func TestExtensionsFor(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "applicationHost.config")
	if exts, err := ExtensionsFor(cfg); err != nil || len(exts) != 0 {
		t.Fatalf("ExtensionsFor without a schema folder = %v, %v", exts, err)
	}
	os.Mkdir(filepath.Join(dir, ExtensionDir), 0o755)
	src, _ := os.ReadFile(poolctlSchema)
	os.WriteFile(filepath.Join(dir, ExtensionDir, "poolctl_schema.xml"), src, 0o644)
	os.WriteFile(filepath.Join(dir, ExtensionDir, "notes.txt"), []byte("not a schema"), 0o644)
	exts, err := ExtensionsFor(cfg)
	if err != nil || len(exts) != 1 {
		t.Fatalf("ExtensionsFor = %v, %v, want the one *.xml file", exts, err)
	}
	big := filepath.Join(dir, ExtensionDir, "big.xml")
	os.WriteFile(big, make([]byte, MaxExtensionBytes+1), 0o644)
	if _, err := ExtensionsFor(cfg); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("ExtensionsFor with a file too large = %v", err)
	}
}

// FuzzParseExtension checks that no input makes the extension reader panic, and that
// what it accepts can extend a schema.
func FuzzParseExtension(f *testing.F) {
	src, _ := os.ReadFile(poolctlSchema)
	f.Add(src)
	f.Add([]byte(`<configSchema><sectionSchema name="system.applicationHost/sites"><collection addElement="site"><element name="x"><collection addElement="add"><attribute name="v" type="enum"><enum name="A" value="0x1"/></attribute></collection></element></collection></sectionSchema></configSchema>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ext, err := ParseExtension("fuzz.xml", b)
		if err != nil {
			return
		}
		MustFor(IIS10).Extend(ext)
	})
}
