package spec

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/poolctl/poolctl/internal/sharedtest"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

const fixture = "testdata/fixture/applicationHost.config"

// fixtureEnv is the environment the fixture is built with; TESTDATA is the fixture's
// directory, so that physical paths find the web.config files under apps/.
func fixtureEnv(t *testing.T) map[string]string {
	t.Helper()
	dir, err := filepath.Abs("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"TESTDATA": dir, "HOME": "/home/test", "APPDIR": "/srv/api", "TOOLS": "/opt/tools"}
}

// buildFixture builds the fixture at time scale 0.01.
func buildFixture(t *testing.T) (*Spec, []Warning, map[string]string) {
	t.Helper()
	env := fixtureEnv(t)
	s, warnings, err := Build(load(t, fixture, schema.IIS10), Options{TimeScale: 0.01, Getenv: mapEnv(env)})
	if err != nil {
		t.Fatal(err)
	}
	return s, warnings, env
}

func load(t *testing.T, path string, v schema.Version) *parse.Config {
	t.Helper()
	cfg, err := parse.Load(path, parse.LoadOptions{Version: v})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// scaled is d at the fixture's time scale.
func scaled(d time.Duration) time.Duration { return d / 100 }

func TestBuildPools(t *testing.T) {
	s, _, _ := buildFixture(t)
	var names []string
	for _, p := range s.Pools {
		names = append(names, p.Name)
	}
	// "shop", a duplicate of "Shop", is left out: IIS and parse take the first.
	if got := strings.Join(names, ","); got != "DefaultAppPool,Shop,Api" {
		t.Fatalf("pools = %s", got)
	}
	defaults := Pool{
		Name: "DefaultAppPool", AutoStart: true, QueueLength: 1000,
		Env:          []string{"INHERITED=yes", "PATH=/usr/bin"},
		Identity:     Identity{Type: "ApplicationPoolIdentity"},
		MaxProcesses: 1, PingingEnabled: true,
		PingInterval:      scaled(30 * time.Second),
		PingResponseTime:  scaled(45 * time.Second), // applicationPoolDefaults
		StartupTimeLimit:  scaled(90 * time.Second),
		ShutdownTimeLimit: scaled(90 * time.Second),
		IdleTimeout:       scaled(20 * time.Minute),
		IdleAction:        "Terminate",
		RapidFail:         true, RapidFailInterval: scaled(5 * time.Minute), RapidFailMaxCrash: 5,
		Recycling: Recycling{
			Time:              scaled(29 * time.Hour),
			LogEventOnRecycle: []string{"Time", "Requests", "Schedule", "Memory", "IsapiUnhealthy", "OnDemand", "ConfigChange", "PrivateMemory"},
		},
		CPU: CPU{Action: "NoAction", ResetInterval: scaled(5 * time.Minute), SMPMask: 0xFFFFFFFF, SMPMask2: 0xFFFFFFFF,
			NUMANodeAssignment: "MostAvailableMemory", NUMANodeAffinityMode: "Soft"},
	}
	shop := Pool{
		Name: "Shop", AutoStart: false, AlwaysRun: true, QueueLength: 2000,
		// INHERITED is removed; Path replaces the inherited PATH (IIS compares the
		// names case-insensitively).
		Env:          []string{"Path=/opt/shop", "SHOP=1"},
		Identity:     Identity{Type: "SpecificUser", UserName: "nobody", HasPassword: true},
		MaxProcesses: 4, PingingEnabled: false,
		PingInterval:      scaled(10 * time.Second),
		PingResponseTime:  scaled(45 * time.Second),
		StartupTimeLimit:  scaled(30 * time.Second),
		ShutdownTimeLimit: scaled(5 * time.Second),
		IdleTimeout:       scaled(20 * time.Minute),
		IdleAction:        "Suspend",
		RapidFail:         false, RapidFailInterval: scaled(10 * time.Minute), RapidFailMaxCrash: 3,
		TCPLevel:        true, // "tcplevel": enums are case-insensitive, names canonical
		AutoShutdownExe: "/usr/bin/logger", AutoShutdownParams: "stopped",
		Orphan: true, OrphanActionExe: "/opt/tools/orphan.sh", OrphanActionParams: "-pid %1%",
		Recycling: Recycling{
			Time: scaled(24 * time.Hour), Requests: 10000,
			Schedule: []time.Duration{3 * time.Hour, 15*time.Hour + 30*time.Minute}, // clock times: not scaled
			MemoryKB: 2048, PrivateMemoryKB: 1024,
			DisallowOverlappingRotation: true,
			LogEventOnRecycle:           []string{"Time", "Schedule", "ConfigChange"},
		},
		CPU: CPU{Limit: 50000, Action: "Throttle", ResetInterval: scaled(2 * time.Minute), SMPAffinitized: true,
			SMPMask: 3, SMPMask2: 0xFFFFFFFF, NUMANodeAssignment: "WindowsScheduling", NUMANodeAffinityMode: "Hard"},
	}
	api := defaults
	api.Name = "Api"
	// An empty envelope, the schema's default spelling, is no password.
	api.Identity = Identity{Type: "LocalSystem"}
	for _, want := range []Pool{defaults, shop, api} {
		got := s.Pool(want.Name)
		if got == nil {
			t.Fatalf("no pool %q", want.Name)
		}
		if diff := cmp.Diff(want, *got, cmpopts.IgnoreFields(Pool{}, "Pos")); diff != "" {
			t.Errorf("pool %s (-want +got):\n%s", want.Name, diff)
		}
		if !got.Pos.IsValid() {
			t.Errorf("pool %s has no position", want.Name)
		}
	}
}

func TestBuildTimeScale(t *testing.T) {
	cfg := load(t, fixture, schema.IIS10)
	for _, tt := range []struct {
		scale float64
		want  time.Duration
	}{
		{0, 20 * time.Minute}, // 0 means 1
		{1, 20 * time.Minute},
		{0.01, 12 * time.Second},
		{0.001, 1200 * time.Millisecond},
		{2, 40 * time.Minute},
		{1e300, time.Duration(1<<63 - 1)}, // saturates
	} {
		s, _, err := Build(cfg, Options{TimeScale: tt.scale, Getenv: mapEnv(nil)})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Pool("Shop").IdleTimeout; got != tt.want {
			t.Errorf("scale %v: idleTimeout = %v, want %v", tt.scale, got, tt.want)
		}
	}
	for _, bad := range []float64{-1, -0.5} {
		if _, _, err := Build(cfg, Options{TimeScale: bad}); err == nil || !strings.Contains(err.Error(), "time scale") {
			t.Errorf("scale %v: err = %v, want a time scale error", bad, err)
		}
	}
}

func TestBuildBindings(t *testing.T) {
	s, _, _ := buildFixture(t)
	tests := map[string][]Binding{
		"Default Web Site": {
			{Addr: "", Port: 80, Host: ""},
			{Addr: "127.0.0.1", Port: 8080, Host: "www.example.com"}, // protocol "HTTP"
			{Addr: "::1", Port: 8081, Host: ""},
			{Addr: "", Port: 0, Host: "localhost"}, // empty IP; port 0 for tests
			{Addr: "", Port: 443, Host: "www.example.com", TLS: true, SSLFlags: 1},
		},
		"Shop": {{Addr: "", Port: 8082, Host: "shop.example.com"}},
	}
	for site, want := range tests {
		got := s.Site(site)
		if got == nil {
			t.Fatalf("no site %q", site)
		}
		if diff := cmp.Diff(want, got.Bindings, cmpopts.IgnoreFields(Binding{}, "Pos")); diff != "" {
			t.Errorf("site %s bindings (-want +got):\n%s", site, diff)
		}
	}
	if dws := s.Site("default web site"); dws.ID != "1" || !dws.AutoStart || !dws.Bindings[0].Pos.IsValid() {
		t.Errorf("Default Web Site: id %q, autoStart %v, first binding at %v", dws.ID, dws.AutoStart, dws.Bindings[0].Pos)
	}
	if shop := s.Site("Shop"); shop.ID != "2" || shop.AutoStart {
		t.Errorf("Shop: id %q, autoStart %v, want 2 and false", shop.ID, shop.AutoStart)
	}
}

func TestParseBindingInformation(t *testing.T) {
	tests := []struct {
		in   string
		want Binding
		err  string
	}{
		{"*:80:", Binding{Port: 80}, ""},
		{"*:80:example.com", Binding{Port: 80, Host: "example.com"}, ""},
		{":8080:localhost", Binding{Port: 8080, Host: "localhost"}, ""},
		{"192.168.1.10:443:", Binding{Addr: "192.168.1.10", Port: 443}, ""},
		{"[::1]:80:", Binding{Addr: "::1", Port: 80}, ""},
		{"[2001:DB8::1]:80:x", Binding{Addr: "2001:db8::1", Port: 80, Host: "x"}, ""},
		{"[::]:8080:", Binding{Addr: "::", Port: 8080}, ""},
		{"*:0:", Binding{Port: 0}, ""},
		{"*:65535:", Binding{Port: 65535}, ""},
		{"*:65536:", Binding{}, `port "65536"`},
		{"*:-1:", Binding{}, `port "-1"`},
		{"*:+80:", Binding{}, `port "+80"`},
		{"*::", Binding{}, `port ""`},
		{"*:80", Binding{}, "want"},
		{"", Binding{}, "want"},
		{"808:*", Binding{}, "address"},
		{"localhost:80:", Binding{}, "address"},
		{"::1:80:", Binding{}, "brackets"},
		{"*:80:a:b", Binding{}, "brackets"},
		{"[127.0.0.1]:80:", Binding{}, "not an IPv6 address"},
		{"[::1:80:", Binding{}, "unclosed"},
		{"[::1]80:", Binding{}, "want"},
	}
	for _, tt := range tests {
		got, err := parseBindingInformation(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseBindingInformation(%q) = %+v, %v; want an error with %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseBindingInformation(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestBuildApps(t *testing.T) {
	s, _, env := buildFixture(t)
	apps := env["TESTDATA"] + "/apps"
	shopProgram := Program{
		Path: env["TESTDATA"] + "/bin/shop",
		// .\shop.dll loses its backslash, as in a shell (and a warning says so).
		Args: []string{"--name", "Contoso Shop", ".shop.dll"},
		Env:  []string{"A=1", "B=2"}, StdoutLogEnabled: true, Found: true,
	}
	withDir := func(p Program, dir string) Program {
		p.Dir, p.StdoutLogFile = dir, dir+"/logs/stdout"
		return p
	}
	shopRoot := withDir(shopProgram, apps+"/shop")
	shopRoot.Env = []string{"C=3"}                       // Web.config clears the inherited variables
	shopRoot.StartupTimeLimit = scaled(20 * time.Second) // set in Web.config
	shopRoot.RequestTimeout = NoTimeout                  // "00:00:00" in Web.config
	tests := []struct {
		site, path, pool string
		program          Program
	}{
		{"Default Web Site", "/api/v2", "Nope", Program{
			// The location "Default Web Site/api" covers /api/v2 too.
			Path: "dotnet", Args: []string{"/srv/api/api.dll", "--urls", "http://x y", "%UNSET%"},
			Dir: "C:/sites/v2", Env: []string{"ASPNETCORE_ENVIRONMENT=Development", "HOME_DIR=/home/test"},
			StdoutLogFile: "C:/logs/api", StartupTimeLimit: scaled(60 * time.Second), RequestTimeout: scaled(20 * time.Minute), Found: true,
		}},
		{"Default Web Site", "/api", "Api", Program{
			// web.config wins attribute by attribute, and variable by name.
			Path: "dotnet", Args: []string{"api.dll", "--port", "5000"}, Dir: apps + "/api",
			Env:              []string{"aspnetcore_environment=Staging", "HOME_DIR=/home/test", "FROM_WEB_CONFIG=/home/test/x"},
			StdoutLogEnabled: true, StdoutLogFile: "C:/logs/api", StartupTimeLimit: scaled(60 * time.Second),
			RequestTimeout: scaled(20 * time.Minute), Found: true,
		}},
		{"Default Web Site", "/", "DefaultAppPool", Program{
			// startupTimeLimit and requestTimeout not set: 0. %SystemDrive% not set: left
			// as written.
			Path: "dotnet", Args: []string{"site.dll"}, Dir: "%SystemDrive%/inetpub/wwwroot",
			StdoutLogFile: "%SystemDrive%/inetpub/wwwroot/aspnetcore-stdout", Found: true,
		}},
		{"Shop", "/invalid", "Shop", Program{Dir: apps + "/root", Missing: MissingUnusable}},
		{"Shop", "/quotes", "Shop", Program{Dir: apps + "/root", Missing: MissingUnusable}},
		{"Shop", "/static", "Shop", withDir(shopProgram, "/srv/static")},
		{"Shop", "/bad", "Shop", Program{Dir: apps + "/bad", Missing: MissingWebConfig}},
		{"Shop", "/", "Shop", shopRoot},
	}
	var got []string
	for _, site := range s.Sites {
		for _, a := range site.Apps {
			got = append(got, a.Site+" "+a.Path)
		}
	}
	var want []string
	for _, tt := range tests {
		want = append(want, tt.site+" "+tt.path)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("applications, longest path first in each site (-want +got):\n%s", diff)
	}
	i := 0
	for _, site := range s.Sites {
		for _, a := range site.Apps {
			tt := tests[i]
			i++
			if a.Pool != tt.pool {
				t.Errorf("%s %s: pool %q, want %q", tt.site, tt.path, a.Pool, tt.pool)
			}
			if diff := cmp.Diff(tt.program, a.Program, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s %s program (-want +got):\n%s", tt.site, tt.path, diff)
			}
			if got, want := a.Program.RequestTimeout, tt.program.RequestTimeout; got != want { // Program.Equal leaves it out
				t.Errorf("%s %s: RequestTimeout %v, want %v", tt.site, tt.path, got, want)
			}
			if !a.Pos.IsValid() {
				t.Errorf("%s %s has no position", tt.site, tt.path)
			}
		}
	}
}

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/": "/", "/api": "/api", "/api/": "/api", "api": "/api", "/a/b//": "/a/b"} {
		if got := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// posOf returns "file:line:col" of the first occurrence of marker in file, skip
// bytes into it.
func posOf(t *testing.T, file, marker string, skip int) string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(src), marker)
	if i < 0 {
		t.Fatalf("%s has no %q", file, marker)
	}
	i += skip
	line := 1 + strings.Count(string(src[:i]), "\n")
	col := 1 + utf8.RuneCount(src[strings.LastIndexByte(string(src[:i]), '\n')+1:i])
	return file + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
}

func TestBuildWarnings(t *testing.T) {
	_, warnings, env := buildFixture(t)
	badWebConfig := env["TESTDATA"] + "/apps/bad/web.config"
	shopWebConfig := env["TESTDATA"] + "/apps/shop/Web.config"
	tests := []struct {
		file, marker string
		skip         int // 0: the element; else bytes into the marker (an attribute's value)
		msg          string
	}{
		{fixture, `<binding protocol="https" bindingInformation="*:444:"`, 0, `https binding "*:444:" of site "Default Web Site": sslFlags "9": want 0, 1, 2 or 3; skipped`},
		{fixture, `<binding protocol="net.tcp"`, 0, `net.tcp binding "808:*" of site "Default Web Site" is not supported by poolctl run`},
		{fixture, `<binding protocol="http" bindingInformation="*:http:"`, 0, `http binding "*:http:" of site "Default Web Site": port "http": want a number from 0 to 65535; skipped`},
		{fixture, `<binding protocol="http" bindingInformation="[::1:80:"`, 0, `unclosed '[' in the address; skipped`},
		{fixture, `<binding protocol="http" bindingInformation="10.0.0.300:80:"`, 0, `address "10.0.0.300"`},
		{fixture, `<binding protocol="http" bindingInformation="*:65536:"`, 0, `port "65536"`},
		{fixture, `shutdownTimeLimit="30"`, len(`shutdownTimeLimit="`), `aspNetCore shutdownTimeLimit="30" is not used: the pool's processModel.shutdownTimeLimit bounds a worker's stop`},
		{fixture, `applicationPool="Nope"`, len(`applicationPool="`), `application Default Web Site/api/v2 runs in pool "Nope", which does not exist: its requests get 503`},
		{fixture, `arguments="%APPDIR%`, len(`arguments="`), `aspNetCore arguments: %UNSET% is not set and stays as written`},
		{fixture, `arguments="--name 'Contoso Shop'`, len(`arguments="`), `a backslash outside quotes escapes the next character, as in a POSIX shell, and is dropped (offset 23)`},
		{shopWebConfig, `hostingModel="InProcess"`, len(`hostingModel="`), `aspNetCore hostingModel="InProcess" is not used: poolctl run hosts every application out of process, on ASPNETCORE_PORT`},
		{shopWebConfig, `processesPerApplication="2"`, len(`processesPerApplication="`), `aspNetCore processesPerApplication="2" is not used: poolctl run starts one process per application`},
		{badWebConfig, `</system.webServer>`, 0, `application Shop/bad: malformed web.config: end tag </system.webServer> does not match <aspNetCore> opened at 4:5; it gets no program`},
		{fixture, `arguments="--name 'unclosed"`, len(`arguments="`), `aspNetCore arguments of application Shop/quotes: "--name 'unclosed": offset 7: unclosed single quote; it gets no program`},
		{fixture, `startupTimeLimit="soon"`, len(`startupTimeLimit="`), `aspNetCore of application Shop/invalid: attribute startupTimeLimit: invalid value "soon"`},
		{fixture, `<binding protocol="https" bindingInformation="*:80:`, 0, `https binding "*:80:mixed.example.com" of site "Default Web Site": port 80 is served as http by another binding; skipped`},
	}
	if len(warnings) != len(tests) {
		for _, w := range warnings {
			t.Logf("%s: %s", w.Pos, w.Msg)
		}
		t.Fatalf("%d warnings, want %d (a warning about a <location> that several applications inherit comes once)", len(warnings), len(tests))
	}
	for i, tt := range tests {
		w := warnings[i]
		if want := posOf(t, tt.file, tt.marker, tt.skip); w.Pos.String() != want {
			t.Errorf("warning %d %q at %s, want %s", i, w.Msg, w.Pos, want)
		}
		if !strings.Contains(w.Msg, tt.msg) {
			t.Errorf("warning %d = %q, want it to contain %q", i, w.Msg, tt.msg)
		}
		// The runtime reports binding warnings as event 9009 and the others as 9022.
		wantKind := SettingWarning
		if strings.HasPrefix(tt.marker, "<binding") {
			wantKind = BindingWarning
		}
		if w.Kind != wantKind {
			t.Errorf("warning %d %q: kind %d, want %d", i, w.Msg, w.Kind, wantKind)
		}
	}
}

// TestBuildMissingProgram: an application that no aspNetCore section applies to has
// nothing to run, says why, and is no warning (the runtime reports it, event 9023);
// the target IIS 7.0 has no aspNetCore section at all.
func TestBuildMissingProgram(t *testing.T) {
	const text = `<configuration><system.applicationHost><sites>
<site name="S" id="1"><application path="/" applicationPool="P"><virtualDirectory path="/" physicalPath="/srv" /></application></site>
</sites>
<applicationPools><add name="P" /></applicationPools></system.applicationHost></configuration>`
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	noFiles := Options{ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist }}
	for _, tt := range []struct {
		v    schema.Version
		want string
	}{
		{schema.IIS10, MissingNoSection},
		{schema.IIS70, MissingNoSection + " (the target, iis7.0, has no such section)"},
	} {
		t.Run(tt.v.String(), func(t *testing.T) {
			s, warnings, err := Build(load(t, path, tt.v), noFiles)
			if err != nil {
				t.Fatal(err)
			}
			p := s.Sites[0].Apps[0].Program
			if p.Runnable() || p.Missing != tt.want {
				t.Errorf("program = %+v, want nothing to run because %q", p, tt.want)
			}
			if len(warnings) != 0 {
				t.Errorf("warnings = %+v, want none", warnings)
			}
		})
	}
}

// writeConfig writes an applicationHost.config into a temporary directory and loads
// it.
func writeConfig(t *testing.T, text string) *parse.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return load(t, path, schema.IIS10)
}

func TestBuildInvalidPoolValues(t *testing.T) {
	cfg := writeConfig(t, `<configuration>
<system.applicationHost>
<applicationPools>
<add name="A"><processModel idleTimeout="soon" maxProcesses="-1" /></add>
<add name="B"><recycling><periodicRestart><schedule><add value="25:00:00" /></schedule></periodicRestart></recycling></add>
<add name="C" queueLength="5" />
</applicationPools>
</system.applicationHost>
</configuration>`)
	_, _, err := Build(cfg, Options{})
	if err == nil {
		t.Fatal("Build accepted invalid values")
	}
	file := cfg.Doc.Name
	at := func(marker string) string { return posOf(t, file, marker, strings.IndexByte(marker, '"')+1) }
	for _, want := range []string{
		at(`idleTimeout="soon"`) + `: pool "A": processModel.idleTimeout: attribute idleTimeout: invalid value "soon"`,
		at(`maxProcesses="-1"`) + `: pool "A": processModel.maxProcesses:`,
		at(`value="25:00:00"`) + `: pool "B": recycling.periodicRestart.schedule:`,
		at(`queueLength="5"`) + `: pool "C": queueLength:`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestBuildWithoutSites(t *testing.T) {
	cfg := writeConfig(t, `<configuration><system.applicationHost><applicationPools><add name="A" /></applicationPools></system.applicationHost></configuration>`)
	s, warnings, err := Build(cfg, Options{})
	if err != nil || len(s.Sites) != 0 || len(warnings) != 0 || len(s.Pools) != 1 {
		t.Fatalf("Build = %+v, %v, %v", s, warnings, err)
	}
	if s.Pool("a") == nil || s.Pool("b") != nil || s.Site("x") != nil || s.AppsOf("A") != nil {
		t.Error("lookups on a spec without sites")
	}
}

func TestBuildApplicationWithoutPool(t *testing.T) {
	cfg := writeConfig(t, `<configuration><system.applicationHost><sites>
<site name="S" id="1"><application path="/"><virtualDirectory path="/" physicalPath="/srv" /></application></site>
</sites></system.applicationHost></configuration>`)
	s, warnings, err := Build(cfg, Options{ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist }})
	if err != nil {
		t.Fatal(err)
	}
	if a := s.Sites[0].Apps[0]; a.Pool != "" || a.Program.Found || a.Program.Dir != "/srv" {
		t.Errorf("app = %+v", a)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Msg, "application S/ has no pool") || warnings[0].Pos.Line != 2 {
		t.Errorf("warnings = %+v", warnings)
	}
}

// TestBuildUnreadableWebConfig checks that a web.config that exists but cannot be
// read is a warning at the application's virtual directory, and the application
// gets no program.
func TestBuildUnreadableWebConfig(t *testing.T) {
	cfg := writeConfig(t, `<configuration><system.applicationHost><sites>
<site name="S" id="1"><application path="/app" applicationPool="P">
<virtualDirectory path="/" physicalPath="D:\srv\app" /></application></site>
</sites>
<applicationPools><add name="P" /></applicationPools></system.applicationHost>
<location path="S/app"><system.webServer><aspNetCore processPath="run" /></system.webServer></location>
</configuration>`)
	var asked []string
	readFile := func(name string) ([]byte, error) {
		asked = append(asked, name)
		if strings.HasSuffix(name, "/web.config") {
			return nil, fs.ErrNotExist
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	s, warnings, err := Build(cfg, Options{ReadFile: readFile})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"D:/srv/app/web.config", "D:/srv/app/Web.config"}, asked); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}
	if p := s.Sites[0].Apps[0].Program; p.Found || p.Dir != "D:/srv/app" {
		t.Errorf("program = %+v, want none", p)
	}
	if len(warnings) != 1 || warnings[0].Pos.Line != 3 || !strings.Contains(warnings[0].Msg, "permission denied; it gets no program") {
		t.Errorf("warnings = %+v", warnings)
	}
}

func TestBuildWebConfigEdgeCases(t *testing.T) {
	files := map[string]string{
		"/a/web.config": `<notConfiguration />`,
		"/b/web.config": `<configuration><system.webServer><aspNetCore processPath="./run.sh" arguments="x" /></system.webServer></configuration>`,
		"/c/web.config": `<configuration><location path="sub"><system.webServer><aspNetCore processPath="no" /></system.webServer></location></configuration>`,
		"/d/web.config": `<configuration><system.webServer><aspNetCore processPath="" /></system.webServer></configuration>`,
	}
	cfg := writeConfig(t, `<configuration><system.applicationHost><sites>
<site name="S" id="1">
<application path="/a" applicationPool="P"><virtualDirectory path="/" physicalPath="/a" /></application>
<application path="/b" applicationPool="P"><virtualDirectory path="/" physicalPath="/b" /></application>
<application path="/c" applicationPool="P"><virtualDirectory path="/" physicalPath="/c" /></application>
<application path="/d" applicationPool="P"><virtualDirectory path="/" physicalPath="/d" /></application>
</site></sites>
<applicationPools><add name="P" /></applicationPools></system.applicationHost></configuration>`)
	readFile := func(name string) ([]byte, error) {
		if text, ok := files[name]; ok {
			return []byte(text), nil
		}
		return nil, fs.ErrNotExist
	}
	s, warnings, err := Build(cfg, Options{ReadFile: readFile})
	if err != nil {
		t.Fatal(err)
	}
	programs := map[string]Program{}
	for _, a := range s.Sites[0].Apps {
		programs[a.Path] = a.Program
	}
	if p := programs["/a"]; p.Found {
		t.Errorf("/a: a web.config whose root is not <configuration> gave %+v", p)
	}
	if p := programs["/b"]; !p.Found || p.Path != "/b/run.sh" || p.StdoutLogFile != "/b/aspnetcore-stdout" {
		t.Errorf("/b: %+v, want ./run.sh relative to the application", p)
	}
	if p := programs["/c"]; p.Found {
		t.Errorf("/c: a <location path=\"sub\"> applies to another application, gave %+v", p)
	}
	if p := programs["/d"]; p.Found {
		t.Errorf("/d: an empty processPath gave %+v", p)
	}
	var msgs []string
	for _, w := range warnings {
		msgs = append(msgs, w.Msg)
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"application S/a: web.config: root element is not <configuration>", "aspNetCore of application S/d has no processPath"} {
		if !strings.Contains(joined, want) {
			t.Errorf("warnings %q lack %q", msgs, want)
		}
	}
}

// TestBuildIIS70 checks a version without aspNetCore, startMode and idleTimeoutAction:
// no program, and the behaviour of IIS 7.0 for the rest.
func TestBuildIIS70(t *testing.T) {
	cfg := writeConfig(t, `<configuration><system.applicationHost>
<applicationPools><add name="P" /></applicationPools>
<sites><site name="S" id="1"><application path="/" applicationPool="P"><virtualDirectory path="/" physicalPath="/srv" /></application></site></sites>
</system.applicationHost>
<location path="S"><system.webServer><aspNetCore processPath="run" /></system.webServer></location>
</configuration>`)
	cfg = load(t, cfg.Doc.Name, schema.IIS70)
	s, _, err := Build(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := s.Pools[0]
	if p.AlwaysRun || p.IdleAction != "Terminate" || p.Identity.Type != "NetworkService" || p.Env != nil {
		t.Errorf("IIS 7.0 pool = %+v", p)
	}
	if prog := s.Sites[0].Apps[0].Program; prog.Found || prog.Dir != "/srv" {
		t.Errorf("IIS 7.0 program = %+v", prog)
	}
}

func TestSpecLookups(t *testing.T) {
	s, _, _ := buildFixture(t)
	if p := s.Pool("SHOP"); p == nil || p.Name != "Shop" {
		t.Errorf("Pool(SHOP) = %v", p)
	}
	if s.Pool("nope") != nil || s.Site("nope") != nil {
		t.Error("lookups of names that do not exist")
	}
	paths := func(apps []*App) []string {
		var out []string
		for _, a := range apps {
			out = append(out, a.Site+" "+a.Path)
		}
		return out
	}
	for pool, want := range map[string][]string{
		"shop":           {"Shop /invalid", "Shop /quotes", "Shop /static", "Shop /bad", "Shop /"},
		"Api":            {"Default Web Site /api"},
		"DefaultAppPool": {"Default Web Site /"},
		"Nope":           {"Default Web Site /api/v2"}, // no such pool, but apps name it
		"":               nil,
	} {
		if diff := cmp.Diff(want, paths(s.AppsOf(pool))); diff != "" {
			t.Errorf("AppsOf(%q) (-want +got):\n%s", pool, diff)
		}
	}
}

// TestBuildCorpus builds real configuration files and the repository's sample:
// none is an error.
func TestBuildCorpus(t *testing.T) {
	files := []string{"../../testdata/sample/applicationHost.config"}
	t.Run("corpus", func(t *testing.T) {
		files = append(files, sharedtest.Glob(t, "*.config", "corpus", "real")...)
	})
	noFiles := func(string) ([]byte, error) { return nil, fs.ErrNotExist }
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg := load(t, f, schema.IIS10)
			s, warnings, err := Build(cfg, Options{ReadFile: noFiles, Getenv: mapEnv(nil)})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Pools) == 0 {
				t.Error("no pools")
			}
			for _, w := range warnings {
				if !w.Pos.IsValid() {
					t.Errorf("warning without a position: %s", w.Msg)
				}
			}
		})
	}
}

func TestBuildSample(t *testing.T) {
	cfg := load(t, "../../testdata/sample/applicationHost.config", schema.IIS10)
	s, _, err := Build(cfg, Options{ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist }, Getenv: mapEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	api := s.AppsOf("ShopApi")
	if len(api) != 1 || api[0].Path != "/api" || api[0].Program.Path != "dotnet" || api[0].Program.Dir != "D:/sites/shop/api" {
		t.Fatalf("ShopApi apps = %+v", api)
	}
	if got := s.Pool("ShopApi").Env; !cmp.Equal(got, []string{"ASPNETCORE_ENVIRONMENT=Production", "DOTNET_gcServer=1"}) {
		t.Errorf("ShopApi env = %q", got)
	}
	if got := s.Pool("ShopWebGarden").MaxProcesses; got != 4 {
		t.Errorf("ShopWebGarden maxProcesses = %d", got)
	}
}
