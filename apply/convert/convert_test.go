package convert

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse/metabase"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/validate"
)

var updateConvert = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fakeKey stands in for poolctl's key, whose package is being written: it returns an
// envelope that holds nothing of the password.
type fakeKey struct{ calls int }

func (k *fakeKey) Encrypt(string) (string, error) {
	k.calls++
	return "[enc:PoolctlAesGcmProvider:RkFLRS1LRVktMDE=:enc]", nil
}

// failingKey fails as a key could, with a message that holds no password.
type failingKey struct{ err error }

func (k failingKey) Encrypt(string) (string, error) { return "", k.err }

// fixtures returns the metabase files of testdata.
func fixtures(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	return files
}

// readFixture reads a fixture, named by its base name in positions.
func readFixture(t *testing.T, path string) *metabase.Metabase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := metabase.Read(filepath.Base(path), data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return mb
}

// adapt converts src, a metabase held in a string, and fails the test on an error.
func adapt(t *testing.T, src string, opt Options) *Result {
	t.Helper()
	mb, err := metabase.Read("mb.xml", []byte(src))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	res, _, err := Adapt(mb, opt)
	if err != nil {
		t.Fatalf("Adapt: %v", err)
	}
	return res
}

// metabaseXML wraps keys in a MetaBase.xml document.
func metabaseXML(keys ...string) string {
	return "<?xml version =\"1.0\"?>\n<configuration xmlns=\"urn:microsoft-catalog:XML_Metabase_V64_0\">\n<MBProperty>\n" +
		strings.Join(keys, "\n") + "\n</MBProperty>\n</configuration>\n"
}

// poolKey is an IIsApplicationPool key named name with the attributes attrs.
func poolKey(name, attrs string) string {
	return fmt.Sprintf("<IIsApplicationPool Location=\"/LM/W3SVC/AppPools/%s\" %s>\n</IIsApplicationPool>", name, attrs)
}

// TestGolden converts each fixture for IIS 10 (and full.xml for IIS 7.0 too) and
// compares the configuration and both reports with testdata/golden; -update rewrites
// them.
func TestGolden(t *testing.T) {
	type run struct {
		path   string
		target schema.Version
	}
	var runs []run
	for _, f := range fixtures(t) {
		runs = append(runs, run{f, schema.IIS10})
	}
	runs = append(runs, run{filepath.Join("testdata", "full.xml"), schema.IIS70})
	for _, r := range runs {
		base := strings.TrimSuffix(filepath.Base(r.path), ".xml") + "." + r.target.String()
		t.Run(base, func(t *testing.T) {
			res, _, err := Adapt(readFixture(t, r.path), Options{Target: r.target, Encrypter: &fakeKey{}})
			if err != nil {
				t.Fatal(err)
			}
			var text, js bytes.Buffer
			if err := res.Report.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := res.Report.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			golden(t, base+".config", mustBytes(t)(res.Config()))
			golden(t, base+".fragment.xml", mustBytes(t)(res.Fragment()))
			golden(t, base+".txt", text.Bytes())
			golden(t, base+".json", js.Bytes())
		})
	}
}

// golden compares got with testdata/golden/name, or writes it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *updateConvert {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestLintClean proves that the complete configuration converted from every fixture,
// for every target version, plainly and with --explicit, draws no lint error. The
// warnings it draws are logged (go test -v shows them).
func TestLintClean(t *testing.T) {
	for _, f := range fixtures(t) {
		for _, v := range schema.Versions() {
			for _, explicit := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/explicit=%v", filepath.Base(f), v, explicit)
				t.Run(name, func(t *testing.T) {
					res, _, err := Adapt(readFixture(t, f), Options{Target: v, Explicit: explicit, Encrypter: &fakeKey{}})
					if err != nil {
						t.Fatal(err)
					}
					diags, err := validate.LintBytes("converted.config", mustBytes(t)(res.Config()), validate.Options{Target: v})
					if err != nil {
						t.Fatal(err)
					}
					for _, d := range diags {
						if d.Severity == validate.Error {
							t.Errorf("%s\n%s", d, mustBytes(t)(res.Config()))
						} else {
							t.Logf("%s %s: %s", d.Severity, d.Rule, d.Message)
						}
					}
				})
			}
		}
	}
}

// TestMapping checks each row of the mapping table: an IIS 6 value set on a pool
// becomes the IIS 7+ attribute's text. Each case cites the pages its unit, its range
// and its values were checked against (IIS 6.0 SDK pages are
// learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/<id>(v=vs.90), Windows
// Server 2003 pages learn.microsoft.com/en-us/previous-versions/windows/it-pro/
// windows-server-2003/<id>(v=ws.10)).
func TestMapping(t *testing.T) {
	for _, tc := range []struct {
		prop, value string
		attr, want  string
	}{
		// AppPoolQueueLength, a count of requests, 10 to 65535: SDK ms524493, WS2003 cc783070.
		{"AppPoolQueueLength", "4000", "queueLength", "4000"},
		// AppPoolAutoStart, bool: SDK ms525252, WS2003 cc759202.
		{"AppPoolAutoStart", "false", "autoStart", "false"},
		// AppPoolIdentityType 0 LocalSystem, 1 LocalService, 2 NetworkService, 3
		// SpecificUser: SDK ms524908, WS2003 cc736455.
		{"AppPoolIdentityType", "0", "processModel.identityType", "LocalSystem"},
		{"AppPoolIdentityType", "1", "processModel.identityType", "LocalService"},
		{"AppPoolIdentityType", "2", "processModel.identityType", "NetworkService"},
		// IdleTimeout, minutes: SDK ms525537.
		{"IdleTimeout", "45", "processModel.idleTimeout", "00:45:00"},
		{"IdleTimeout", "0", "processModel.idleTimeout", "00:00:00"},
		// MaxProcesses, a count, at least 1: SDK ms525074, WS2003 cc757137.
		{"MaxProcesses", "4", "processModel.maxProcesses", "4"},
		// ShutdownTimeLimit and StartupTimeLimit, seconds: SDK ms525974 and ms524792,
		// WS2003 cc787702 and cc758706.
		{"ShutdownTimeLimit", "120", "processModel.shutdownTimeLimit", "00:02:00"},
		{"StartupTimeLimit", "30", "processModel.startupTimeLimit", "00:00:30"},
		// PingingEnabled, bool: SDK ms525345, WS2003 cc780042.
		{"PingingEnabled", "FALSE", "processModel.pingingEnabled", "false"},
		// PingInterval and PingResponseTime, seconds: SDK ms525149 and ms525499,
		// WS2003 cc739655 and cc782596.
		{"PingInterval", "240", "processModel.pingInterval", "00:04:00"},
		{"PingResponseTime", "60", "processModel.pingResponseTime", "00:01:00"},
		// DisallowOverlappingRotation and DisallowRotationOnConfigChange, bool: SDK
		// ms525069 and ms525764, WS2003 cc757757 and cc737909.
		{"DisallowOverlappingRotation", "TRUE", "recycling.disallowOverlappingRotation", "true"},
		{"DisallowRotationOnConfigChange", "True", "recycling.disallowRotationOnConfigChange", "true"},
		// LogEventOnRecycle, a bitmask with IIS 7+'s flag values (Time 1, Requests 2,
		// Schedule 4, Memory 8, IsapiUnhealthy 16, OnDemand 32, ConfigChange 64,
		// PrivateMemory 128): SDK ms525613, WS2003 cc782462, the MD_APP_POOL_RECYCLE_*
		// constants of the Windows SDK (PrivateMemory's 128 by elimination), IIS 7+
		// RecyclingSettings.
		{"LogEventOnRecycle", "255", "recycling.logEventOnRecycle", "Time, Requests, Schedule, Memory, IsapiUnhealthy, OnDemand, ConfigChange, PrivateMemory"},
		{"LogEventOnRecycle", "6", "recycling.logEventOnRecycle", "Requests, Schedule"},
		// PeriodicRestartMemory and PeriodicRestartPrivateMemory, KB, kept as KB: SDK
		// ms525539 and ms525009, WS2003 cc778358.
		{"PeriodicRestartMemory", "1048576", "recycling.periodicRestart.memory", "1048576"},
		{"PeriodicRestartPrivateMemory", "262144", "recycling.periodicRestart.privateMemory", "262144"},
		// PeriodicRestartRequests, a count: SDK ms525851, WS2003 cc785094.
		{"PeriodicRestartRequests", "35000", "recycling.periodicRestart.requests", "35000"},
		// PeriodicRestartTime, minutes, 0 off: SDK ms525914.
		{"PeriodicRestartTime", "120", "recycling.periodicRestart.time", "02:00:00"},
		{"PeriodicRestartTime", "0", "recycling.periodicRestart.time", "00:00:00"},
		// PeriodicRestartSchedule, MULTISZ of "hh:mm": SDK ms525145, WS2003 cc756946.
		{"PeriodicRestartSchedule", "02:00\n\t\t\t14:45", "recycling.periodicRestart.schedule", "02:00:00, 14:45:00"},
		// LoadBalancerCapabilities 1 (terminate the connection: TcpLevel), 2 (send 503:
		// HttpLevel): SDK ms525272, WS2003 cc785398.
		{"LoadBalancerCapabilities", "1", "failure.loadBalancerCapabilities", "TcpLevel"},
		// OrphanWorkerProcess, bool; OrphanActionExe and OrphanActionParams, strings: SDK
		// ms525700, ms525365, ms524472, WS2003 cc739430, cc779822, cc782598.
		{"OrphanWorkerProcess", "TRUE", "failure.orphanWorkerProcess", "true"},
		{"OrphanActionExe", `C:\Debuggers\adplus.exe`, "failure.orphanActionExe", `C:\Debuggers\adplus.exe`},
		{"OrphanActionParams", "-crash -p %1%", "failure.orphanActionParams", "-crash -p %1%"},
		// RapidFailProtection, bool; RapidFailProtectionInterval, minutes;
		// RapidFailProtectionMaxCrashes, a count: SDK ms525133, ms525610, ms525633,
		// WS2003 cc756810, cc759399, cc737381.
		{"RapidFailProtection", "FALSE", "failure.rapidFailProtection", "false"},
		{"RapidFailProtectionInterval", "10", "failure.rapidFailProtectionInterval", "00:10:00"},
		{"RapidFailProtectionMaxCrashes", "3", "failure.rapidFailProtectionMaxCrashes", "3"},
		// AutoShutdownAppPoolExe and AutoShutdownAppPoolParams, strings: SDK ms525750 and
		// ms525668, WS2003 cc781676.
		{"AutoShutdownAppPoolExe", `C:\Tools\notify.cmd`, "failure.autoShutdownExe", `C:\Tools\notify.cmd`},
		{"AutoShutdownAppPoolParams", "-AppPoolName %1%", "failure.autoShutdownParams", "-AppPoolName %1%"},
		// CPULimit, 1/1000 of a percent, up to 100000, the same unit as IIS 7+'s
		// cpu.limit: SDK ms524939, WS2003 cc783617, IIS 7 settings schema bb386596.
		{"CPULimit", "50000", "cpu.limit", "50000"},
		// CPUAction 0 MD_CPU_NO_ACTION, 1 MD_CPU_KILL_W3WP: SDK ms525681, WS2003
		// cc786288, IIS 7+ ProcessorAction (NoAction 0, KillW3wp 1).
		{"CPUAction", "0", "cpu.action", "NoAction"},
		{"CPUAction", "1", "cpu.action", "KillW3wp"},
		// CPUResetInterval, minutes, up to 1440: SDK ms525330, WS2003 cc778532.
		{"CPUResetInterval", "60", "cpu.resetInterval", "01:00:00"},
		// SMPAffinitized, bool; SMPProcessorAffinityMask, a DWORD mask, unlimited as
		// 4294967295 (VBScript's -1): WS2003 cc736488 and cc757414.
		{"SMPAffinitized", "TRUE", "cpu.smpAffinitized", "true"},
		{"SMPProcessorAffinityMask", "3", "cpu.smpProcessorAffinityMask", "3"},
		{"SMPProcessorAffinityMask", "-1", "cpu.smpProcessorAffinityMask", "4294967295"},
	} {
		t.Run(tc.prop+"="+tc.value, func(t *testing.T) {
			src := metabaseXML(poolKey("P", fmt.Sprintf("%s=\"%s\"", tc.prop, tc.value)))
			res := adapt(t, src, Options{Explicit: true})
			e := findEntry(res.Report.Converted, "P", tc.prop)
			if e == nil {
				t.Fatalf("no converted entry for %s; dropped: %+v", tc.prop, res.Report.Dropped)
			}
			if e.Attribute != tc.attr || e.NewValue != tc.want {
				t.Errorf("%s=%q → %s=%q, want %s=%q", tc.prop, tc.value, e.Attribute, e.NewValue, tc.attr, tc.want)
			}
		})
	}
}

// findEntry returns the entry of pool for property prop, or nil.
func findEntry(es []Entry, pool, prop string) *Entry {
	for i := range es {
		if es[i].Pool == pool && es[i].Property == prop {
			return &es[i]
		}
	}
	return nil
}

// TestMappingDropped checks the values that have no IIS 7+ equivalent, or that IIS 6
// could not have meant: they are reported, each with its line, never written.
func TestMappingDropped(t *testing.T) {
	for _, tc := range []struct {
		prop, value string
		reason      string // a substring of the reason
	}{
		// CPUAction 2 is MD_CPU_TRACE in the WS2003 page cc786288, not IIS 8's Throttle.
		{"CPUAction", "2", "MD_CPU_TRACE"},
		{"AppPoolIdentityType", "7", "not one of IIS 6's values"},
		{"LoadBalancerCapabilities", "3", "not one of IIS 6's values"},
		{"IdleTimeout", "twenty", "not a number"},
		{"PingingEnabled", "yes", "not TRUE or FALSE"},
		{"CPULimit", "99999999999", "does not fit in a DWORD"},
		// Run-time properties of IIsApplicationPoolSetting (SDK ms524484).
		{"AppPoolCommand", "1", "not configuration"},
		{"Win32Error", "1056", "run time"},
		{"AdminACL", "496344627000000024", "access control list"},
		{"UnknownWidget", "WidgetMode7", "unknown"},
	} {
		t.Run(tc.prop+"="+tc.value, func(t *testing.T) {
			res := adapt(t, metabaseXML(poolKey("P", fmt.Sprintf("%s=\"%s\"", tc.prop, tc.value))), Options{})
			e := findEntry(res.Report.Dropped, "P", tc.prop)
			if e == nil {
				t.Fatalf("%s=%q is not reported dropped", tc.prop, tc.value)
			}
			if !strings.Contains(e.Reason, tc.reason) || e.Pos.Line != 4 || e.Pos.Col < 1 {
				t.Errorf("dropped %s at %s: %q, want a reason with %q on line 4", tc.prop, e.Pos, e.Reason, tc.reason)
			}
			if strings.Contains(string(mustBytes(t)(res.Fragment())), tc.value) {
				t.Errorf("the dropped value %q was written:\n%s", tc.value, mustBytes(t)(res.Fragment()))
			}
		})
	}
}

// TestClamp checks that values outside what IIS 6 and the target accept are clamped
// to the nearest bound, with a warning.
func TestClamp(t *testing.T) {
	for _, tc := range []struct {
		prop, value string
		target      schema.Version
		want        string
	}{
		{"IdleTimeout", "50000", schema.IIS10, "30.00:00:00"},                // IIS 7+: at most 30 days
		{"AppPoolQueueLength", "5", schema.IIS10, "10"},                      // both: 10 to 65535
		{"RapidFailProtectionInterval", "0", schema.IIS10, "00:01:00"},       // both: at least 1 minute
		{"MaxProcesses", "0", schema.IIS10, "1"},                             // IIS 6: at least 1 (SDK ms525074)
		{"CPULimit", "150000", schema.IIS10, "100000"},                       // both: at most 100000
		{"PeriodicRestartTime", "100000", schema.IIS10, "49.17:02:00"},       // IIS 6: at most 71582 minutes
		{"CPUResetInterval", "2000", schema.IIS70, "1.00:00:00"},             // both: at most 1440 minutes
		{"PeriodicRestartPrivateMemory", "4000000", schema.IIS10, "3145728"}, // IIS 6: at most 3145728 KB
	} {
		t.Run(tc.prop+"="+tc.value, func(t *testing.T) {
			mb, err := metabase.Read("mb.xml", []byte(metabaseXML(poolKey("P", fmt.Sprintf("%s=\"%s\"", tc.prop, tc.value)))))
			if err != nil {
				t.Fatal(err)
			}
			res, warnings, err := Adapt(mb, Options{Target: tc.target})
			if err != nil {
				t.Fatal(err)
			}
			e := findEntry(res.Report.Converted, "P", tc.prop)
			if e == nil || e.NewValue != tc.want || !strings.Contains(e.Reason, "clamped") {
				t.Fatalf("entry = %+v, want %s clamped", e, tc.want)
			}
			if !slices.ContainsFunc(warnings, func(w Warning) bool { return strings.Contains(w.Msg, "clamped") }) {
				t.Errorf("no warning of the clamp: %v", warnings)
			}
		})
	}
}

// TestDefaults checks the IIS 6 behaviour rule: where no key sets a property and IIS
// 6's default differs from the target's, the IIS 6 default is written and reported
// as defaulted. IIS 6's identity default is 2, NetworkService (SDK ms524908), IIS
// 7.0's too, ApplicationPoolIdentity from 7.5 (IIS 7.5 schema); LogEventOnRecycle's
// Internal Default is Time | Memory | PrivateMemory (SDK ms525613), IIS 10's default
// every flag.
func TestDefaults(t *testing.T) {
	for _, tc := range []struct {
		target schema.Version
		want   []string
	}{
		{schema.IIS70, nil},
		{schema.IIS75, []string{"processModel.identityType=NetworkService"}},
		{schema.IIS80, []string{"processModel.identityType=NetworkService"}},
		{schema.IIS85, []string{"processModel.identityType=NetworkService"}},
		{schema.IIS10, []string{"processModel.identityType=NetworkService", "recycling.logEventOnRecycle=Time, Memory, PrivateMemory"}},
	} {
		t.Run(tc.target.String(), func(t *testing.T) {
			res := adapt(t, metabaseXML(poolKey("P", "")), Options{Target: tc.target})
			var got []string
			for _, e := range res.Report.Defaulted {
				got = append(got, e.Attribute+"="+e.NewValue)
				if !e.Written || e.Pos.Line != 4 {
					t.Errorf("defaulted %s: written=%v at %s, want written at the pool's key, line 4", e.Attribute, e.Written, e.Pos)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("defaulted (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExplicit checks that --explicit writes the IIS 6 defaults that equal the
// target's, and the values that do.
func TestExplicit(t *testing.T) {
	res := adapt(t, metabaseXML(poolKey("P", `IdleTimeout="20"`)), Options{Target: schema.IIS10, Explicit: true})
	frag := string(mustBytes(t)(res.Fragment()))
	for _, want := range []string{`idleTimeout="00:20:00"`, `queueLength="1000"`, `pingInterval="00:00:30"`, `time="1.05:00:00"`,
		`loadBalancerCapabilities="HttpLevel"`, `smpProcessorAffinityMask="4294967295"`} {
		if !strings.Contains(frag, want) {
			t.Errorf("--explicit output lacks %s:\n%s", want, frag)
		}
	}
	plain := string(mustBytes(t)(adapt(t, metabaseXML(poolKey("P", `IdleTimeout="20"`)), Options{Target: schema.IIS10}).Fragment()))
	if strings.Contains(plain, "idleTimeout") || strings.Contains(plain, "queueLength") {
		t.Errorf("without --explicit, values equal to the target's defaults are written:\n%s", plain)
	}
}

// TestOptionsDefaults checks that values are compared with the defaults of the
// configuration the pools go into.
func TestOptionsDefaults(t *testing.T) {
	src := metabaseXML(poolKey("P", `IdleTimeout="20"`))
	res := adapt(t, src, Options{Target: schema.IIS10, Defaults: map[string]string{"processModel.idleTimeout": "00:00:00"}})
	if !strings.Contains(string(mustBytes(t)(res.Fragment())), `idleTimeout="00:20:00"`) {
		t.Errorf("IdleTimeout 20 is not written although the file's defaults say 00:00:00:\n%s", mustBytes(t)(res.Fragment()))
	}
}

// TestInheritance checks the metabase's inheritance: a pool's own value, else that of
// /LM/W3SVC/AppPools, else that of /LM/W3SVC; and that a NO_ATTRIBUTES property
// (AppPoolAutoStart, WS2003 cc759202) of /LM/W3SVC/AppPools reaches no pool.
func TestInheritance(t *testing.T) {
	src := metabaseXML(
		`<IIsWebService Location="/LM/W3SVC" RapidFailProtectionMaxCrashes="9" IdleTimeout="5"></IIsWebService>`,
		`<IIsApplicationPools Location="/LM/W3SVC/AppPools" IdleTimeout="15" AppPoolAutoStart="FALSE"><Custom Name="CPULimit" ID="9023" Value="1000" Attributes="NO_ATTRIBUTES"/></IIsApplicationPools>`,
		poolKey("Own", `IdleTimeout="25"`),
		poolKey("Inherits", ""),
	)
	res := adapt(t, src, Options{})
	for _, tc := range []struct{ pool, prop, value, location string }{
		{"Own", "IdleTimeout", "25", ""},
		{"Inherits", "IdleTimeout", "15", "/LM/W3SVC/AppPools"},
		{"Inherits", "RapidFailProtectionMaxCrashes", "9", "/LM/W3SVC"},
	} {
		e := findEntry(res.Report.Converted, tc.pool, tc.prop)
		if e == nil || e.Value != tc.value || e.Location != tc.location {
			t.Errorf("pool %s %s = %+v, want %s from %q", tc.pool, tc.prop, e, tc.value, tc.location)
		}
	}
	if e := findEntry(res.Report.Converted, "Inherits", "AppPoolAutoStart"); e != nil {
		t.Errorf("AppPoolAutoStart of /LM/W3SVC/AppPools reached a pool: %+v", e)
	}
	if e := findEntry(res.Report.Converted, "Inherits", "CPULimit"); e != nil {
		t.Errorf("a NO_ATTRIBUTES <Custom> CPULimit reached a pool: %+v", e)
	}
	if !slices.ContainsFunc(res.Report.Dropped, func(e Entry) bool {
		return e.Property == "AppPoolAutoStart" && strings.Contains(e.Reason, "NO_ATTRIBUTES")
	}) {
		t.Errorf("AppPoolAutoStart of /LM/W3SVC/AppPools is not reported: %+v", res.Report.Dropped)
	}
}

// TestRename checks that pool names IIS 7+ forbids get a new name, unique without
// regard to case, which the applications use too.
func TestRename(t *testing.T) {
	src := metabaseXML(
		poolKey("Shop:Legacy", ""),
		poolKey("shop-legacy", ""),
		poolKey("A+B=C", ""),
		`<IIsWebServer Location="/LM/W3SVC/1" ServerComment="Shop"></IIsWebServer>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT" AppPoolId="shop:legacy" Path="C:\shop"></IIsWebVirtualDir>`,
	)
	res := adapt(t, src, Options{})
	var got []string
	for _, e := range res.Report.Renamed {
		got = append(got, e.Value+"→"+e.NewValue)
		if !e.Pos.IsValid() || e.Reason == "" {
			t.Errorf("rename %+v has no position or reason", e)
		}
	}
	if diff := cmp.Diff([]string{"Shop:Legacy→Shop-Legacy-2", "A+B=C→A-B-C"}, got); diff != "" {
		t.Errorf("renames (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(mustBytes(t)(res.Config())), `applicationPool="Shop-Legacy-2"`) {
		t.Errorf("the application does not use the new name:\n%s", mustBytes(t)(res.Config()))
	}
}

// TestPassword checks WAMUserPass: encrypted with the key, refused without one, in
// clear text with AllowPlaintext, and never in a report, a warning or an error.
func TestPassword(t *testing.T) {
	const secret = "Corr3ct-H0rse-Battery"
	src := metabaseXML(poolKey("Svc", `AppPoolIdentityType="3" WAMUserName="CONTOSO\svc" WAMUserPass="`+secret+`"`))
	mb, err := metabase.Read("mb.xml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		opt       Options
		wantErr   string // a substring of the error, or ""
		wantClear bool   // the configuration holds the password in clear text
	}{
		{name: "key", opt: Options{Encrypter: &fakeKey{}}},
		{name: "no key", opt: Options{}, wantErr: "poolctl key generate"},
		{name: "no key file", opt: Options{Encrypter: failingKey{fmt.Errorf("key file: %w", ErrNoKey)}}, wantErr: "--allow-plaintext"},
		{name: "plaintext", opt: Options{AllowPlaintext: true}, wantClear: true},
		{name: "key fails", opt: Options{Encrypter: failingKey{errors.New("key file is readable by others")}, AllowPlaintext: true}, wantErr: "readable by others"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, warnings, err := Adapt(mb, tc.opt)
			var outputs []string
			if err != nil {
				outputs = append(outputs, err.Error())
			}
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want one with %q", err, tc.wantErr)
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			}
			if res != nil {
				var text, js bytes.Buffer
				_ = res.Report.WriteText(&text)
				_ = res.Report.WriteJSON(&js)
				outputs = append(outputs, text.String(), js.String())
				for _, w := range warnings {
					outputs = append(outputs, w.String())
				}
				if got := strings.Contains(string(mustBytes(t)(res.Config())), secret); got != tc.wantClear {
					t.Errorf("password in the configuration: %v, want %v", got, tc.wantClear)
				}
			}
			for _, out := range outputs {
				if strings.Contains(out, secret) {
					t.Errorf("the password appears in an output:\n%s", out)
				}
			}
		})
	}
	var kne *KeyNeededError
	if _, _, err := Adapt(mb, Options{}); !errors.As(err, &kne) || kne.Pool != "Svc" || kne.Pos.Line != 4 {
		t.Errorf("err = %#v, want a *KeyNeededError for pool Svc at line 4", err)
	}
}

// TestPasswordNotNeeded checks that no key is asked for a password the pool does not
// use, or one the IIS 6 server encrypted with its own key (WS2003 "Encrypted
// Properties": WAMUserPass is SECURE).
func TestPasswordNotNeeded(t *testing.T) {
	for name, attrs := range map[string]string{
		"not SpecificUser": `AppPoolIdentityType="2" WAMUserName="CONTOSO\svc" WAMUserPass="hunter2"`,
		"encrypted blob":   `AppPoolIdentityType="3" WAMUserName="CONTOSO\svc" WAMUserPass="` + strings.Repeat("4963446270000000", 6) + `"`,
	} {
		t.Run(name, func(t *testing.T) {
			res := adapt(t, metabaseXML(poolKey("P", attrs)), Options{})
			if e := findEntry(res.Report.Dropped, "P", "WAMUserPass"); e == nil || e.Value != hiddenValue {
				t.Errorf("WAMUserPass not reported dropped, or shown: %+v", e)
			}
			if strings.Contains(string(mustBytes(t)(res.Fragment())), "password") {
				t.Errorf("a password was written:\n%s", mustBytes(t)(res.Fragment()))
			}
		})
	}
}

// TestApplications checks the application-to-pool assignments: AppPoolId from the
// nearest key, else the site, else /LM/W3SVC, else DefaultAppPool (AppPoolId's
// Internal Default, SDK ms524723); an application whose pool does not exist is
// reported and left out, and so is a site whose root application is.
func TestApplications(t *testing.T) {
	src := metabaseXML(
		`<IIsWebService Location="/LM/W3SVC" AppPoolId="Main"></IIsWebService>`,
		poolKey("Main", ""), poolKey("Shop", ""), poolKey("DefaultAppPool", ""),
		`<IIsWebServer Location="/LM/W3SVC/1" ServerComment="One" ServerBindings=":80:one.example"></IIsWebServer>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" Path="C:\one"></IIsWebVirtualDir>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/shop" AppRoot="/LM/W3SVC/1/ROOT/shop" AppPoolId="Shop" Path="D:\shop"></IIsWebVirtualDir>`,
		`<IIsWebDirectory Location="/LM/W3SVC/1/ROOT/shop/cart" AppRoot="/LM/W3SVC/1/ROOT/shop/cart"></IIsWebDirectory>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/gone" AppRoot="/LM/W3SVC/1/ROOT/gone" AppPoolId="Gone" Path="D:\gone"></IIsWebVirtualDir>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/gone/sub" Path="D:\sub"></IIsWebVirtualDir>`,
		`<IIsWebServer Location="/LM/W3SVC/2" ServerComment="Two" AppPoolId="Missing"></IIsWebServer>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/2/ROOT" Path="C:\two"></IIsWebVirtualDir>`,
	)
	res := adapt(t, src, Options{})
	var got []string
	for _, a := range res.Report.Applications {
		got = append(got, fmt.Sprintf("%s %s %s %s %v", a.Site, a.Path, a.Pool, a.PoolLocation, a.Converted))
	}
	want := []string{
		"One / Main /LM/W3SVC true",
		"One /shop Shop /LM/W3SVC/1/ROOT/shop true",
		"One /shop/cart Shop /LM/W3SVC/1/ROOT/shop true",
		"One /gone Gone /LM/W3SVC/1/ROOT/gone false",
		"Two / Missing /LM/W3SVC/2 false",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("applications (-want +got):\n%s", diff)
	}
	cfg := string(mustBytes(t)(res.Config()))
	for _, s := range []string{`physicalPath="D:\shop\cart"`, `bindingInformation="*:80:one.example"`} {
		if !strings.Contains(cfg, s) {
			t.Errorf("configuration lacks %s:\n%s", s, cfg)
		}
	}
	for _, s := range []string{"Gone", `D:\sub`, `name="Two"`} {
		if strings.Contains(cfg, s) {
			t.Errorf("configuration holds %s, which is left out:\n%s", s, cfg)
		}
	}
	noPool := adapt(t, metabaseXML(poolKey("DefaultAppPool", ""),
		`<IIsWebServer Location="/LM/W3SVC/5"></IIsWebServer>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/5/ROOT" Path="C:\five"></IIsWebVirtualDir>`), Options{})
	if a := noPool.Report.Applications; len(a) != 1 || a[0].Pool != "DefaultAppPool" || a[0].PoolLocation != "(IIS 6's default)" {
		t.Errorf("without any AppPoolId: %+v, want DefaultAppPool by default", a)
	}
}

// TestIIS5Mode checks that a server in IIS 5.0 isolation mode is said first, in the
// warnings, the text report, the JSON and the configuration.
func TestIIS5Mode(t *testing.T) {
	res, warnings, err := Adapt(readFixture(t, filepath.Join("testdata", "iis5.xml")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0].Msg, "IIS 5.0 isolation mode") {
		t.Errorf("first warning = %v, want the isolation mode", warnings)
	}
	var text, js bytes.Buffer
	_ = res.Report.WriteText(&text)
	_ = res.Report.WriteJSON(&js)
	if !strings.HasPrefix(text.String(), "warning: iis5.xml:") || !strings.Contains(js.String(), `"iis5IsolationMode": true`) {
		t.Errorf("report does not lead with the isolation mode:\n%s\n%s", text.String(), js.String())
	}
	if !strings.Contains(string(mustBytes(t)(res.Config())), "IIS 5.0 isolation mode") {
		t.Errorf("configuration does not say so:\n%s", mustBytes(t)(res.Config()))
	}
	if _, w, _ := Adapt(readFixture(t, filepath.Join("testdata", "full.xml")), Options{Encrypter: &fakeKey{}}); slices.ContainsFunc(w, func(w Warning) bool {
		return strings.Contains(w.Msg, "isolation mode")
	}) {
		t.Errorf("IIs5IsolationModeEnabled=FALSE drew the warning")
	}
}

// TestFixtureEncodings checks that the UTF-16 fixtures, with and without a byte order
// mark, convert as their UTF-8 equivalent would, with positions in the file.
func TestFixtureEncodings(t *testing.T) {
	for _, f := range []string{"utf16le-bom.xml", "utf16le-nobom.xml"} {
		res, _, err := Adapt(readFixture(t, filepath.Join("testdata", f)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		e := findEntry(res.Report.Converted, map[string]string{"utf16le-bom.xml": "Zürich", "utf16le-nobom.xml": "Basel"}[f], "CPULimit")
		if e == nil || e.Pos.Line != 5 || e.Pos.Col != 3 {
			t.Errorf("%s: CPULimit entry %+v, want it at 5:3", f, e)
		}
	}
}

// FuzzAdapt checks that any metabase Read accepts converts without a panic into a
// configuration that lints without errors for the target, the promise of convert.
func FuzzAdapt(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data, uint8(schema.IIS10), false)
		}
	}
	f.Add([]byte(metabaseXML(poolKey("a:b", `IdleTimeout="99999999"`), poolKey("A-B", ""))), uint8(schema.IIS70), true)
	f.Fuzz(func(t *testing.T, data []byte, target uint8, explicit bool) {
		mb, err := metabase.Read("fuzz.xml", data)
		if err != nil {
			return
		}
		v := schema.Version(target%5 + 1)
		res, _, err := Adapt(mb, Options{Target: v, Explicit: explicit, AllowPlaintext: true})
		if err != nil {
			t.Fatalf("Adapt: %v", err)
		}
		diags, err := validate.LintBytes("fuzz.config", mustBytes(t)(res.Config()), validate.Options{Target: v})
		if err != nil {
			t.Fatalf("lint: %v\n%s", err, mustBytes(t)(res.Config()))
		}
		for _, d := range diags {
			if d.Severity == validate.Error {
				t.Fatalf("%s\n%s", d, mustBytes(t)(res.Config()))
			}
		}
	})
}

// FuzzAdaptValues builds metabases from fuzzed pool names, properties, values and
// application pools, which FuzzAdapt's byte mutations rarely keep well-formed, and
// checks the same promise: the configuration lints without errors.
func FuzzAdaptValues(f *testing.F) {
	f.Add("Shop:Legacy", "IdleTimeout", "50000", "shop:legacy", "/LM/W3SVC/1/ROOT/a", uint8(0))
	f.Add("A", "PeriodicRestartSchedule", "3:00\n25:61\n03:00", "A", "/LM/W3SVC/1/ROOT", uint8(4))
	f.Add("B", "AppPoolIdentityType", "3", "b", "/LM/W3SVC/2/ROOT/x/./y", uint8(2))
	f.Add("DefaultAppPool", "LogEventOnRecycle", "-1", "Missing", "/LM/W3SVC/1/ROOT/a b", uint8(1))
	f.Fuzz(func(t *testing.T, pool, prop, value, appPool, appLoc string, target uint8) {
		esc := func(s string) string {
			var b strings.Builder
			for _, r := range s {
				switch {
				case r == '\n':
					b.WriteString("\n")
				case r < 0x20 || r == 0xFFFE || r == 0xFFFF || r >= 0xD800 && r <= 0xDFFF:
					return ""
				default:
					xml.EscapeText(&b, []byte(string(r)))
				}
			}
			return b.String()
		}
		if esc(pool) == "" || strings.ContainsAny(pool, "/\n") || !isName(prop) {
			return
		}
		src := metabaseXML(
			`<IIsWebService Location="/LM/W3SVC" WAMUserName="u"></IIsWebService>`,
			poolKey(esc(pool), fmt.Sprintf(`%s="%s"`, prop, esc(value))),
			`<IIsWebServer Location="/LM/W3SVC/1" ServerComment="`+esc(pool)+`"></IIsWebServer>`,
			`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT" Path="C:\x"></IIsWebVirtualDir>`,
			`<IIsWebVirtualDir Location="`+esc(appLoc)+`" AppRoot="x" AppPoolId="`+esc(appPool)+`" Path="`+esc(value)+`"></IIsWebVirtualDir>`,
		)
		mb, err := metabase.Read("fuzz.xml", []byte(src))
		if err != nil {
			return
		}
		v := schema.Version(target%5 + 1)
		res, _, err := Adapt(mb, Options{Target: v, AllowPlaintext: true})
		if err != nil {
			t.Fatalf("Adapt: %v", err)
		}
		diags, err := validate.LintBytes("fuzz.config", mustBytes(t)(res.Config()), validate.Options{Target: v})
		if err != nil {
			t.Fatalf("lint: %v\n%s", err, mustBytes(t)(res.Config()))
		}
		for _, d := range diags {
			if d.Severity == validate.Error {
				t.Fatalf("%s\n%s", d, mustBytes(t)(res.Config()))
			}
		}
	})
}

// isName reports whether s is an ASCII XML name, as metabase property names are.
func isName(s string) bool {
	if s == "" || !(s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != "Location"
}

// TestSites checks site names, numbers and bindings: ServerBindings "IP:Port:Hostname"
// and SecureBindings "IP:Port" (WS2003 cc737827 and cc739755; an empty IP is every
// address, IIS 7+'s "*"), ServerAutoStart, and names IIS 7+ forbids or repeats.
func TestSites(t *testing.T) {
	src := metabaseXML(poolKey("DefaultAppPool", ""),
		`<IIsWebServer Location="/LM/W3SVC/1" ServerComment="Shop/Old?" ServerAutoStart="FALSE" ServerBindings=":80:
			10.1.2.3:8080:shop.example
			:80:
			no-port" SecureBindings=":443:"></IIsWebServer>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT" Path="C:\one"></IIsWebVirtualDir>`,
		`<IIsWebServer Location="/LM/W3SVC/2" ServerComment="shop-old-"></IIsWebServer>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/2/ROOT" Path="C:\two"></IIsWebVirtualDir>`,
		`<IIsWebServer Location="/LM/W3SVC/Filters"></IIsWebServer>`,
	)
	mb, err := metabase.Read("mb.xml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, warnings, err := Adapt(mb, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(mustBytes(t)(res.Config()))
	for _, want := range []string{
		`<site name="Shop-Old-" id="1" serverAutoStart="false">`,
		`<binding protocol="http" bindingInformation="*:80:" />`,
		`<binding protocol="http" bindingInformation="10.1.2.3:8080:shop.example" />`,
		`<binding protocol="https" bindingInformation="*:443:" />`,
		`<site name="shop-old--2" id="2">`,
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("configuration lacks %s:\n%s", want, cfg)
		}
	}
	if n := strings.Count(cfg, `bindingInformation="*:80:"`); n != 1 {
		t.Errorf("the repeated binding is written %d times", n)
	}
	for _, want := range []string{`ServerBindings "no-port" is not IP:Port:Hostname`, `"/LM/W3SVC/Filters": a site's key is its number`} {
		if !slices.ContainsFunc(warnings, func(w Warning) bool { return strings.Contains(w.Msg, want) }) {
			t.Errorf("no warning with %q: %v", want, warnings)
		}
	}
	var renames []string
	for _, e := range res.Report.Renamed {
		renames = append(renames, e.Site+": "+e.Reason)
	}
	want := []string{"Shop-Old-: '/' and '?' are not allowed in IIS 7+ site names", "shop-old--2: another site has this name (IIS 7+ site names are unique)"}
	if diff := cmp.Diff(want, renames); diff != "" {
		t.Errorf("site renames (-want +got):\n%s", diff)
	}
}

// TestLeftovers checks that nothing of a metabase is left out without a line in the
// report: a virtual directory's AppPoolId without AppRoot (not an application on IIS 6,
// SDK "AppRoot": a key is an application when it has one), the properties of keys the
// conversion reads in part, keys it does not read, and the keys of a site it leaves out.
func TestLeftovers(t *testing.T) {
	src := metabaseXML(
		`<IIsWebService Location="/LM/W3SVC" AppPoolId="Main" ConnectionTimeout="120"></IIsWebService>`,
		`<IIsApplicationPools Location="/LM/W3SVC/AppPools" IdleTimeout="10"></IIsApplicationPools>`,
		poolKey("Main", `IdleTimeout="5"`), poolKey("Images", `IdleTimeout="5"`), poolKey("Api", ""),
		`<IIsWebServer Location="/LM/W3SVC/1" ServerComment="One" AppPoolId="Unused" AuthFlags="4"></IIsWebServer>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" AppPoolId="Main" Path="C:\one" AnonymousUserPass="hunter2"></IIsWebVirtualDir>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/images"
		AppPoolId="Images"
		Path="D:\images"></IIsWebVirtualDir>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/api" AppPoolId="Api" Path="D:\api"></IIsWebVirtualDir>`,
		`<IIsWebDirectory Location="/LM/W3SVC/1/ROOT/api/v1" AppRoot="/LM/W3SVC/1/ROOT/api/v1"></IIsWebDirectory>`,
		`<IIsFilters Location="/LM/W3SVC/Filters" FilterLoadOrder="a,b"></IIsFilters>`,
		`<IIsFtpService Location="/LM/MSFTPSVC"></IIsFtpService>`,
		`<IIsWebServer Location="/LM/W3SVC/2" ServerComment="Two"></IIsWebServer>`,
		`<IIsWebVirtualDir Location="/LM/W3SVC/2/Extra" Path="D:\extra"></IIsWebVirtualDir>`,
	)
	res := adapt(t, src, Options{})
	var got []string
	for _, e := range res.Report.Dropped {
		got = append(got, fmt.Sprintf("%d %s %s %s %s %s", e.Pos.Line, e.Location, e.Path, e.Key, e.Property, e.Value))
	}
	want := []string{
		"4 /LM/W3SVC   AppPoolId Main", // every application sets its own
		"4 /LM/W3SVC   ConnectionTimeout 120",
		"12 /LM/W3SVC/1   AppPoolId Unused",
		"12 /LM/W3SVC/1   AuthFlags 4",
		"13 /LM/W3SVC/1/ROOT /  AnonymousUserPass (secret, not shown)",
		"15 /LM/W3SVC/1/ROOT/images /images  AppPoolId Images",
		"19 /LM/W3SVC/Filters  IIsFilters  FilterLoadOrder",
		"20 /LM/MSFTPSVC  IIsFtpService  ",
		"22 /LM/W3SVC/2/Extra  IIsWebVirtualDir  Path", // part of site "Two", which has no ROOT
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dropped (-want +got):\n%s\ngot %q", diff, got)
	}
	var text, js bytes.Buffer
	if err := res.Report.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := res.Report.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	line := `dropped    mb.xml:15:3  site "One" /images: AppPoolId Images: not an application in IIS 6 (the key has no AppRoot), so its AppPoolId does nothing`
	if !strings.Contains(text.String(), line) {
		t.Errorf("text report lacks %q:\n%s", line, text.String())
	}
	for _, s := range []string{`"path": "/images"`, `"property": "AppPoolId"`, `"line": 15`} {
		if !strings.Contains(js.String(), s) {
			t.Errorf("JSON report lacks %s", s)
		}
	}
	if strings.Contains(text.String()+js.String(), "hunter2") {
		t.Errorf("a report holds a password")
	}
	// The AppPoolId of /api, not an application either, is inherited by /api/v1: used.
	for _, a := range res.Report.Applications {
		if a.Path == "/api/v1" && (a.Pool != "Api" || !a.Converted) {
			t.Errorf("/api/v1: %+v, want pool Api from /api", a)
		}
	}
}

// TestLeftoversNotInherited checks the reason given for a pool property that reaches no
// pool because its <Custom> Attributes say NO_ATTRIBUTES (SDK "Property Inheritance in
// ABO"): on /LM/W3SVC/AppPools and on /LM/W3SVC.
func TestLeftoversNotInherited(t *testing.T) {
	custom := `<Custom Name="CPULimit" ID="9023" Value="80000" Type="DWORD" Attributes="NO_ATTRIBUTES" />`
	res := adapt(t, metabaseXML(
		`<IIsWebService Location="/LM/W3SVC">`+custom+`</IIsWebService>`,
		`<IIsApplicationPools Location="/LM/W3SVC/AppPools">`+custom+`</IIsApplicationPools>`,
		poolKey("Shop", "")), Options{})
	var got []string
	for _, e := range res.Report.Dropped {
		got = append(got, e.Location+" "+e.Property+": "+e.Reason)
	}
	want := []string{
		"/LM/W3SVC/AppPools CPULimit: not inherited (NO_ATTRIBUTES): it applies to /LM/W3SVC/AppPools itself, not to the pools below it",
		"/LM/W3SVC CPULimit: not inherited: it applies to /LM/W3SVC itself, not to the pools below it",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
}

// mustBytes returns a function that returns the bytes of a Config or Fragment call,
// failing the test on its error.
func mustBytes(t *testing.T) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}
