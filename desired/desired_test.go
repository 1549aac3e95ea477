package desired

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// desiredFixture returns the content of testdata/name.
func desiredFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// desiredDump writes e canonically: one line per element with its path and its
// attributes in order, so that documents that differ only in layout compare equal.
func desiredDump(e *etree.Element) []string {
	var out []string
	var walk func(e *etree.Element, path string)
	walk = func(e *etree.Element, path string) {
		path += "/" + e.FullTag()
		line := path
		for _, a := range e.Attr {
			line += " " + a.FullKey() + "=" + a.Value
		}
		out = append(out, line)
		for c := range e.ChildElementsSeq() {
			walk(c, path)
		}
	}
	walk(e, "")
	return out
}

func TestFormatString(t *testing.T) {
	for f, want := range map[Format]string{FormatXML: "xml", FormatJSON: "json", FormatYAML: "yaml", 0: "Format(0)", 9: "Format(9)"} {
		if got := f.String(); got != want {
			t.Errorf("Format(%d).String() = %q, want %q", int(f), got, want)
		}
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, data string
		want       Format
	}{
		{"desired.xml", "{", FormatXML},
		{"applicationHost.CONFIG", "", FormatXML},
		{"desired.json", "<x/>", FormatJSON},
		{"desired.yaml", "{}", FormatYAML},
		{"dir.d/desired.YML", "", FormatYAML},
		{"-", "  \n<applicationPools/>", FormatXML},
		{"-", "\xEF\xBB\xBF<applicationPools/>", FormatXML},
		{"-", "\t{\"applicationPools\": []}", FormatJSON},
		{"-", "applicationPools: []", FormatYAML},
		{"desired.txt", "[1]", FormatYAML},
		{"-", "", FormatYAML},
	}
	for _, tt := range tests {
		if got := DetectFormat(tt.name, []byte(tt.data)); got != tt.want {
			t.Errorf("DetectFormat(%q, %q) = %v, want %v", tt.name, tt.data, got, tt.want)
		}
	}
}

// TestReadDesiredFormatsAgree reads the same desired state written in the three
// formats (and inside a whole configuration) and compares the elements they give.
func TestReadDesiredFormatsAgree(t *testing.T) {
	s := schema.MustFor(schema.IIS10)
	wantXML := desiredFixture(t, "pools.xml")
	want := desiredDump(mustRead(t, "pools.xml", wantXML, s))
	for _, name := range []string{"pools.json", "pools.yaml", "config.xml"} {
		t.Run(name, func(t *testing.T) {
			doc, e, err := Read(name, desiredFixture(t, name), s)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, desiredDump(e)); diff != "" {
				t.Errorf("elements differ from pools.xml (-want +got):\n%s", diff)
			}
			if name == "config.xml" {
				return
			}
			// The generated text is pools.xml itself: two-space indentation, attributes
			// and elements in schema order, items in array order.
			got, err := doc.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(wantXML), string(got)); diff != "" {
				t.Errorf("generated XML (-want +got):\n%s", diff)
			}
			if e != doc.Root() {
				t.Error("the element is not the document's root")
			}
			if pos := doc.Pos(e); pos.File != name+" (as XML)" || pos.Line != 1 {
				t.Errorf("root at %v, want %s (as XML):1:1", pos, name)
			}
		})
	}
}

func mustRead(t *testing.T, name string, data []byte, s *schema.Schema) *etree.Element {
	t.Helper()
	_, e, err := Read(name, data, s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestReadDesiredConfiguration checks that a whole configuration gives its server-level
// section, with positions in the file as written.
func TestReadDesiredConfiguration(t *testing.T) {
	s := schema.MustFor(schema.IIS10)
	tests := []struct {
		name, src string
		line      int
	}{
		{"config.xml", string(desiredFixture(t, "config.xml")), 4},
		{"location.config", `<configuration>
  <location path="Default Web Site"><system.applicationHost><applicationPools><add name="No"/></applicationPools></system.applicationHost></location>
  <location path="">
    <system.applicationHost>
      <applicationPools><add name="Yes"/></applicationPools>
    </system.applicationHost>
  </location>
</configuration>`, 5},
	}
	t.Run("configSource", func(t *testing.T) {
		name := filepath.Join("testdata", "configsource.config")
		doc, e, err := Read(name, desiredFixture(t, "configsource.config"), s)
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join("testdata", "configsource.pools.config")
		if e != doc.Root() || doc.Name != want || doc.Pos(e).Line != 3 {
			t.Errorf("got <%s> at %v, want the root of %s at line 3", e.FullTag(), doc.Pos(e), want)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, e, err := Read(tt.name, []byte(tt.src), s)
			if err != nil {
				t.Fatal(err)
			}
			if e.FullTag() != "applicationPools" || doc.Root().FullTag() != "configuration" {
				t.Fatalf("got <%s> in a document of <%s>", e.FullTag(), doc.Root().FullTag())
			}
			if pos := doc.Pos(e); pos.File != tt.name || pos.Line != tt.line {
				t.Errorf("section at %v, want line %d of %s", pos, tt.line, tt.name)
			}
		})
	}
}

// TestReadDesiredValues checks how JSON and YAML scalars become attribute values.
func TestReadDesiredValues(t *testing.T) {
	s := schema.MustFor(schema.IIS10)
	tests := []struct {
		name, src string
		want      []string
	}{
		{"booleans and integers.json",
			`{"applicationPools": [{"name": "a", "autoStart": false, "enable32BitAppOnWin64": true,
			"queueLength": 1e3, "cpu": {"limit": 2.0, "smpProcessorAffinityMask": 4294967295, "processorGroup": 0}}]}`,
			[]string{"/applicationPools",
				"/applicationPools/add name=a queueLength=1000 autoStart=false enable32BitAppOnWin64=true",
				"/applicationPools/add/cpu limit=2 smpProcessorAffinityMask=4294967295 processorGroup=0"}},
		{"booleans and integers.yaml", "applicationPools:\n- name: a\n  autoStart: False\n  enable32BitAppOnWin64: TRUE\n" +
			"  queueLength: 0x3E8\n  cpu: {limit: 2.0, smpProcessorAffinityMask: 0o37777777777, processorGroup: -0}\n",
			[]string{"/applicationPools",
				"/applicationPools/add name=a queueLength=1000 autoStart=false enable32BitAppOnWin64=true",
				"/applicationPools/add/cpu limit=2 smpProcessorAffinityMask=4294967295 processorGroup=0"}},
		{"strings.yaml", "applicationPools:\n- name: '12'\n  managedRuntimeVersion: v4.0\n  CLRConfigFile: 2001-12-14\n" +
			"  processModel: {idleTimeout: 00:20:00, userName: !!str 42}\n",
			[]string{"/applicationPools",
				"/applicationPools/add name=12 managedRuntimeVersion=v4.0 CLRConfigFile=2001-12-14",
				"/applicationPools/add/processModel userName=42 idleTimeout=00:20:00"}},
		{"escaping.json", `{"applicationPools": [{"name": "a", "environmentVariables": [
			{"name": "X", "value": "<&\"'> \t\n\r ü 🙂 ]]>"}]}]}`,
			[]string{"/applicationPools", "/applicationPools/add name=a",
				"/applicationPools/add/environmentVariables",
				"/applicationPools/add/environmentVariables/add name=X value=<&\"'> \t\n\r ü 🙂 ]]>"}},
		{"empty collection and element.json", `{"applicationPools": [{"name": "a", "environmentVariables": [], "cpu": {}}]}`,
			[]string{"/applicationPools", "/applicationPools/add name=a", "/applicationPools/add/cpu",
				"/applicationPools/add/environmentVariables"}},
		{"only defaults.yaml", "applicationPoolDefaults: {autoStart: false}\n",
			[]string{"/applicationPools", "/applicationPools/applicationPoolDefaults autoStart=false"}},
		{"nothing.json", `{}`, []string{"/applicationPools"}},
		{"bom.json", "\xEF\xBB\xBF{\"applicationPools\": []}", []string{"/applicationPools"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustRead(t, tt.name, []byte(tt.src), s)
			if diff := cmp.Diff(tt.want, desiredDump(e)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadDesiredErrors checks every kind of error with its exact position and
// message.
func TestReadDesiredErrors(t *testing.T) {
	tests := []struct {
		name, src string // src empty: the fixture testdata/name
		version   schema.Version
		want      string
	}{
		// Empty input, in each format.
		{"empty.json", " \n", 0, "empty.json:1:1: empty desired state"},
		{"empty.yaml", "\xEF\xBB\xBF", 0, "empty.yaml:1:1: empty desired state"},
		{"comments.yaml", "# nothing here\n", 0, "comments.yaml:1:1: empty desired state: the YAML holds no document"},
		{"empty.xml", "", 0, "empty.xml:1:1: empty desired state"},

		// JSON syntax.
		{"trailing-comma.json", "{\n  \"applicationPools\": [\n    {\"name\": \"a\",}\n  ]\n}", 0,
			`trailing-comma.json:3:18: JSON syntax error: invalid character '}' looking for beginning of object key string`},
		{"truncated.json", "{\"applicationPools\": [", 0, `truncated.json:1:23: JSON syntax error: unexpected end of JSON input`},
		{"trailing.json", "{}\n{}", 0, `trailing.json:2:1: JSON syntax error: invalid character '{' after top-level value`},
		{"bom.json", "\xEF\xBB\xBF{\"a\" 1}", 0, `bom.json:1:6: JSON syntax error: invalid character '1' after object key`},
		{"crlf.json", "{\r\n\"a\":\r\n x}", 0, `crlf.json:3:2: JSON syntax error: invalid character 'x' looking for beginning of value`},
		{"utf8.json", "{\"applicationPools\": [{\"name\": \"\xff\"}]}", 0, `utf8.json:1:33: invalid UTF-8: byte 0xFF`},
		{"duplicate-key.json", `{"applicationPools": [{"name": "a", "queueLength": 1000, "queueLength": 2000}]}`, 0,
			`duplicate-key.json:1:58: applicationPools[0]: duplicate key "queueLength" (first at 1:37)`},
		{"deep.json", strings.Repeat("[", 100) + strings.Repeat("]", 100), 0,
			`deep.json:1:66: [0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: values are nested more than 64 deep`},

		// JSON Schema violations, reported at the value.
		{"schedule_error.json", "", 0,
			`schedule_error.json:10:23: pool "Shop": recycling.periodicRestart.schedule[1].value: invalid value "3 o'clock": timespan "3 o'clock": unexpected ' ' at offset 1, want '.' or ':'`},
		{"missing-name.json", "{\"applicationPools\": [\n  {\"queueLength\": 2000}\n]}", 0,
			`missing-name.json:2:3: applicationPools[0]: missing required property "name"`},
		{"unknown-attribute.json", "{\"applicationPools\": [{\"name\": \"a\",\n  \"processModel\": {\"idleTimout\": \"00:10:00\"}}]}", 0,
			`unknown-attribute.json:2:20: pool "a": processModel: unknown property "idleTimout"`},
		{"unknown-top.json", `{"applicationPool": []}`, 0, `unknown-top.json:1:2: top level: unknown property "applicationPool"`},
		{"array.json", `[]`, 0, `array.json:1:1: top level: want object, got array`},
		{"range.json", `{"applicationPools": [{"name": "a", "queueLength": 5}]}`, 0,
			`range.json:1:52: pool "a": queueLength: invalid value 5: must be from 10 to 65535`},
		{"fraction.json", `{"applicationPools": [{"name": "a", "queueLength": 10.5}]}`, 0,
			`fraction.json:1:52: pool "a": queueLength: want integer, got number 10.5`},
		{"enum.json", `{"applicationPoolDefaults": {"managedPipelineMode": "classic"}}`, 0,
			`enum.json:1:53: applicationPoolDefaults: managedPipelineMode: invalid value "classic": must be one of Integrated, Classic`},
		{"flags.json", `{"applicationPools": [{"name": "a", "recycling": {"logEventOnRecycle": "Time, Often"}}]}`, 0,
			`flags.json:1:72: pool "a": recycling.logEventOnRecycle: invalid value "Time, Often": flag "Often" is not one of Time, Requests, Schedule, Memory, IsapiUnhealthy, OnDemand, ConfigChange, PrivateMemory`},
		// Long values are quoted cut (issue 14 item 5).
		{"long-enum.json", `{"applicationPoolDefaults": {"managedPipelineMode": "` + strings.Repeat("x", 300) + `"}}`, 0,
			`long-enum.json:1:53: applicationPoolDefaults: managedPipelineMode: invalid value "` + strings.Repeat("x", 200) + `"… (300 bytes): must be one of Integrated, Classic`},
		{"long-key.json", `{"applicationPool` + strings.Repeat("s", 1500) + `": []}`, 0,
			`long-key.json:1:2: top level: unknown property "applicationPool` + strings.Repeat("s", 185) + `"… (1515 bytes)`},
		{"pool-name.json", `{"applicationPools": [{"name": "a/b"}]}`, 0,
			`pool-name.json:1:32: applicationPools[0]: name: invalid value "a/b": '/' is not allowed in an application pool name (forbidden: |<>&"/[]+=;:,?*@)`},
		{"null.json", `{"applicationPools": [{"name": "a", "autoStart": null}]}`, 0,
			`null.json:1:50: pool "a": autoStart: want boolean, got null`},
		{"version.json", `{"applicationPools": [{"name": "a", "environmentVariables": []}]}`, schema.IIS85,
			`version.json:1:37: pool "a": unknown property "environmentVariables"`},
		{"several.json", `{"applicationPools": [{"name": "a", "queueLength": 5, "autoStart": 1}]}`, 0,
			`several.json:1:52: pool "a": queueLength: invalid value 5: must be from 10 to 65535 (and 1 more problem)`},

		// What the JSON Schema cannot say.
		{"empty-name.json", `{"applicationPools": [{"name": ""}]}`, 0,
			`empty-name.json:1:32: applicationPools[0]: name: a pool name must not be empty`},
		{"same-name.json", "{\"applicationPools\": [{\"name\": \"Shop\"},\n {\"name\": \"shop\"}]}", 0,
			`same-name.json:2:11: pool "shop" is named twice (first at 1:32)`},
		{"control.json", `{"applicationPools": [{"name": "a", "processModel": {"userName": "x\u0001"}}]}`, 0,
			`control.json:1:66: pool "a": processModel.userName: character U+0001 cannot be written in XML`},

		// YAML.
		{"type_error.yaml", "", 0, `type_error.yaml:5:18: pool "Shop": queueLength: want integer, got string "many"`},
		{"quoted-bool.yaml", "applicationPools:\n  - name: a\n    autoStart: \"true\"\n", 0,
			`quoted-bool.yaml:3:16: pool "a": autoStart: want boolean, got string "true"`},
		{"yes.yaml", "applicationPools:\n  - name: a\n    autoStart: yes\n", 0,
			`yes.yaml:3:16: pool "a": autoStart: want boolean, got string "yes"`},
		{"missing-name.yaml", "applicationPools:\n  - queueLength: 2000\n", 0,
			`missing-name.yaml:2:5: applicationPools[0]: missing required property "name"`},
		{"item.yaml", "applicationPools:\n  - name: a\n    environmentVariables:\n      - {nme: x}\n", 0,
			`item.yaml:4:9: pool "a": environmentVariables[0]: missing required properties "name", "value" (and 1 more problem)`},
		{"bom-first-line.yaml", "\xEF\xBB\xBFapplicationPools: 5\n", 0, `bom-first-line.yaml:1:19: applicationPools: want array, got number 5`},
		{"uint64.yaml", "applicationPools:\n  - {name: a, queueLength: 18446744073709551615}\n", 0,
			`uint64.yaml:2:28: pool "a": queueLength: invalid value 18446744073709551615: out of the uint range 0 to 4294967295`},
		{"complex-key.yaml", "applicationPools:\n  - ? [name]\n    : a\n", 0,
			`complex-key.yaml:2:7: applicationPools[0]: a key must be a scalar, not a YAML !!seq`},
		{"unknown.yaml", "applicationPools:\n  - name: a\n    processModel:\n      idleTimout: 00:10:00\n", 0,
			`unknown.yaml:4:7: pool "a": processModel: unknown property "idleTimout"`},
		{"scanner.yaml", "applicationPools:\n  - name: a: b\n", 0,
			`scanner.yaml:2:1: YAML syntax error: mapping values are not allowed in this context`},
		{"scanner-first.yaml", "a: b: c\n", 0, `scanner-first.yaml:1:1: YAML syntax error: mapping values are not allowed in this context`},
		{"parser.yaml", "x: 1\ny: 2\napplicationPools: [{name: a}\n", 0,
			`parser.yaml:3:1: YAML syntax error: did not find expected ',' or ']'`},
		{"parser-first.yaml", "applicationPools: 1\n- name: a\n", 0,
			`parser-first.yaml:2:1: YAML syntax error: did not find expected key`},
		{"tab.yaml", "applicationPools:\n\t- name: a\n", 0,
			`tab.yaml:2:1: YAML syntax error: found character that cannot start any token`},
		{"duplicate-key.yaml", "applicationPools:\n  - name: a\n    name: b\n", 0,
			`duplicate-key.yaml:3:5: applicationPools[0]: duplicate key "name" (first at 2:5)`},
		{"anchor.yaml", "applicationPoolDefaults: &d\n  autoStart: false\n", 0,
			`anchor.yaml:1:26: applicationPoolDefaults: YAML anchors and aliases are not supported: a value reached through an alias would stand at two places of the file`},
		{"alias.yaml", "applicationPools:\n  - {name: a, queueLength: &q 2000}\n  - {name: b, queueLength: *q}\n", 0,
			`alias.yaml:2:28: applicationPools[0]: queueLength: YAML anchors and aliases are not supported: a value reached through an alias would stand at two places of the file`},
		{"merge.yaml", "applicationPools:\n  - name: a\n    <<: {queueLength: 10}\n", 0,
			`merge.yaml:3:5: applicationPools[0]: YAML merge keys (<<) are not supported`},
		{"two.yaml", "applicationPools: []\n---\napplicationPools: []\n", 0,
			`two.yaml:2:1: a second YAML document starts here: a desired state is one document`},
		{"inf.yaml", "applicationPools:\n  - {name: a, queueLength: -.inf}\n", 0,
			`inf.yaml:2:28: applicationPools[0]: queueLength: -.inf is not a finite number`},
		{"tag.yaml", "applicationPools:\n  - name: !secret a\n", 0, `tag.yaml:2:11: applicationPools[0]: name: unsupported YAML tag !secret`},
		{"control.yaml", "applicationPools:\n  - name: \"a\x01\"\n", 0, `control.yaml:2:13: character U+0001 is not allowed in YAML`},
		{"escaped-control.yaml", "applicationPools:\n  - name: \"a\\x01\"\n", 0,
			`escaped-control.yaml:2:11: applicationPools[0]: name: character U+0001 cannot be written in XML`},
		{"bom.yaml", "\xEF\xBB\xBFapplicationPools:\n- {name: a, autoStart: 1}\n", 0,
			`bom.yaml:2:24: pool "a": autoStart: want boolean, got number 1`},
		{"cr.yaml", "applicationPools:\r- {name: a, autoStart: 1}\r", 0,
			`cr.yaml:2:24: pool "a": autoStart: want boolean, got number 1`},
		{"unicode.yaml", "applicationPools:\n- {name: \"ü🙂\", queueLength: 1}\n", 0,
			`unicode.yaml:2:29: pool "ü🙂": queueLength: invalid value 1: must be from 10 to 65535`},
		{"float.yaml", "applicationPools:\n- {name: a, managedRuntimeVersion: 4.0}\n", 0,
			`float.yaml:2:36: pool "a": managedRuntimeVersion: want string, got number 4.0`},
		{"scalar.yaml", "just text\n", 0, `scalar.yaml:1:1: top level: want object, got string "just text"`},

		// XML.
		{"wrong_root.xml", "", 0, `wrong_root.xml:3:1: root element is <sites>, want <applicationPools> (or a whole <configuration>)`},
		{"prefixed.xml", `<x:applicationPools xmlns:x="urn:x"/>`, 0,
			`prefixed.xml:1:1: root element is <x:applicationPools>, want <applicationPools> (or a whole <configuration>)`},
		{"syntax.xml", "<applicationPools>\n  <add name=\"a\">\n</applicationPools>", 0,
			`syntax.xml:3:1: end tag </applicationPools> does not match <add> opened at 2:3`},
		{"no-name.xml", "<applicationPools>\n  <add queueLength=\"2000\"/>\n</applicationPools>", 0,
			`no-name.xml:2:3: <add> has no name: every pool of a desired state needs name="..."`},
		{"same-name.xml", "<applicationPools>\n  <add name=\"Shop\"/>\n  <add name=\"SHOP\"/>\n</applicationPools>", 0,
			`same-name.xml:3:14: pool "SHOP" is named twice (first at 2:14)`},
		{"clear.xml", "<applicationPools>\n  <clear/>\n</applicationPools>", 0,
			`clear.xml:2:3: unexpected <clear> in <applicationPools>: a desired state holds <applicationPoolDefaults> and <add name="..."> elements`},
		{"no-section.config", "<configuration>\n  <system.applicationHost><sites/></system.applicationHost>\n</configuration>", 0,
			`no-section.config:1:1: <configuration> has no server-level <system.applicationHost><applicationPools> section`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.src)
			if tt.src == "" && strings.Contains(tt.name, "_") {
				data = desiredFixture(t, tt.name)
			}
			v := tt.version
			if v == 0 {
				v = schema.IIS10
			}
			_, _, err := Read(tt.name, data, schema.MustFor(v))
			if err == nil {
				t.Fatalf("no error; want %s", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
			var pe *parse.Error
			if !errors.As(err, &pe) || pe.Pos.File != tt.name {
				t.Errorf("error %#v is not a *parse.Error in %s", err, tt.name)
			}
		})
	}
}

// TestReadDesiredOffsets checks that positions in JSON and YAML carry the byte offset
// of the value.
func TestReadDesiredOffsets(t *testing.T) {
	tests := []struct{ name, src, at string }{
		{"a.json", "{\"applicationPools\": [{\"name\": \"ü\", \"queueLength\": 1}]}", "1}"},
		{"a.yaml", "applicationPools:\r\n- {name: \"ü\", queueLength: 1}\r\n", "1}"},
	}
	for _, tt := range tests {
		_, _, err := Read(tt.name, []byte(tt.src), schema.MustFor(schema.IIS10))
		var pe *parse.Error
		if !errors.As(err, &pe) {
			t.Fatalf("%s: error %v is not a *parse.Error", tt.name, err)
		}
		if want := strings.Index(tt.src, tt.at); pe.Pos.Offset != want {
			t.Errorf("%s: offset %d, want %d", tt.name, pe.Pos.Offset, want)
		}
	}
}

// TestReadDesiredAnchorError checks the one error that yaml.v3 reports without a
// position: an alias to an anchor that does not exist.
func TestReadDesiredAnchorError(t *testing.T) {
	_, _, err := Read("a.yaml", []byte("applicationPools: *nowhere\n"), schema.MustFor(schema.IIS10))
	if want := "a.yaml: YAML: unknown anchor 'nowhere' referenced"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}
