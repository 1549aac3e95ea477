package convert

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/poolctl/poolctl/parse/metabase"
	"github.com/poolctl/poolctl/schema"
)

// kind says how an IIS 6 value becomes an IIS 7+ value.
type kind int

const (
	minutes  kind = iota // a DWORD of minutes: a timeSpan
	seconds              // a DWORD of seconds: a timeSpan
	count                // a DWORD: a uint, unit unchanged (KB, 1/1000 %, requests, ...)
	boolean              // TRUE or FALSE: a bool
	text                 // a string, copied
	enum                 // a DWORD: an enum name, by the row's table
	flags                // a DWORD bitmask: flag names with the same bit values
	schedule             // MULTISZ "hh:mm" lines: the recycling schedule's items
	identity             // AppPoolIdentityType with WAMUserName and WAMUserPass
)

// row maps one IIsApplicationPool property to its IIS 7+ attribute. Each row was
// checked against the IIS 6.0 SDK page "<Name>" (learn.microsoft.com/previous-versions/
// iis/6.0-sdk/...) and the Windows Server 2003 page "<Name> Metabase Property"; the
// test of each row names them. def is IIS 6's default, as the metabase writes it: the
// SDK page's "Internal Default", which the WWW service uses where no key sets the
// property, or its "Schema Default" where the Internal Default is "Not specified".
// lo and hi are the bounds the SDK page gives (hi 0: none), in the IIS 6 unit.
type row struct {
	prop   string
	attr   string
	kind   kind
	def    string
	lo, hi int64
	names  map[int64]string // enum: IIS 6 number → IIS 7+ name
	others map[int64]string // enum: IIS 6 numbers without an IIS 7+ name, and what they meant
}

// rows is the mapping table, in the order of the IIS 7+ schema's elements.
var rows = []row{
	{prop: "AppPoolQueueLength", attr: "queueLength", kind: count, def: "1000", lo: 10, hi: 65535},
	{prop: "AppPoolAutoStart", attr: "autoStart", kind: boolean, def: "TRUE"},
	{prop: "AppPoolIdentityType", attr: "processModel.identityType", kind: identity, def: "2", hi: 3,
		names: map[int64]string{0: "LocalSystem", 1: "LocalService", 2: "NetworkService", 3: "SpecificUser"}},
	{prop: "IdleTimeout", attr: "processModel.idleTimeout", kind: minutes, def: "20"},
	{prop: "MaxProcesses", attr: "processModel.maxProcesses", kind: count, def: "1", lo: 1},
	{prop: "ShutdownTimeLimit", attr: "processModel.shutdownTimeLimit", kind: seconds, def: "90", lo: 1, hi: 4294967},
	{prop: "StartupTimeLimit", attr: "processModel.startupTimeLimit", kind: seconds, def: "90", lo: 1, hi: 4294967},
	{prop: "PingingEnabled", attr: "processModel.pingingEnabled", kind: boolean, def: "TRUE"},
	{prop: "PingInterval", attr: "processModel.pingInterval", kind: seconds, def: "30", lo: 1, hi: 4294967},
	{prop: "PingResponseTime", attr: "processModel.pingResponseTime", kind: seconds, def: "90", lo: 1, hi: 4294967},
	{prop: "DisallowOverlappingRotation", attr: "recycling.disallowOverlappingRotation", kind: boolean, def: "FALSE"},
	{prop: "DisallowRotationOnConfigChange", attr: "recycling.disallowRotationOnConfigChange", kind: boolean, def: "FALSE"},
	{prop: "LogEventOnRecycle", attr: "recycling.logEventOnRecycle", kind: flags, def: "137"},
	{prop: "PeriodicRestartMemory", attr: "recycling.periodicRestart.memory", kind: count, def: "0", hi: 4194303},
	{prop: "PeriodicRestartPrivateMemory", attr: "recycling.periodicRestart.privateMemory", kind: count, def: "0", hi: 3145728},
	{prop: "PeriodicRestartRequests", attr: "recycling.periodicRestart.requests", kind: count, def: "0"},
	{prop: "PeriodicRestartTime", attr: "recycling.periodicRestart.time", kind: minutes, def: "1740", hi: 71582},
	{prop: "PeriodicRestartSchedule", attr: "recycling.periodicRestart.schedule", kind: schedule},
	{prop: "LoadBalancerCapabilities", attr: "failure.loadBalancerCapabilities", kind: enum, def: "2", lo: 1, hi: 2,
		names: map[int64]string{1: "TcpLevel", 2: "HttpLevel"}},
	{prop: "OrphanWorkerProcess", attr: "failure.orphanWorkerProcess", kind: boolean, def: "FALSE"},
	{prop: "OrphanActionExe", attr: "failure.orphanActionExe", kind: text},
	{prop: "OrphanActionParams", attr: "failure.orphanActionParams", kind: text},
	{prop: "RapidFailProtection", attr: "failure.rapidFailProtection", kind: boolean, def: "TRUE"},
	{prop: "RapidFailProtectionInterval", attr: "failure.rapidFailProtectionInterval", kind: minutes, def: "5", lo: 1, hi: 71582},
	{prop: "RapidFailProtectionMaxCrashes", attr: "failure.rapidFailProtectionMaxCrashes", kind: count, def: "5", lo: 1},
	{prop: "AutoShutdownAppPoolExe", attr: "failure.autoShutdownExe", kind: text},
	{prop: "AutoShutdownAppPoolParams", attr: "failure.autoShutdownParams", kind: text},
	{prop: "CPULimit", attr: "cpu.limit", kind: count, def: "0", hi: 100000},
	// CPUAction 2 is MD_CPU_TRACE (capacity tracing at 80% of the limit), which IIS 7+
	// does not have: its action 2 is Throttle, another behaviour. Only 0 and 1 map.
	{prop: "CPUAction", attr: "cpu.action", kind: enum, def: "0", hi: 3,
		names: map[int64]string{0: "NoAction", 1: "KillW3wp"},
		others: map[int64]string{
			2: "MD_CPU_TRACE, capacity tracing from 80% of the limit, which IIS 7+ does not have (its action 2 is Throttle, another behaviour)",
			3: "a value the reference allows but does not describe",
		}},
	{prop: "CPUResetInterval", attr: "cpu.resetInterval", kind: minutes, def: "5", hi: 1440},
	{prop: "SMPAffinitized", attr: "cpu.smpAffinitized", kind: boolean, def: "FALSE"},
	{prop: "SMPProcessorAffinityMask", attr: "cpu.smpProcessorAffinityMask", kind: count, def: "4294967295"},
}

// identityProps are the properties the identity row reads besides its own.
const (
	userNameProp = "WAMUserName"
	passwordProp = "WAMUserPass"
	userNameAttr = "processModel.userName"
	passwordAttr = "processModel.password"
)

// noEquivalent are the IIsApplicationPool properties IIS 7+ has no attribute for, with
// the reason.
var noEquivalent = map[string]string{
	"AdminACL":       "no IIS 7+ equivalent: the key's access control list; IIS 7+ protects applicationHost.config with file permissions",
	"AdminACLBin":    "no IIS 7+ equivalent: a binary access control list used by Exchange",
	"AppPoolCommand": "no IIS 7+ equivalent: a command to start or stop the pool (VOLATILE), not configuration",
	"AppPoolState":   "no IIS 7+ equivalent: the pool's run-time state, not configuration",
	"KeyType":        "no IIS 7+ equivalent: the key's admin object type",
	"Win32Error":     "no IIS 7+ equivalent: the pool's last error, written by IIS at run time",
}

// rowFor returns the row of IIS 6 property prop.
func rowFor(prop string) (row, bool) {
	for _, r := range rows {
		if r.prop == prop {
			return r, true
		}
	}
	return row{}, false
}

// converted is an IIS 6 value turned into IIS 7+ text, with what happened on the way.
type converted struct {
	text string
	note string // "clamped ..." or dropped flag bits, or ""
}

// errInvalid is a value IIS 6 could not have meant: not a number, not a bool, an
// unknown enum number.
var errInvalid = errors.New("invalid value")

// convert turns the IIS 6 value v of row r into the text of attribute a, clamping a
// number to the bounds of IIS 6 and of a's validator.
func (r row) convert(v string, a *schema.Attribute) (converted, error) {
	switch r.kind {
	case boolean:
		return convertBool(v)
	case text:
		return converted{text: v}, nil
	case enum, identity:
		return r.convertEnum(v, a)
	case flags:
		return convertFlags(v, a)
	}
	n, err := dword(v)
	if err != nil {
		return converted{}, err
	}
	return r.convertNumber(n, a)
}

// convertNumber converts a DWORD of minutes, seconds or a count.
func (r row) convertNumber(n int64, a *schema.Attribute) (converted, error) {
	scale := int64(1)
	if r.kind == minutes {
		scale = 60
	}
	lo, hi := r.lo*scale, int64(1<<32-1)*scale
	if r.hi > 0 {
		hi = r.hi * scale
	}
	if v := a.Validation; v != nil && !v.Exclude && (v.Kind == schema.IntegerRange || v.Kind == schema.TimeSpanRange) {
		lo, hi = max(lo, v.Min), min(hi, v.Max)
	}
	val, note := n*scale, ""
	if c := min(max(val, lo), hi); c != val {
		note = fmt.Sprintf("clamped from %d to %d%s: IIS 6 and the target accept %d to %d", n, c/scale, r.unit(), lo/scale, hi/scale)
		val = c
	}
	if r.kind == count {
		return converted{text: strconv.FormatInt(val, 10), note: note}, nil
	}
	return converted{text: schema.TimeSpanOf(time.Duration(val) * time.Second).Canonical(), note: note}, nil
}

// unit names the IIS 6 unit of a number row, after a space.
func (r row) unit() string {
	switch r.kind {
	case minutes:
		return " minutes"
	case seconds:
		return " seconds"
	}
	return ""
}

// convertBool converts TRUE or FALSE, in any case, or 1 or 0.
func convertBool(v string) (converted, error) {
	switch t := strings.TrimSpace(v); {
	case strings.EqualFold(t, "TRUE") || t == "1":
		return converted{text: "true"}, nil
	case strings.EqualFold(t, "FALSE") || t == "0":
		return converted{text: "false"}, nil
	}
	return converted{}, fmt.Errorf("%w: not TRUE or FALSE", errInvalid)
}

// convertEnum converts an IIS 6 number to the row's IIS 7+ name, which the target
// version must know.
func (r row) convertEnum(v string, a *schema.Attribute) (converted, error) {
	n, err := dword(v)
	if err != nil {
		return converted{}, err
	}
	name, ok := r.names[n]
	if !ok {
		if what, ok := r.others[n]; ok {
			return converted{}, fmt.Errorf("%w: %d is %s", errNoEquivalent, n, what)
		}
		return converted{}, fmt.Errorf("%w: %d is not one of IIS 6's values", errInvalid, n)
	}
	if _, ok := a.Value(name); !ok {
		return converted{}, fmt.Errorf("%w: %s is not known to the target version", errNoEquivalent, name)
	}
	return converted{text: name}, nil
}

// errNoEquivalent is an IIS 6 value IIS 7+ cannot express.
var errNoEquivalent = errors.New("no IIS 7+ equivalent")

// convertFlags converts an IIS 6 bitmask to the names of a's flags, whose values are
// IIS 6's bits; bits a does not know are dropped and noted.
func convertFlags(v string, a *schema.Attribute) (converted, error) {
	n, err := dword(v)
	if err != nil {
		return converted{}, err
	}
	var names []string
	known := int64(0)
	for _, f := range a.Flags {
		known |= f.Value
		if n&f.Value != 0 {
			names = append(names, f.Name)
		}
	}
	c := converted{text: strings.Join(names, ", ")}
	if rest := n &^ known; rest != 0 {
		c.note = fmt.Sprintf("bits 0x%X have no IIS 7+ flag: dropped", rest)
	}
	return c, nil
}

// dword parses a DWORD as the metabase writes it: a decimal from 0 to 4294967295, or a
// negative one whose two's complement is meant (-1 for 4294967295, as VBScript
// writes it).
func dword(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%w: not a number", errInvalid)
	case n < -1<<31 || n > 1<<32-1:
		return 0, fmt.Errorf("%w: %d does not fit in a DWORD", errInvalid, n)
	case n < 0:
		n += 1 << 32
	}
	return n, nil
}

// scheduleItems converts PeriodicRestartSchedule lines ("hh:mm", 24-hour local time)
// into schedule values ("hh:mm:00"). Lines that are not a time of day, and repeats,
// are returned as problems.
func scheduleItems(p metabase.Property) (items, problems []string) {
	seen := map[string]bool{}
	for _, line := range p.Lines() {
		h, m, ok := clock(line)
		if !ok {
			problems = append(problems, fmt.Sprintf("%q is not a time of day (hh:mm): dropped", line))
			continue
		}
		v := fmt.Sprintf("%02d:%02d:00", h, m)
		if seen[v] {
			problems = append(problems, fmt.Sprintf("%q repeats %s: dropped", line, v))
			continue
		}
		seen[v] = true
		items = append(items, v)
	}
	return items, problems
}

// clock parses "h:mm" or "hh:mm" with 0 <= h <= 23 and 0 <= mm <= 59.
func clock(s string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(s, ":")
	if !found || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || hs[0] == '+' || hs[0] == '-' || ms[0] == '+' || ms[0] == '-' {
		return 0, 0, false
	}
	return h, m, h >= 0 && h <= 23 && m >= 0 && m <= 59
}
