package spec

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// failingConfig is a pool with failingResponses on, and one that inherits the
// defaults' window.
const failingConfig = `<configuration><system.applicationHost><applicationPools>
<applicationPoolDefaults><failingResponses window="00:02:00" /></applicationPoolDefaults>
<add name="On"><failingResponses enabled="true" failureRate="80" /></add>
<add name="Off" />
</applicationPools></system.applicationHost></configuration>`

// TestBuildFailingResponses reads failingResponses through poolctl's schema extension:
// the pool's own values, the defaults' and the extension's; without the extension the
// detection is off.
func TestBuildFailingResponses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	os.WriteFile(path, []byte(failingConfig), 0o644)
	ext, err := schema.ReadExtension(filepath.Join("..", "..", "contrib", "schema", "poolctl_schema.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		exts []*schema.Extension
		want FailingResponses
	}{
		{"with the extension", []*schema.Extension{ext}, FailingResponses{Enabled: true, Window: 2 * time.Minute, MinRequests: 20, FailureRate: 80, PoolRatio: 4}},
		{"without it", nil, FailingResponses{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parse.Load(path, parse.LoadOptions{Extensions: tt.exts})
			if err != nil {
				t.Fatal(err)
			}
			sp, _, err := Build(cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := sp.Pools[0].Failing; got != tt.want {
				t.Errorf("On: %+v, want %+v", got, tt.want)
			}
			if got := sp.Pools[1].Failing; got.Enabled {
				t.Errorf("Off: %+v, want off", got)
			}
		})
	}
}
