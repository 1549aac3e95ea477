package validate

import (
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestSuppress(t *testing.T) {
	// Each pool draws PC301 (a clear-text password) and PC304 (pinging off) on the
	// processModel line; the sites section uses every pool, so nothing else is reported.
	sites := `      <site name="Shop" id="1">
        <application path="/" applicationPool="Shop" />
        <application path="/api" applicationPool="Api" />
      </site>
`
	tests := []struct {
		name  string
		pools string
		want  []string
	}{
		{
			name: "no comment",
			pools: `      <add name="Shop">
        <processModel identityType="SpecificUser" userName="svc" password="pw1" pingingEnabled="false" />
      </add>
      <add name="Api">
        <processModel identityType="SpecificUser" userName="svc" password="pw2" pingingEnabled="false" />
      </add>
`,
			want: []string{"PC301@5:76", "PC304@5:97", "PC301@8:76", "PC304@8:97"},
		},
		{
			name: "one rule on the next line only",
			pools: `      <add name="Shop">
        <!-- poolctl:disable PC301 -->
        <processModel identityType="SpecificUser" userName="svc" password="pw1" pingingEnabled="false" />
      </add>
      <add name="Api">
        <processModel identityType="SpecificUser" userName="svc" password="pw2" pingingEnabled="false" />
      </add>
`,
			want: []string{"PC304@6:97", "PC301@9:76", "PC304@9:97"},
		},
		{
			name: "comma-separated IDs",
			pools: `      <add name="Shop">
        <!-- poolctl:disable PC301,PC304 -->
        <processModel identityType="SpecificUser" userName="svc" password="pw1" pingingEnabled="false" />
      </add>
      <add name="Api">
        <!--poolctl:disable PC304, PC301-->
        <processModel identityType="SpecificUser" userName="svc" password="pw2" pingingEnabled="false" />
      </add>
`,
			want: []string{},
		},
		{
			name: "rule names and IDs in any case",
			pools: `      <add name="Shop">
        <!-- poolctl:disable plaintext-password -->
        <processModel identityType="SpecificUser" userName="svc" password="pw1" pingingEnabled="false" />
      </add>
      <add name="Api">
        <!-- poolctl:disable Pinging-Off pc301 -->
        <processModel identityType="SpecificUser" userName="svc" password="pw2" pingingEnabled="false" />
      </add>
`,
			want: []string{"PC304@6:97"},
		},
		{
			name: "two lines up does not suppress",
			pools: `      <add name="Shop">
        <!-- poolctl:disable PC301 PC304 -->

        <processModel identityType="SpecificUser" userName="svc" password="pw1" pingingEnabled="false" />
      </add>
      <add name="Api">
        <!-- poolctl:disable PC301 PC304 -->
        <processModel
            identityType="SpecificUser" userName="svc" password="pw2" pingingEnabled="false" />
      </add>
`,
			want: []string{"PC301@7:76", "PC304@7:97", "PC301@12:66", "PC304@12:87"},
		},
		{
			name: "a comment that ends on the line before",
			pools: `      <add name="Shop">
        <!--
          poolctl:disable PC301 -->
        <processModel identityType="SpecificUser" userName="svc" password="pw1" pingingEnabled="false" />
      </add>
      <add name="Api">
        <processModel identityType="SpecificUser" userName="svc" password="pw2" pingingEnabled="false" />
      </add>
`,
			want: []string{"PC304@7:97", "PC301@10:76", "PC304@10:97"},
		},
		{
			name: "unknown IDs are ignored",
			pools: `      <add name="Shop">
        <!-- poolctl:disable PC999 PC301 -->
        <processModel identityType="SpecificUser" userName="svc" password="pw1" pingingEnabled="false" />
      </add>
      <add name="Api">
        <!-- poolctl:enable PC301 -->
        <processModel identityType="SpecificUser" userName="svc" password="pw2" pingingEnabled="false" />
      </add>
`,
			want: []string{"PC304@6:97", "PC301@10:76", "PC304@10:97"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diagKeys(lintConfigText(t, appHostConfig(tt.pools, sites), Options{}))
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSuppressInheritedFinding checks that a finding blamed on applicationPoolDefaults,
// reported once for all the pools that inherit it, is silenced by one comment there.
func TestSuppressInheritedFinding(t *testing.T) {
	pools := `      <add name="Shop" />
      <add name="Api" />
      <applicationPoolDefaults>
        <!-- poolctl:disable PC308 -->
        <processModel maxProcesses="2" pingingEnabled="false" />
      </applicationPoolDefaults>
`
	sites := `      <site name="Shop" id="1">
        <application path="/" applicationPool="Shop" />
        <application path="/api" applicationPool="Api" />
      </site>
`
	got := diagKeys(lintConfigText(t, appHostConfig(pools, sites), Options{}))
	if diff := gocmp.Diff([]string{"PC304@8:56"}, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}
