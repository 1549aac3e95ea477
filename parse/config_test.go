package parse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/internal/sharedtest"
	"github.com/poolctl/poolctl/internal/synth"
	"github.com/poolctl/poolctl/schema"
)

func load(t *testing.T, path string, v schema.Version) *Config {
	t.Helper()
	c, err := Load(path, LoadOptions{Version: v})
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return c
}

type settingRow struct {
	Text   string
	Origin string
	Line   int
}

func TestEffectiveSettings(t *testing.T) {
	c := load(t, "testdata/effective/applicationHost.config", schema.IIS10)
	tests := []struct {
		pool, path string
		want       settingRow
	}{
		{"Shop", "queueLength", settingRow{"2000", "pool", 6}},
		{"Shop", "managedPipelineMode", settingRow{"Classic", "pool", 6}},
		{"Shop", "processModel.idleTimeout", settingRow{"00:30:00", "pool", 7}},
		{"Shop", "processModel.identityType", settingRow{"NetworkService", "applicationPoolDefaults", 40}},
		{"Shop", "processModel.pingInterval", settingRow{"00:00:30", "default", 0}},
		{"Shop", "recycling.periodicRestart.time", settingRow{"0", "pool", 9}},
		{"DefaultAppPool", "queueLength", settingRow{"4000", "applicationPoolDefaults", 39}},
		{"DefaultAppPool", "processModel.idleTimeout", settingRow{"00:10:00", "applicationPoolDefaults", 40}},
		{"defaultapppool", "autoStart", settingRow{"true", "default", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.pool+"/"+tt.path, func(t *testing.T) {
			p := c.Pool(tt.pool)
			if p == nil {
				t.Fatalf("no pool %q", tt.pool)
			}
			s, ok := p.Setting(tt.path)
			if !ok {
				t.Fatalf("no setting %q", tt.path)
			}
			got := settingRow{s.Text, s.Origin.String(), s.Pos().Line}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, all := range p.Settings() {
				if all.Path == tt.path && (all.Text != s.Text || all.Origin != s.Origin) {
					t.Errorf("Settings() disagrees with Setting(): %+v", all)
				}
			}
		})
	}
}

func TestEffectiveSettingsVersion(t *testing.T) {
	path := "testdata/effective/applicationHost.config"
	for _, tt := range []struct {
		v    schema.Version
		want string
		n    int
	}{{schema.IIS70, "NetworkService", 43}, {schema.IIS10, "ApplicationPoolIdentity", 52}} {
		t.Run(tt.v.String(), func(t *testing.T) {
			c := load(t, path, tt.v)
			p := c.Pool("DefaultAppPool")
			// DefaultAppPool's identity comes from applicationPoolDefaults in the file;
			// the schema default shows on an attribute nobody sets.
			s, _ := p.Setting("processModel.identityType")
			if s.Text != "NetworkService" {
				t.Fatalf("identityType = %q", s.Text)
			}
			if got := len(p.Settings()); got != tt.n {
				t.Errorf("%d settings, want %d", got, tt.n)
			}
			a := c.Schema.Pool().Element("processModel").Attribute("identityType")
			if a.Default != tt.want {
				t.Errorf("schema default %q, want %q", a.Default, tt.want)
			}
		})
	}
}

func TestCollections(t *testing.T) {
	c := load(t, "testdata/effective/applicationHost.config", schema.IIS10)
	type item struct{ Key, Origin string }
	tests := []struct {
		pool, path string
		want       []item
	}{
		{"DefaultAppPool", "recycling.periodicRestart.schedule", []item{{"03:00:00", "applicationPoolDefaults"}}},
		{"Shop", "recycling.periodicRestart.schedule", []item{{"03:00:00", "applicationPoolDefaults"}, {"04:00:00", "pool"}}},
		{"Batch", "recycling.periodicRestart.schedule", []item{{"01:00:00", "pool"}}},
		// The schedule collection declares no remove directive (only clear), so
		// Reports' <remove value="3:00:00"/> is an unknown element, not a removal.
		{"Reports", "recycling.periodicRestart.schedule", []item{{"03:00:00", "applicationPoolDefaults"}}},
		{"Shop", "environmentVariables", []item{{"SHOP_MODE", "pool"}}},
		{"Batch", "environmentVariables", []item{{"SHARED", "applicationPoolDefaults"}}},
	}
	for _, tt := range tests {
		t.Run(tt.pool+"/"+tt.path, func(t *testing.T) {
			items, ok := c.Pool(tt.pool).Collection(tt.path)
			if !ok {
				t.Fatal("no such collection")
			}
			var got []item
			for _, it := range items {
				got = append(got, item{it.Key, it.Origin.String()})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, ok := load(t, "testdata/effective/applicationHost.config", schema.IIS85).Pool("Shop").Collection("environmentVariables"); ok {
		t.Error("IIS 8.5 has no environmentVariables collection")
	}
	if got := c.Pool("Shop").CollectionPaths(); !cmp.Equal(got, []string{"recycling.periodicRestart.schedule", "environmentVariables"}) {
		t.Errorf("CollectionPaths = %v", got)
	}
}

func TestSitesAndApplications(t *testing.T) {
	c := load(t, "testdata/effective/applicationHost.config", schema.IIS10)
	type app struct {
		Site, Path, Pool, Origin, Physical string
	}
	var got []app
	for _, a := range c.Applications() {
		got = append(got, app{a.Site.Name, a.Path, a.Pool, a.PoolOrigin.String(), a.PhysicalPath()})
	}
	want := []app{
		{"Default Web Site", "/", "Shop", "application", `%SystemDrive%\inetpub\wwwroot`},
		{"Default Web Site", "/reports", "Reports", "site applicationDefaults", `D:\reports`},
		{"Intranet", "/", "DefaultAppPool", "sites applicationDefaults", "/srv/intranet"},
		{"Orphan", "/", "DefaultAppPool", "sites applicationDefaults", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("applications (-want +got):\n%s", diff)
	}
	s := c.Site("default web site")
	if s == nil || len(s.Bindings) != 2 || s.Bindings[1].Protocol != "https" || s.Bindings[1].Information != "*:443:shop.example" {
		t.Fatalf("bindings: %+v", s)
	}
	if pos := c.Applications()[0].PoolPos(); pos.Line != 55 {
		t.Errorf("PoolPos = %v, want line 55", pos)
	}
}

func TestAspNetCoreLocations(t *testing.T) {
	c := load(t, "testdata/effective/applicationHost.config", schema.IIS10)
	tests := []struct {
		path, arguments, startup, stdout string
		env                              []string
	}{
		{"Default Web Site", `.\Site.dll`, "30", "false", []string{"SITE"}},
		{"Default Web Site/api", `.\Api.dll`, "30", "true", []string{"SITE", "ASPNETCORE_ENVIRONMENT"}},
		{"default web site/API/v2", `.\Api.dll`, "30", "true", []string{"SITE", "ASPNETCORE_ENVIRONMENT"}},
		{"Default Web Site/apiary", `.\Site.dll`, "30", "false", []string{"SITE"}},
		{"Intranet", "", "120", "false", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			a := c.AspNetCoreFor(tt.path)
			get := func(n string) string { s, _ := a.Setting(n); return s.Text }
			got := []string{get("arguments"), get("startupTimeLimit"), get("stdoutLogEnabled")}
			if diff := cmp.Diff([]string{tt.arguments, tt.startup, tt.stdout}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			var env []string
			for _, it := range a.EnvironmentVariables {
				env = append(env, it.Key)
			}
			if diff := cmp.Diff(tt.env, env); diff != "" {
				t.Errorf("env (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigSource(t *testing.T) {
	c := load(t, "testdata/configsource/applicationHost.config", schema.IIS10)
	p := c.Pool("FromSource")
	if p == nil {
		t.Fatal("pool from configSource not found")
	}
	if want := filepath.Join("testdata", "configsource", "pools", "pools.config"); p.Pos().File != want || p.Pos().Line != 2 {
		t.Errorf("pool position %v, want %s:2", p.Pos(), want)
	}
	s, _ := p.Setting("processModel.identityType")
	if s.Text != "LocalService" || s.Origin != FromPoolDefaults || !strings.HasSuffix(s.Pos().File, "pools.config") {
		t.Errorf("identityType = %+v", s)
	}
	if apps := c.Applications(); len(apps) != 1 || apps[0].Pool != "FromSource" {
		t.Errorf("applications from sites configSource: %+v", apps)
	}
	refs := c.PoolSections()
	if len(refs) != 1 || refs[0].Source == nil || !refs[0].InLocation {
		t.Errorf("section ref %+v", refs)
	}
	if len(c.Documents()) != 3 {
		t.Errorf("%d documents, want 3", len(c.Documents()))
	}
}

func TestConfigSourceErrors(t *testing.T) {
	tests := []struct {
		file string
		pos  string
		msg  string
	}{
		{"missing.config", "missing.config:3:37", `configSource "nowhere.config"`},
		{"wrongroot.config", "sites.config:1:1", "root element is <sites>, want <applicationPools>"},
		{"mixed.config", "mixed.config:3:5", "must have no other attributes and no child elements"},
		{"escape.config", "escape.config:3:26", "must name a file in the config's directory or below"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", "configsource", tt.file), LoadOptions{})
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if !strings.HasSuffix(pe.Pos.String(), tt.pos) || !strings.Contains(pe.Msg, tt.msg) || pe.Kind != ErrConfigSource {
				t.Errorf("got %q; want position %s and %q", err, tt.pos, tt.msg)
			}
		})
	}
}

func TestWrongRoot(t *testing.T) {
	doc, err := ReadBytes("x.config", []byte("<settings/>"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = FromDocument(doc, LoadOptions{})
	var pe *Error
	if !errors.As(err, &pe) || pe.Kind != ErrRoot || !strings.Contains(err.Error(), "x.config:1:1: root element is <settings>, want <configuration>") {
		t.Fatalf("got %v", err)
	}
}

// TestCorpusLoads reads every real applicationHost.config for every version and checks
// that pools resolve and every application's pool is one of them.
func TestCorpusLoads(t *testing.T) {
	files := sharedtest.Glob(t, "*.config", "corpus", "real")
	for _, f := range files {
		for _, v := range schema.Versions() {
			t.Run(filepath.Base(f)+"/"+v.String(), func(t *testing.T) {
				c := load(t, f, v)
				if len(c.Pools()) == 0 {
					t.Fatal("no pools")
				}
				for _, p := range c.Pools() {
					for _, s := range p.Settings() {
						if s.Origin != FromSchema && s.Attr.Since > v {
							t.Errorf("%s: %s resolved for %s which does not know it", p.Name, s.Path, v)
						}
					}
				}
				for _, a := range c.Applications() {
					if c.Pool(a.Pool) == nil {
						t.Errorf("%s%s: pool %q (%s) not defined", a.Site.Name, a.Path, a.Pool, a.PoolOrigin)
					}
				}
			})
		}
	}
	// File 04 is IIS Express: its first site's application takes its pool from
	// <sites><applicationDefaults>.
	if f := filepath.Join(filepath.Dir(files[0]), "04-0001vrn-ASP.Net-Web-Api-Demo.config"); fileExists(f) {
		a := load(t, f, schema.IIS10).Applications()[0]
		if a.Pool != "Clr4IntegratedAppPool" || a.PoolOrigin != PoolFromSitesDefaults {
			t.Errorf("04: first application pool %q from %s", a.Pool, a.PoolOrigin)
		}
	}
}

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

func TestPoolLookupFolds(t *testing.T) {
	doc, err := ReadBytes("x.config", []byte(`<configuration><system.applicationHost><applicationPools>
<add name="Shop"/><add name="SHOP"/><add name="Kelvin"/><add name="Straße"/>
<add name="A-Pool-Whose-Name-Is-Longer-Than-Sixty-Four-Bytes-To-Outgrow-The-Buffer"/>
</applicationPools></system.applicationHost></configuration>`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := FromDocument(doc, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ query, want string }{
		{"shop", "Shop"}, {"SHOP", "Shop"}, {"\u212Aelvin", "Kelvin"}, {"STRAßE", "Straße"}, {"nope", ""},
		{"a-pool-whose-name-is-longer-than-sixty-four-bytes-to-outgrow-the-buffer", "A-Pool-Whose-Name-Is-Longer-Than-Sixty-Four-Bytes-To-Outgrow-The-Buffer"},
	} {
		got := ""
		if p := c.Pool(tt.query); p != nil {
			got = p.Name
		}
		if got != tt.want {
			t.Errorf("Pool(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}

// TestPrefixedNamesAreOtherNames checks that a namespace prefix makes another name, as
// IIS reads it: x:idleTimeout is not idleTimeout, <x:processModel> not <processModel>.
func TestPrefixedNamesAreOtherNames(t *testing.T) {
	doc, err := ReadBytes("x.config", []byte(`<configuration xmlns:x="urn:x"><system.applicationHost><applicationPools>
<add name="A" x:queueLength="50"><x:processModel idleTimeout="00:05:00"/><processModel x:maxProcesses="3"/></add>
</applicationPools><sites><site name="S" id="1"><application path="/" x:applicationPool="A"/></site></sites>
</system.applicationHost></configuration>`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := FromDocument(doc, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Pool("A")
	for _, path := range []string{"queueLength", "processModel.idleTimeout", "processModel.maxProcesses"} {
		if s, _ := p.Setting(path); s.Origin != FromSchema {
			t.Errorf("%s: origin %v (%q), want the schema default", path, s.Origin, s.Text)
		}
	}
	if app := c.Applications()[0]; app.PoolOrigin != PoolUnset {
		t.Errorf("application pool %q from %v, want unset", app.Pool, app.PoolOrigin)
	}
}

// TestSettingByPathAndBySchema checks that Setting, which finds a path's attribute in
// an index built once, agrees with finding it in the schema segment by segment, for
// every attribute of every version and every pool, and for paths the index does not
// hold.
func TestSettingByPathAndBySchema(t *testing.T) {
	for _, v := range schema.Versions() {
		c := load(t, "testdata/effective/applicationHost.config", v)
		for _, p := range c.Pools() {
			for _, all := range p.Settings() {
				t.Run(v.String()+"/"+p.Name+"/"+all.Path, func(t *testing.T) {
					got, ok := p.Setting(all.Path)
					want, wantOK := p.settingBySchema(all.Path)
					if !ok || !wantOK {
						t.Fatalf("Setting ok %v, settingBySchema ok %v", ok, wantOK)
					}
					if got != want { // the same attribute, element and document, not equal copies
						t.Errorf("by path %+v\nby schema %+v", got, want)
					}
				})
			}
			for _, path := range []string{"", "nosuch", "processModel", "processModel.nosuch", "nosuch.idleTimeout", "processModel..idleTimeout"} {
				got, ok := p.Setting(path)
				want, wantOK := p.settingBySchema(path)
				if ok != wantOK || got.Text != want.Text {
					t.Errorf("%s: Setting(%q) = %q, %v; settingBySchema %q, %v", v, path, got.Text, ok, want.Text, wantOK)
				}
			}
		}
	}
}

// TestSettingsInSchemaOrder checks Settings, which walks the schema's attributes listed
// once per configuration, against a walk of the schema itself: the same settings, in
// the same order, from the same elements, for every version and pool.
func TestSettingsInSchemaOrder(t *testing.T) {
	// The synthetic file sets attributes of every element of a pool, so a walk that
	// read one element's attributes from another would show.
	var synthetic bytes.Buffer
	if err := synth.Write(&synthetic, synth.Options{Pools: 30, Sites: 2}); err != nil {
		t.Fatal(err)
	}
	synthPath := filepath.Join(t.TempDir(), "synthetic.config")
	if err := os.WriteFile(synthPath, synthetic.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, v := range schema.Versions() {
		for _, path := range []string{"testdata/effective/applicationHost.config", synthPath} {
			testSettingsInSchemaOrder(t, load(t, path, v), v)
		}
	}
}

// testSettingsInSchemaOrder is TestSettingsInSchemaOrder for the pools of c.
func testSettingsInSchemaOrder(t *testing.T, c *Config, v schema.Version) {
	t.Helper()
	for _, p := range c.Pools() {
		var want []Setting
		var walk func(se *schema.Element, prefix string, ls []layer)
		walk = func(se *schema.Element, prefix string, ls []layer) {
			for _, a := range se.Attributes {
				want = append(want, resolve(a, prefix+a.Name, ls))
			}
			for _, child := range se.Elements {
				walk(child, prefix+child.Name+".", descend(ls, []string{child.Name}))
			}
		}
		walk(c.Schema.Pool(), "", p.layers())
		got := p.Settings()
		if len(got) != len(want) {
			t.Fatalf("%s, pool %s: %d settings, want %d", v, p.Name, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] { // the same attribute, element and document
				t.Errorf("%s, pool %s, setting %d: %+v, want %+v", v, p.Name, i, got[i], want[i])
			}
		}
	}
}
