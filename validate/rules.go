package validate

import "strings"

// Rule describes one check: its stable ID, a short kebab-case name, its default
// severity, a one-line summary and a paragraph that explains it (`poolctl lint
// --explain ID`). IDs never change meaning; a retired rule's ID is not reused.
type Rule struct {
	ID          string
	Name        string
	Severity    Severity
	Summary     string
	Explanation string
}

// The rule IDs. PC0xx concern the file as a whole, PC1xx what IIS rejects when it loads
// the configuration, PC2xx what IIS only finds when a pool or site runs, PC3xx advice.
const (
	RuleMalformedXML       = "PC001"
	RuleConfigSource       = "PC002"
	RuleMisplacedSection   = "PC003"
	RuleUnknownElement     = "PC101"
	RuleUnknownAttribute   = "PC102"
	RuleInvalidValue       = "PC103"
	RuleOutOfRange         = "PC104"
	RuleInvalidString      = "PC105"
	RuleMissingRequired    = "PC106"
	RuleDuplicateKey       = "PC107"
	RuleNotInTarget        = "PC108"
	RuleDuplicateElement   = "PC109"
	RuleUnknownPool        = "PC201"
	RuleSpecificUserNoName = "PC202"
	RuleUnusedPassword     = "PC203"
	RuleUnusedPool         = "PC204"
	RulePlaintextPassword  = "PC301"
	RuleLocalSystem        = "PC302"
	RuleRapidFailOff       = "PC303"
	RulePingingOff         = "PC304"
	RuleOrphanNoAction     = "PC305"
	RulePingResponseShort  = "PC306"
	RuleRecycleTwice       = "PC307"
	RuleWebGarden          = "PC308"
	RuleNUMAGarden         = "PC309"
	RuleNonCanonical       = "PC310"
	RuleAlwaysRunningIdle  = "PC311"
	RuleCPULimitNoAction   = "PC312"
	RulePoolctlEncrypted   = "PC313"
	RuleBareTimeSpan       = "PC314"
)

// Rules returns every rule, ordered by ID.
func Rules() []Rule {
	return []Rule{
		{RuleMalformedXML, "malformed-xml", Error, "the file is not well-formed XML",
			"IIS cannot read a configuration file that is not well-formed XML: every site and pool fails with HTTP 500.19 until it is fixed. The position is where the reader stopped; the mistake is there or just before it (an unclosed tag, a stray '&', a quote missing). poolctl also refuses a DOCTYPE and entity declarations, which IIS's configuration system does not use and which can hide entity expansion attacks."},
		{RuleConfigSource, "config-source", Error, "a configSource file is missing or wrong",
			"A section may be moved to another file with configSource=\"file\": the element then carries that attribute alone, the file is named relative to the configuration's directory (and may not leave it), and its root element is the section itself. IIS refuses to load the configuration when the file is missing or does not hold the section."},
		{RuleMisplacedSection, "misplaced-section", Error, "the section appears twice or where IIS does not allow it",
			"system.applicationHost/applicationPools and sites are declared allowDefinition=\"AppHostOnly\": they belong at the server level of applicationHost.config, directly under <system.applicationHost> or in a <location path=\"\"> (or \".\"), once. A second occurrence, or one in a <location> for a site, is a configuration error."},
		{RuleUnknownElement, "unknown-element", Error, "an element the schema does not declare",
			"IIS rejects an element its schema does not declare for the section, and element names are case-sensitive (<ProcessModel> is not <processModel>). Inside a collection only the collection's own directives are allowed: the recycling schedule knows <add> and <clear/> but not <remove>, environmentVariables knows <add> and <remove> but not <clear/>."},
		{RuleUnknownAttribute, "unknown-attribute", Error, "an attribute the schema does not declare",
			"IIS answers an attribute its schema does not declare with \"Unrecognized attribute\" (HTTP 500.19, 0x8007000d) and does not load the configuration. Attribute names are case-sensitive: idletimeout and idleTimout are both unknown. The fix names the closest declared attribute."},
		{RuleInvalidValue, "invalid-value", Error, "a value of the wrong type, or an unknown enum or flag name",
			"Each attribute has a type: bool (true or false), uint (0 to 4294967295), int, int64, enum (one of the schema's names), flags (names separated by commas) or timeSpan ([-][d.]hh:mm:ss[.fffffff]). IIS refuses to load a value it cannot convert."},
		{RuleOutOfRange, "out-of-range", Error, "a number or time span outside the validator's range or granularity",
			"Many attributes carry an integerRange or timeSpanRange validator: queueLength must be 10 to 65535, idleTimeout 0 to 30 days in whole minutes, pingInterval at least a second. IIS refuses to load a value outside the range or not a whole multiple of the granularity (idleTimeout=\"00:30:30\" is not whole minutes)."},
		{RuleInvalidString, "invalid-string", Error, "a string the attribute's validator rejects",
			"Pool names may not contain |<>&\"/[]+=;:,?*@ (the applicationPoolName validator), some strings may not be empty (nonEmptyString) or start or end with white space (requireTrimmedString), and application and virtual directory paths start with '/' and do not end with one. IIS refuses to load such values."},
		{RuleMissingRequired, "missing-required", Error, "a required attribute is missing",
			"Some attributes are required: a pool's name, a schedule entry's value, an environment variable's name and value. IIS refuses to load an element without them."},
		{RuleDuplicateKey, "duplicate-key", Error, "two collection entries with the same key",
			"A collection's key must be unique: pool names (compared case-insensitively, as IIS compares them), schedule times (compared by value: 3:00:00 is 03:00:00), environment variable names. IIS refuses to load a duplicate (\"Cannot add duplicate collection entry\")."},
		{RuleNotInTarget, "not-in-target", Error, "an attribute, element or value the target IIS version does not know yet",
			"IIS versions add attributes and values: startMode and logonType arrived in 7.5, maxProcesses=\"0\" and cpu action Throttle in 8.0, idleTimeoutAction in 8.5, environmentVariables in 10. An older server rejects them as unknown. Lint with --target set to the oldest IIS version the file must load on."},
		{RuleDuplicateElement, "duplicate-element", Error, "an element that may appear once appears twice",
			"Elements that are not collection entries, such as <processModel> or <recycling>, may appear once in their parent. IIS refuses a second one."},
		{RuleUnknownPool, "unknown-pool", Error, "an application runs in a pool that does not exist",
			"An application's pool comes from its applicationPool attribute, else its site's <applicationDefaults>, else <sites><applicationDefaults>. When no pool of that name exists, IIS loads the configuration but every request to the application fails with 503 Service Unavailable."},
		{RuleSpecificUserNoName, "specific-user-without-user-name", Error, "identityType SpecificUser without a userName",
			"A pool with identityType=\"SpecificUser\" runs as the account userName names. Without one, WAS cannot log on the identity and stops the pool when it starts (event 5021/5057); every request then gets 503."},
		{RuleUnusedPassword, "unused-password", Warning, "a password that the identity type does not use",
			"processModel.password is used only with identityType=\"SpecificUser\". Under any other identity it is ignored, but it still sits in the file: remove it, or set the identity the password was meant for."},
		{RuleUnusedPool, "unused-pool", Info, "a pool that no application uses",
			"No application of any site runs in this pool. It costs nothing until it starts a worker (startMode AlwaysRunning does at once), but it may be left over from a removed site."},
		{RulePlaintextPassword, "plaintext-password", Warning, "a password stored in clear text",
			"processModel.password is declared encrypted: appcmd and IIS Manager write it as [enc:PROVIDER:...:enc]. A clear-text password in the file is readable by anyone who can read the file or its history in version control. The fix depends on where the file goes (--for, $POOLCTL_FOR, else taken from the file: poolctl run when it holds a value of poolctl's provider, else IIS). For IIS, set the password on the server with appcmd or IIS Manager, which encrypt it with IIS's provider, and leave it empty in the file: poolctl encrypt would give IIS a value it cannot decrypt (PC313). For poolctl run, poolctl encrypt."},
		{RuleLocalSystem, "local-system-identity", Warning, "a pool that runs as LocalSystem",
			"LocalSystem is the most powerful account on a Windows machine: code in the pool can do anything the operating system can. Use ApplicationPoolIdentity (the default since IIS 7.5) or a dedicated low-privilege account."},
		{RuleRapidFailOff, "rapid-fail-protection-off", Warning, "rapid-fail protection is turned off",
			"With failure.rapidFailProtection=\"false\", a worker that crashes on start is restarted forever, burning CPU and filling the event log, and a load balancer never learns that the pool is down. Keep it on and tune rapidFailProtectionMaxCrashes and rapidFailProtectionInterval instead."},
		{RulePingingOff, "pinging-off", Warning, "worker health pinging is turned off",
			"With processModel.pingingEnabled=\"false\", WAS no longer notices a hung worker: requests queue until users give up. Turn pinging off only while debugging a worker under a debugger."},
		{RuleOrphanNoAction, "orphan-without-action", Warning, "orphanWorkerProcess without an orphanActionExe",
			"failure.orphanWorkerProcess=\"true\" leaves a failed worker running (so that someone can attach a debugger) and starts a new one. Without an orphanActionExe nobody is told, and orphaned workers accumulate and keep their memory."},
		{RulePingResponseShort, "ping-response-too-short", Warning, "pingResponseTime shorter than pingInterval",
			"pingResponseTime is how long a worker may take to answer a ping; pingInterval how often it is asked. A response time shorter than the interval declares a busy but healthy worker unhealthy at the first slow moment, and IIS recycles it: keep pingResponseTime at least as long as pingInterval (the defaults are 90 s and 30 s)."},
		{RuleRecycleTwice, "recycle-time-and-schedule", Warning, "periodic time and a schedule recycle at nearly the same moment",
			"recycling.periodicRestart.time recycles every so often after the worker starts; schedule recycles at fixed times of day. When both are set, the two kinds of recycle can fall within minutes of each other, and the pool recycles twice for nothing. Most pools want one of the two: set time to 00:00:00 when a schedule is used."},
		{RuleWebGarden, "web-garden", Warning, "a web garden: several worker processes for one pool",
			"processModel.maxProcesses above 1 starts several workers for the pool and spreads requests among them. In-process state (session state InProc, caches, static variables) is then per worker: a user's next request may find none of it. Use it only for applications that keep state out of process."},
		{RuleNUMAGarden, "numa-garden", Info, "maxProcesses=\"0\": one worker per NUMA node",
			"processModel.maxProcesses=\"0\" (IIS 8.0 and later) starts one worker per NUMA node, placed by cpu.numaNodeAssignment and numaNodeAffinityMode. It is a web garden: in-process state is per worker."},
		{RuleNonCanonical, "non-canonical-value", Warning, "a value spelled other than the schema spells it",
			"IIS compares enum, flags and bool values without regard to letter case, so networkservice works like NetworkService; whether every version also accepts an enum's number (\"4\" for ApplicationPoolIdentity) is not documented. Tools and people reading the file expect the schema's spelling: write it that way."},
		{RuleAlwaysRunningIdle, "always-running-idle-timeout", Warning, "startMode AlwaysRunning with an idle timeout",
			"startMode=\"AlwaysRunning\" starts a worker as soon as the pool starts, so that the first request finds it warm. A non-zero processModel.idleTimeout (20 minutes by default) with idleTimeoutAction Terminate then stops that worker after a quiet spell, and the next request pays the cold start after all. Set idleTimeout to 00:00:00, or use idleTimeoutAction Suspend."},
		{RuleCPULimitNoAction, "cpu-limit-without-action", Info, "a CPU limit whose action only logs",
			"cpu.limit sets a CPU budget (in 1/1000 of a percent) per resetInterval; with action NoAction, going over it only writes an event. Choose KillW3wp, Throttle or ThrottleUnderLoad (IIS 8.0 and later) when the limit should be enforced."},
		{RulePoolctlEncrypted, "poolctl-encrypted-password", Warning, "a password only poolctl can decrypt",
			"poolctl encrypt, and set, add, apply and convert for a file that goes to poolctl run (--for run), encrypt processModel.password with poolctl's own provider, [enc:PoolctlAesGcmProvider:...:enc]. IIS knows only the providers of <configProtectedData> and cannot decrypt it: on IIS the pool fails to start. For a file meant for IIS, set the password on the server with appcmd or IIS Manager, which encrypt it with IIS's provider, and leave it empty in the file. The rule is reported only for a file that goes to IIS: --for iis, or $POOLCTL_FOR=iis (a file that holds poolctl's values is taken to be for poolctl run)."},
		{RuleBareTimeSpan, "bare-number-timespan", Warning, "a timeSpan written as a bare number, which IIS reads as days",
			"A timeSpan attribute such as processModel.idleTimeout or recycling.periodicRestart.time is .NET TimeSpan text, [-][d.]hh:mm:ss[.fffffff], and IIS reads it as .NET's TimeSpan.Parse does: a bare number is a number of days. idleTimeout=\"20\" is 20 days, not 20 minutes; pingInterval=\"30\" is 30 days, not 30 seconds. Write the value in full (00:20:00 for 20 minutes, 00:00:30 for 30 seconds, 20.00:00:00 when days are meant): poolctl set, add and apply write it so. Zero is not reported: it is the same in every unit."},
	}
}

// Lookup returns the rule with the given ID or name, compared case-insensitively.
func Lookup(id string) (Rule, bool) {
	for _, r := range Rules() {
		if strings.EqualFold(r.ID, id) || strings.EqualFold(r.Name, id) {
			return r, true
		}
	}
	return Rule{}, false
}
