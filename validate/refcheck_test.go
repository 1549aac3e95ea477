package validate

import (
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
)

func TestPoolNameDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"Shop", "Shop", 5, 0},
		{"Shop", "shop", 5, 0},
		{"Shopp", "Shop", 5, 1},
		{"Shpo", "Shop", 5, 2},
		{"", "Shop", 5, 4},
		{"Shop", "", 5, 4},
		{"ÄPool", "äpool", 5, 0},
		{"ÄPool", "APool", 5, 1},
		{"kitten", "sitting", 5, 3},
		// Past the limit the answer is limit+1, whatever the true distance.
		{"kitten", "sitting", 2, 3},
		{"DefaultAppPool", "Shop", 3, 4},
		{"a", "abcdefgh", 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := poolNameDistance(tt.a, tt.b, tt.limit); got != tt.want {
				t.Errorf("poolNameDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
			}
		})
	}
}

func TestClosestPoolName(t *testing.T) {
	pools := func(names ...string) []*parse.Pool {
		var out []*parse.Pool
		for _, n := range names {
			out = append(out, &parse.Pool{Name: n})
		}
		return out
	}
	tests := []struct {
		name  string
		pools []*parse.Pool
		want  string
	}{
		{"Shopp", pools("DefaultAppPool", "Shop", "Reports"), "Shop"},
		{"REPORT", pools("DefaultAppPool", "Shop", "Reports"), "Reports"},
		{"Api", pools("DefaultAppPool"), "DefaultAppPool"},
		{"Ab", pools("Aa", "Bb"), "Aa"}, // a tie goes to the first pool
		{"Shop", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := closestPoolName(tt.name, tt.pools); got != tt.want {
				t.Errorf("closestPoolName(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestUnknownPoolFix(t *testing.T) {
	tests := []struct {
		name, near, want string
	}{
		{"Shopp", "Shop", `did you mean "Shop"? Otherwise add <add name="Shopp" /> to <applicationPools>`},
		{"Reporting", "DefaultAppPool", `name an existing pool (the closest is "DefaultAppPool") or add <add name="Reporting" /> to <applicationPools>`},
		{"Shop", "", `add <add name="Shop" /> to <applicationPools>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unknownPoolFix(tt.name, tt.near); got != tt.want {
				t.Errorf("unknownPoolFix(%q, %q) = %q, want %q", tt.name, tt.near, got, tt.want)
			}
		})
	}
}

// refDiags returns the diagnostics of the reference rules (PC2xx) as strings.
func refDiags(ds []Diagnostic) []string {
	out := []string{}
	for _, d := range ds {
		if strings.HasPrefix(d.Rule, "PC2") {
			out = append(out, d.String())
		}
	}
	return out
}

func TestCheckReferences(t *testing.T) {
	// site holds one site whose root application runs in Shop.
	const site = `      <site name="S" id="1"><application path="/" applicationPool="Shop" /></site>
`
	tests := []struct {
		name  string
		pools string
		sites string
		want  []string
	}{
		{
			name:  "pool names compare case-insensitively",
			pools: `      <add name="SHOP" />` + "\n",
			sites: site,
			want:  []string{},
		},
		{
			name: "a duplicate pool is checked once",
			pools: `      <add name="Shop"><processModel identityType="SpecificUser" /></add>
      <add name="shop"><processModel identityType="SpecificUser" /></add>
      <add name="Old" />
      <add name="OLD" />
`,
			sites: site,
			want: []string{
				`test.config:4:52: error PC202: pool "Shop": identityType is SpecificUser but no userName is set, so WAS cannot log on the identity and stops the pool`,
				`test.config:6:7: info PC204: pool "Old" is not used by any application`,
			},
		},
		{
			name:  "no sites section, no unused pools",
			pools: `      <add name="Shop" />` + "\n",
			want:  []string{},
		},
		{
			name:  "an empty sites section: every pool is unused",
			pools: `      <add name="Shop" />` + "\n",
			sites: "\n",
			want:  []string{`test.config:4:7: info PC204: pool "Shop" is not used by any application`},
		},
		{
			name:  "an empty pool name",
			pools: `      <add name="Shop" />` + "\n",
			sites: `      <site name="S" id="1"><application path="/" applicationPool="Shop" /><application path="/x" applicationPool="" /></site>
`,
			want: []string{`test.config:7:116: error PC201: application "/x" of site "S" runs in pool "", named by its applicationPool attribute, but no pool has that name`},
		},
		{
			name:  "sites applicationDefaults: one finding per application, at the defaults",
			pools: `      <add name="Shop" />` + "\n",
			sites: `      <site name="S" id="1"><application path="/" applicationPool="Shop" /><application path="/a" /><application path="/b" /></site>
      <applicationDefaults applicationPool="Shoq" />
`,
			want: []string{
				`test.config:8:45: error PC201: application "/a" of site "S" runs in pool "Shoq", named by <sites><applicationDefaults>, but no pool has that name`,
				`test.config:8:45: error PC201: application "/b" of site "S" runs in pool "Shoq", named by <sites><applicationDefaults>, but no pool has that name`,
			},
		},
		{
			name:  "an invalid identityType is the schema check's",
			pools: `      <add name="Shop"><processModel identityType="Bogus" password="[enc:AesProvider:AAAA:enc]" /></add>` + "\n",
			sites: site,
			want:  []string{},
		},
		{
			name:  "a blank userName is no userName",
			pools: `      <add name="Shop"><processModel identityType="SpecificUser" userName="  " /></add>` + "\n",
			sites: site,
			want:  []string{`test.config:4:52: error PC202: pool "Shop": identityType is SpecificUser but no userName is set, so WAS cannot log on the identity and stops the pool`},
		},
		{
			name: "an inherited password used by one pool is in use",
			pools: `      <add name="Shop" />
      <add name="Api"><processModel identityType="SpecificUser" userName="svc" /></add>
      <applicationPoolDefaults><processModel password="[enc:AesProvider:AAAA:enc]" /></applicationPoolDefaults>
`,
			sites: `      <site name="S" id="1"><application path="/" applicationPool="Shop" /><application path="/api" applicationPool="Api" /></site>
`,
			want: []string{},
		},
		{
			name: "an inherited password seen by a pool of invalid identity is not known to be unused",
			pools: `      <add name="Shop"><processModel identityType="Bogus" /></add>
      <add name="Api" />
      <applicationPoolDefaults><processModel password="[enc:AesProvider:AAAA:enc]" /></applicationPoolDefaults>
`,
			sites: `      <site name="S" id="1"><application path="/" applicationPool="Shop" /><application path="/api" applicationPool="Api" /></site>
`,
			want: []string{},
		},
		{
			name: "an inherited password no pool uses",
			pools: `      <add name="Shop" />
      <add name="Api"><processModel identityType="LocalService" /></add>
      <add name="Own"><processModel identityType="SpecificUser" userName="svc" password="[enc:AesProvider:BBBB:enc]" /></add>
      <applicationPoolDefaults><processModel password="[enc:AesProvider:AAAA:enc]" /></applicationPoolDefaults>
`,
			sites: `      <site name="S" id="1"><application path="/" applicationPool="Shop" /><application path="/api" applicationPool="Api" /><application path="/own" applicationPool="Own" /></site>
`,
			want: []string{`test.config:7:56: warning PC203: applicationPoolDefaults (inherited by pools "Shop" and "Api"): processModel.password is set, but no pool that inherits it runs as SpecificUser`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := refDiags(lintConfigText(t, appHostConfig(tt.pools, tt.sites), Options{}))
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnknownPoolPosition checks where PC201 points: at the value that names the pool,
// else, when no level names one, at the <application> element.
func TestUnknownPoolPosition(t *testing.T) {
	src := appHostConfig(`      <add name="Shop" />
`, `      <site name="S" id="1">
        <application path="/" applicationPool="Shop" />
        <application path="/a" applicationPool="Gone" />
      </site>
      <site name="T" id="2">
        <applicationDefaults applicationPool="Away" />
        <application path="/" />
      </site>
      <site name="U" id="3">
        <application path="/" />
      </site>
`)
	got := diagKeys(diagsOf(lintConfigText(t, src, Options{}), RuleUnknownPool))
	want := []string{"PC201@9:49", "PC201@12:47", "PC201@16:9"}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("PC201 positions (-want +got):\n%s", diff)
	}
}
