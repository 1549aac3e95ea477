package schema

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compileJSONSchema(t *testing.T, v Version) *jsonschema.Schema {
	t.Helper()
	var buf bytes.Buffer
	if err := MustFor(v).WriteJSONSchema(&buf); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("poolctl.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("poolctl.json")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return sch
}

func TestJSONSchemaValidates(t *testing.T) {
	tests := []struct {
		name    string
		version Version
		doc     string
		err     string // substring of the validation error; empty when valid
	}{
		{"empty", IIS10, `{}`, ""},
		{"full pool", IIS10, `{"applicationPoolDefaults": {"queueLength": 4000, "processModel": {"identityType": "NetworkService"}},
			"applicationPools": [{"name": "Shop", "queueLength": 2000, "autoStart": true, "managedPipelineMode": "Classic",
			"processModel": {"idleTimeout": "00:30:00", "maxProcesses": 0, "idleTimeoutAction": "Suspend"},
			"recycling": {"logEventOnRecycle": "Time, Memory", "periodicRestart": {"time": "1.05:00:00", "schedule": [{"value": "03:00:00"}]}},
			"failure": {"rapidFailProtectionMaxCrashes": 10}, "cpu": {"limit": 50000, "action": "Throttle"},
			"environmentVariables": [{"name": "ASPNETCORE_ENVIRONMENT", "value": "Production"}]}]}`, ""},
		{"missing name", IIS10, `{"applicationPools": [{"queueLength": 2000}]}`, "missing property 'name'"},
		{"unknown attribute", IIS10, `{"applicationPools": [{"name": "a", "idleTimout": "00:10:00"}]}`, "idleTimout"},
		{"queueLength too small", IIS10, `{"applicationPools": [{"name": "a", "queueLength": 5}]}`, "minimum"},
		{"string for integer", IIS10, `{"applicationPools": [{"name": "a", "queueLength": "2000"}]}`, "want integer"},
		{"bad enum", IIS10, `{"applicationPools": [{"name": "a", "processModel": {"identityType": "Root"}}]}`, "identityType"},
		{"bad flags", IIS10, `{"applicationPools": [{"name": "a", "recycling": {"logEventOnRecycle": "Time, Often"}}]}`, "logEventOnRecycle"},
		{"bad timespan", IIS10, `{"applicationPools": [{"name": "a", "processModel": {"idleTimeout": "thirty"}}]}`, "idleTimeout"},
		{"bad pool name", IIS10, `{"applicationPools": [{"name": "a/b"}]}`, "name"},
		{"suspend before 8.5", IIS80, `{"applicationPools": [{"name": "a", "processModel": {"idleTimeoutAction": "Suspend"}}]}`, "idleTimeoutAction"},
		{"env vars before 10", IIS85, `{"applicationPools": [{"name": "a", "environmentVariables": []}]}`, "environmentVariables"},
		{"maxProcesses 0 before 8.0", IIS75, `{"applicationPools": [{"name": "a", "processModel": {"maxProcesses": 0}}]}`, "minimum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sch := compileJSONSchema(t, tt.version)
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			err = sch.Validate(inst)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("unexpected validation error: %v", err)
			case tt.err != "" && err == nil:
				t.Fatalf("document validated; want an error containing %q", tt.err)
			case tt.err != "" && !strings.Contains(err.Error(), tt.err):
				t.Fatalf("error %q does not contain %q", err, tt.err)
			}
		})
	}
}

func TestJSONSchemaGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := MustFor(IIS10).WriteJSONSchema(&buf); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatal("not valid JSON")
	}
	golden(t, filepath.Join("testdata", "jsonschema.iis10.json"), buf.Bytes())
}
