package validate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// checkAdvice reports operations and security advice (PC3xx but PC310) from the
// effective values of every pool. A value that does not parse is skipped: the schema
// check reports it.
func checkAdvice(p *pass) {
	p.dest = p.dest.Resolve(p.dest == secret.Auto && HoldsPoolctlValue(p.cfg))
	f := newPoolFindings(p)
	schedule := scheduleValueAttr(p.target)
	for _, pool := range distinctPools(p.cfg) {
		advisePlaintextPassword(f, pool)
		advisePoolctlEnvelope(f, pool)
		adviseLocalSystem(f, pool)
		adviseRapidFail(f, pool)
		advisePinging(f, pool)
		adviseOrphan(f, pool)
		adviseRecycleTwice(f, pool, schedule)
		adviseGarden(f, pool)
		adviseAlwaysRunningIdle(f, pool)
		adviseCPULimit(f, pool)
	}
	f.flush()
}

// advisePlaintextPassword reports PC301: a password written in the file that is not an
// encrypted envelope. The advice depends on where the file goes: for IIS, set the
// password on the server; for poolctl run, poolctl encrypt. Neither the message nor
// the fix quotes the password.
func advisePlaintextPassword(f *poolFindings, pool *parse.Pool) {
	pw, ok := pool.Setting(secret.PasswordAttr)
	if !ok || pw.Origin == parse.FromSchema || pw.Text == "" || secret.IsEncrypted(pw.Text) {
		return
	}
	if _, err := pw.Value(); err != nil {
		return
	}
	if f.p.dest == secret.ForRun {
		f.add(RulePlaintextPassword, pool, blameSetting(pool, pw),
			"encrypt it with poolctl's key: poolctl encrypt (poolctl key generate makes a key)",
			"processModel.password is stored in clear text")
		return
	}
	f.add(RulePlaintextPassword, pool, blameSetting(pool, pw), setOnServer(pool, pw),
		"processModel.password is stored in clear text (advice for a file that goes to IIS; --for run if it is for poolctl run)")
}

// setOnServer is the advice for a password in a file that goes to IIS: set it on the
// server with appcmd or IIS Manager, which encrypt it with IIS's provider, and leave
// it empty in the file.
func setOnServer(pool *parse.Pool, pw parse.Setting) string {
	if pw.Origin == parse.FromPoolDefaults {
		return `on the IIS server, set it with appcmd set config -section:system.applicationHost/applicationPools /applicationPoolDefaults.processModel.password:... or IIS Manager, which encrypt it with IIS's provider; ` +
			"in this file leave it empty (poolctl set --defaults processModel.password=)"
	}
	return fmt.Sprintf(`on the IIS server, set it with appcmd set apppool %q /processModel.password:... or IIS Manager, which encrypt it with IIS's provider; `+
		"in this file leave it empty (poolctl set %s processModel.password=)", pool.Name, shellWord(pool.Name))
}

// shellWord quotes a pool name for a shell command line when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// advisePoolctlEnvelope reports PC313: a password that poolctl's own provider
// encrypted, which IIS cannot decrypt, in a file that goes to IIS. For poolctl run it
// is what is wanted, and not reported.
func advisePoolctlEnvelope(f *poolFindings, pool *parse.Pool) {
	pw, ok := pool.Setting(secret.PasswordAttr)
	if !ok || pw.Origin == parse.FromSchema || !secret.IsPoolctlValue(pw.Text) || f.p.dest == secret.ForRun {
		return
	}
	f.add(RulePoolctlEncrypted, pool, blameSetting(pool, pw), setOnServer(pool, pw)+"; a file for poolctl run: --for run",
		"processModel.password is encrypted with poolctl's key ("+secret.Provider+"), which IIS cannot decrypt: on IIS the pool fails to start")
}

// Explain returns the explanation of rule r for a file that goes to dest: PC301's and
// PC313's depend on it; with secret.Auto, they cover both destinations.
func Explain(r Rule, dest secret.Destination) string {
	switch {
	case r.ID == RulePlaintextPassword && dest == secret.ForIIS:
		return plaintextCommon + " For a file that goes to IIS, set the password on the server with appcmd (appcmd set apppool \"NAME\" /processModel.password:...) or IIS Manager, which encrypt it with IIS's provider, and leave it empty in the file (poolctl set NAME processModel.password=). Do not use poolctl encrypt: IIS cannot decrypt poolctl's provider (PC313)."
	case r.ID == RulePlaintextPassword && dest == secret.ForRun:
		return plaintextCommon + " For a file that poolctl run reads, encrypt it with poolctl's key: poolctl encrypt (poolctl key generate makes the key)."
	case r.ID == RulePoolctlEncrypted && dest == secret.ForRun:
		return "Not reported for a file that poolctl run reads (--for run, or a file that holds poolctl's values): poolctl run decrypts [enc:" + secret.Provider + ":...:enc] with poolctl's key. " + r.Explanation
	}
	return r.Explanation
}

// plaintextCommon is the part of PC301's explanation that holds for every destination.
const plaintextCommon = "processModel.password is declared encrypted: appcmd and IIS Manager write it as [enc:PROVIDER:...:enc]. A clear-text password in the file is readable by anyone who can read the file or its history in version control."

// adviseLocalSystem reports PC302: identityType LocalSystem.
func adviseLocalSystem(f *poolFindings, pool *parse.Pool) {
	id, v, ok := poolValue(pool, "processModel.identityType")
	if !ok || !isEnum(v, "LocalSystem") {
		return
	}
	f.add(RuleLocalSystem, pool, blameSetting(pool, id),
		`use identityType="ApplicationPoolIdentity" or a dedicated low-privilege account`,
		"identityType is LocalSystem, so code in the pool can do anything the operating system can")
}

// adviseRapidFail reports PC303: failure.rapidFailProtection false.
func adviseRapidFail(f *poolFindings, pool *parse.Pool) {
	s, v, ok := poolValue(pool, "failure.rapidFailProtection")
	if !ok || v.Bool {
		return
	}
	f.add(RuleRapidFailOff, pool, blameSetting(pool, s),
		`set rapidFailProtection="true" and tune rapidFailProtectionMaxCrashes and rapidFailProtectionInterval`,
		"failure.rapidFailProtection is false, so a worker that crashes on start is restarted forever")
}

// advisePinging reports PC304, processModel.pingingEnabled false, and, while pinging
// is on, PC306: a pingResponseTime shorter than the pingInterval.
func advisePinging(f *poolFindings, pool *parse.Pool) {
	on, onv, ok := poolValue(pool, "processModel.pingingEnabled")
	if !ok {
		return
	}
	if !onv.Bool {
		f.add(RulePingingOff, pool, blameSetting(pool, on),
			`set pingingEnabled="true" (turn it off only while a debugger is attached)`,
			"processModel.pingingEnabled is false, so WAS does not notice a hung worker")
		return
	}
	resp, respv, ok1 := poolValue(pool, "processModel.pingResponseTime")
	ival, ivalv, ok2 := poolValue(pool, "processModel.pingInterval")
	if !ok1 || !ok2 || respv.Span.Compare(ivalv.Span) >= 0 {
		return
	}
	f.add(RulePingResponseShort, pool, strongest(blameSetting(pool, resp), blameSetting(pool, ival)),
		fmt.Sprintf("set pingResponseTime to at least pingInterval (%s)", ivalv.Span),
		fmt.Sprintf("processModel.pingResponseTime %s is shorter than pingInterval %s, so a busy but healthy worker is declared unhealthy and recycled",
			respv.Span, ivalv.Span))
}

// adviseOrphan reports PC305: failure.orphanWorkerProcess true without an
// orphanActionExe.
func adviseOrphan(f *poolFindings, pool *parse.Pool) {
	orphan, v, ok := poolValue(pool, "failure.orphanWorkerProcess")
	if !ok || !v.Bool {
		return
	}
	exe, ok := pool.Setting("failure.orphanActionExe")
	if !ok || strings.TrimSpace(exe.Text) != "" {
		return
	}
	f.add(RuleOrphanNoAction, pool, strongest(blameSetting(pool, orphan), blameSetting(pool, exe)),
		"set failure.orphanActionExe (and orphanActionParams) to a program that alerts someone, or orphanWorkerProcess=\"false\"",
		"failure.orphanWorkerProcess is true but no orphanActionExe is set, so orphaned workers accumulate unnoticed")
}

// recycleClashWindow is how close a time-based recycle may come before a scheduled one
// for PC307 to call them one double recycle.
const recycleClashWindow = 15 * time.Minute

// recycleDay is the length of the recycling schedule's cycle.
const recycleDay = 24 * time.Hour

// scheduleValueAttr returns the schema attribute of a recycling schedule entry's value,
// or nil when the target does not know the schedule.
func scheduleValueAttr(s *schema.Schema) *schema.Attribute {
	e := s.Pool()
	for _, name := range []string{"recycling", "periodicRestart", "schedule"} {
		if e = e.Element(name); e == nil {
			return nil
		}
	}
	if e.Collection == nil {
		return nil
	}
	return e.Collection.Item.Attribute("value")
}

// scheduleEntry is one valid time of day of a pool's recycling schedule.
type scheduleEntry struct {
	at   time.Duration // since midnight
	item parse.Item
}

// adviseRecycleTwice reports PC307: a time-based recycle that falls at most
// recycleClashWindow before a scheduled one, so that the pool recycles twice.
//
// The check is a heuristic that models a busy pool in its steady state: every recycle
// starts a new worker, and periodicRestart.time counts from the worker's start. So after
// a scheduled recycle at S, time-based recycles follow at S+T, S+2T, ... until the next
// schedule entry S' starts a new worker and a new count. The pool recycles twice for
// nothing when the last of them falls within recycleClashWindow before S' (or on it).
// A time at least as long as the gap between two entries never fires between them:
// the 29-hour default never does with any daily schedule. The first day after the pool
// starts, at a moment the model cannot know, is not considered; neither are idle
// shutdowns, which restart the count too.
func adviseRecycleTwice(f *poolFindings, pool *parse.Pool, valueAttr *schema.Attribute) {
	if valueAttr == nil {
		return
	}
	ts, tv, ok := poolValue(pool, "recycling.periodicRestart.time")
	if !ok || tv.Span.Ticks() <= 0 {
		return
	}
	items, ok := pool.Collection("recycling.periodicRestart.schedule")
	if !ok || len(items) == 0 {
		return
	}
	entries := scheduleEntries(items, valueAttr)
	times := make([]time.Duration, len(entries))
	for i, e := range entries {
		times[i] = e.at
	}
	from, to, at, ok := recycleClash(tv.Span.Duration(), times)
	if !ok {
		return
	}
	gap := entries[to].at - at
	if gap < 0 {
		gap += recycleDay
	}
	when := "just when"
	if gap > 0 {
		when = minutesText(gap) + " before"
	}
	f.add(RuleRecycleTwice, pool,
		strongest(blameSetting(pool, ts), blameItem(entries[to].item), blameItem(entries[from].item)),
		"set recycling.periodicRestart.time to 00:00:00 and rely on the schedule, or move the schedule entry",
		fmt.Sprintf("recycling.periodicRestart.time %s recycles at %s the worker that the %s schedule entry started, %s the %s schedule entry recycles again, so the pool recycles twice",
			tv.Span, clockText(at), clockText(entries[from].at), when, clockText(entries[to].at)))
}

// scheduleEntries returns the valid entries of a schedule, sorted by time of day, one
// per time (a duplicate is the schema check's business).
func scheduleEntries(items []parse.Item, valueAttr *schema.Attribute) []scheduleEntry {
	var out []scheduleEntry
	for _, it := range items {
		text, ok := it.Attr("value")
		if !ok {
			continue
		}
		v, err := valueAttr.ParseAndValidate(text)
		if err != nil {
			continue
		}
		at := v.Span.Duration() % recycleDay
		if slices.ContainsFunc(out, func(e scheduleEntry) bool { return e.at == at }) {
			continue
		}
		out = append(out, scheduleEntry{at: at, item: it})
	}
	slices.SortFunc(out, func(a, b scheduleEntry) int { return cmp.Compare(a.at, b.at) })
	return out
}

// recycleClash applies PC307's model to a period and the sorted, distinct times of day
// of a schedule: from and to index the scheduled recycles between which the last
// time-based recycle, at the time of day at, falls within recycleClashWindow before to.
func recycleClash(period time.Duration, times []time.Duration) (from, to int, at time.Duration, ok bool) {
	if period <= 0 {
		return 0, 0, 0, false
	}
	for i, start := range times {
		next := (i + 1) % len(times)
		gap := times[next] - start
		if next <= i {
			gap += recycleDay
		}
		if gap < period || gap%period > recycleClashWindow {
			continue
		}
		return i, next, (start + gap/period*period) % recycleDay, true
	}
	return 0, 0, 0, false
}

// clockText writes a time of day as hh:mm:ss.
func clockText(d time.Duration) string { return schema.TimeSpanOf(d).Canonical() }

// minutesText writes a whole number of minutes: "1 minute", "15 minutes".
func minutesText(d time.Duration) string {
	if n := int(d / time.Minute); n != 1 {
		return fmt.Sprintf("%d minutes", n)
	}
	return "1 minute"
}

// adviseGarden reports PC308, maxProcesses above 1, and PC309, maxProcesses 0 (one
// worker per NUMA node). A target that does not accept 0 fails the value's validator,
// so PC309 is left to the schema check there.
func adviseGarden(f *poolFindings, pool *parse.Pool) {
	s, v, ok := poolValue(pool, "processModel.maxProcesses")
	if !ok {
		return
	}
	switch {
	case v.Int > 1:
		f.add(RuleWebGarden, pool, blameSetting(pool, s),
			`set maxProcesses="1" unless the application keeps its state out of process`,
			fmt.Sprintf("processModel.maxProcesses is %d, a web garden, so in-process session state and caches are per worker and a user's next request may find none of them", v.Int))
	case v.Int == 0:
		f.add(RuleNUMAGarden, pool, blameSetting(pool, s),
			"keep maxProcesses=\"0\" only for applications that keep their state out of process; tune cpu.numaNodeAssignment and numaNodeAffinityMode",
			"processModel.maxProcesses is 0, which starts one worker per NUMA node: a web garden, in which in-process session state is per worker")
	}
}

// adviseAlwaysRunningIdle reports PC311: startMode AlwaysRunning with a non-zero
// idleTimeout whose action terminates the worker (the only action before IIS 8.5).
func adviseAlwaysRunningIdle(f *poolFindings, pool *parse.Pool) {
	mode, mv, ok := poolValue(pool, "startMode")
	if !ok || !isEnum(mv, "AlwaysRunning") {
		return
	}
	idle, iv, ok := poolValue(pool, "processModel.idleTimeout")
	if !ok || iv.Span.Ticks() == 0 {
		return
	}
	blames := []blame{blameSetting(pool, mode), blameSetting(pool, idle)}
	if action, known := pool.Setting("processModel.idleTimeoutAction"); known {
		av, err := action.Value()
		if err != nil || !isEnum(av, "Terminate") {
			return
		}
		blames = append(blames, blameSetting(pool, action))
	}
	f.add(RuleAlwaysRunningIdle, pool, strongest(blames...),
		`set processModel idleTimeout="00:00:00", or idleTimeoutAction="Suspend" (IIS 8.5 and later)`,
		fmt.Sprintf("startMode is AlwaysRunning but processModel.idleTimeout %s terminates the warm worker after a quiet spell", iv.Span))
}

// adviseCPULimit reports PC312: a cpu.limit above 0 whose action is NoAction.
func adviseCPULimit(f *poolFindings, pool *parse.Pool) {
	limit, lv, ok := poolValue(pool, "cpu.limit")
	if !ok || lv.Int <= 0 {
		return
	}
	action, av, ok := poolValue(pool, "cpu.action")
	if !ok || !isEnum(av, "NoAction") {
		return
	}
	f.add(RuleCPULimitNoAction, pool, strongest(blameSetting(pool, limit), blameSetting(pool, action)),
		"set cpu.action to KillW3wp, or Throttle or ThrottleUnderLoad (IIS 8.0 and later), to enforce the limit",
		fmt.Sprintf("cpu.limit is %d (%s%% of the CPUs) but cpu.action is NoAction, so going over it only writes an event", lv.Int, cpuPercent(lv.Int)))
}

// cpuPercent writes a cpu.limit, in 1/1000 of a percent, as a percentage.
func cpuPercent(limit int64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%d.%03d", limit/1000, limit%1000), "0"), ".")
}

// poolValue returns the pool's effective setting at path and its parsed, validated
// value; ok is false when the target does not know the attribute or the value is
// invalid (the schema check reports that).
func poolValue(pool *parse.Pool, path string) (parse.Setting, schema.Value, bool) {
	s, ok := pool.Setting(path)
	if !ok {
		return s, schema.Value{}, false
	}
	v, err := s.Value()
	return s, v, err == nil
}

// isEnum reports whether v is the enum value name.
func isEnum(v schema.Value, name string) bool {
	return v.Type == schema.Enum && len(v.Names) == 1 && v.Names[0] == name
}

// blame is the value a finding about a pool is reported at: where it is written and at
// which level of inheritance.
type blame struct {
	origin parse.Origin
	doc    *parse.Document
	pos    parse.Pos
}

// blameSetting blames setting s of pool. A schema default is written nowhere: it is
// blamed on the pool's <add> element.
func blameSetting(pool *parse.Pool, s parse.Setting) blame {
	if s.Origin == parse.FromSchema || s.Doc == nil {
		return blame{origin: parse.FromSchema, doc: pool.Doc, pos: pool.Pos()}
	}
	return blame{origin: s.Origin, doc: s.Doc, pos: s.Pos()}
}

// blameItem blames a collection item, at its <add> element.
func blameItem(it parse.Item) blame {
	return blame{origin: it.Origin, doc: it.Doc, pos: it.Pos()}
}

// strongest returns the blame written at the strongest level of inheritance, the first
// of them on a tie: the value to change, for this pool, to make the finding go away.
func strongest(bs ...blame) blame {
	best := bs[0]
	for _, b := range bs[1:] {
		if b.origin > best.origin {
			best = b
		}
	}
	return best
}

// maxNamedPools is how many affected pools a finding in <applicationPoolDefaults>
// names before it counts the rest.
const maxNamedPools = 3

// poolFindings collects findings about pools before they are reported. A finding
// blamed on a value in <applicationPoolDefaults> is the same for every pool that
// inherits the value: it is reported once, at the value, naming the pools it affects,
// so that one line is fixed, and silenced, once.
type poolFindings struct {
	p     *pass
	index map[findingKey]*poolFinding
	list  []*poolFinding
}

// findingKey identifies a finding: its rule and position.
type findingKey struct {
	rule      string
	file      string
	line, col int
}

// poolFinding is one finding about one or more pools.
type poolFinding struct {
	rule     string
	at       blame
	fix      string
	what     string   // the message but for the pools it is about
	pools    []string // the first maxNamedPools pools affected
	count    int      // how many pools are affected
	canceled bool     // a pool showed the finding does not hold (see veto)
}

// newPoolFindings returns an empty collector for p.
func newPoolFindings(p *pass) *poolFindings {
	return &poolFindings{p: p, index: map[findingKey]*poolFinding{}}
}

// get returns the finding of rule at b, creating it.
func (f *poolFindings) get(rule string, b blame) *poolFinding {
	k := findingKey{rule, b.pos.File, b.pos.Line, b.pos.Col}
	pf := f.index[k]
	if pf == nil {
		pf = &poolFinding{rule: rule, at: b}
		f.index[k] = pf
		f.list = append(f.list, pf)
	}
	return pf
}

// add records that rule holds for pool because of the value at b. what is the message
// without the pool; for a value inherited from <applicationPoolDefaults> it must be the
// same for every pool, since only the first is kept.
func (f *poolFindings) add(rule string, pool *parse.Pool, b blame, fix, what string) {
	pf := f.get(rule, b)
	if pf.count == 0 {
		pf.fix, pf.what = fix, what
	}
	if len(pf.pools) < maxNamedPools {
		pf.pools = append(pf.pools, pool.Name)
	}
	pf.count++
}

// veto records that the finding of rule at b does not hold, whatever other pools say.
func (f *poolFindings) veto(rule string, b blame) {
	f.get(rule, b).canceled = true
}

// flush reports the findings.
func (f *poolFindings) flush() {
	for _, pf := range f.list {
		if pf.canceled || pf.count == 0 {
			continue
		}
		f.p.report(pf.rule, pf.at.doc, pf.at.pos, pf.fix, "%s: %s", pf.subject(), pf.what)
	}
}

// subject names what a finding is about: `pool "Shop"`, or for a value in
// <applicationPoolDefaults> `applicationPoolDefaults (inherited by pools "A", "B", "C"
// and 2 more)`.
func (pf *poolFinding) subject() string {
	if pf.at.origin != parse.FromPoolDefaults {
		return fmt.Sprintf("pool %q", pf.pools[0])
	}
	quoted := make([]string, len(pf.pools))
	for i, name := range pf.pools {
		quoted[i] = fmt.Sprintf("%q", name)
	}
	var names string
	switch rest := pf.count - len(pf.pools); {
	case pf.count == 1:
		return fmt.Sprintf("applicationPoolDefaults (inherited by pool %s)", quoted[0])
	case rest > 0:
		names = fmt.Sprintf("%s and %d more", strings.Join(quoted, ", "), rest)
	default:
		names = strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
	}
	return fmt.Sprintf("applicationPoolDefaults (inherited by pools %s)", names)
}

// hiddenSecret replaces the value of an encrypted attribute in a diagnostic's source
// line.
const hiddenSecret = "********"

// lineKey names one line of one file.
type lineKey struct {
	file string
	line int
}

// hideSecrets replaces the values of encrypted attributes (processModel.password),
// clear text or encrypted, where values (secretValues) says they are, in the source
// line of every diagnostic reported so far: a printer that shows the line must not
// show a password, whichever rule the line is shown for.
func hideSecrets(p *pass, values []secretValue) {
	if len(values) == 0 {
		return // most files: no line to look for among tens of thousands of findings
	}
	shown := map[lineKey]bool{}
	for _, d := range p.diags {
		if d.SourceLine != "" {
			shown[lineKey{d.File, d.Line}] = true
		}
	}
	if len(shown) == 0 {
		return
	}
	masked := map[lineKey]string{}
	for k, spans := range secretSpans(values, shown) {
		masked[k] = maskSpans(spans.text, spans.spans)
	}
	for i, d := range p.diags {
		if text, ok := masked[lineKey{d.File, d.Line}]; ok && d.SourceLine != "" {
			p.diags[i].SourceLine = text
		}
	}
}

// lineSpans are the byte ranges of secret values in the text of one line.
type lineSpans struct {
	text  string
	spans [][2]int
}

// secretSpans returns, for the lines in shown, the ranges the secret values cover. A
// value may go on over several lines, up to its closing quote.
func secretSpans(values []secretValue, shown map[lineKey]bool) map[lineKey]*lineSpans {
	out := map[lineKey]*lineSpans{}
	for _, sv := range values {
		start := byteIndex(sv.doc.Line(sv.pos.Line), sv.pos.Col)
		for n, last := sv.pos.Line, sv.doc.EndPos(sv.elem).Line; n <= last; n, start = n+1, 0 {
			text := sv.doc.Line(n)
			end := len(text)
			if j := strings.IndexByte(text[start:], sv.quote); j >= 0 {
				end = start + j
			}
			if k := (lineKey{sv.pos.File, n}); shown[k] {
				if out[k] == nil {
					out[k] = &lineSpans{text: text}
				}
				out[k].spans = append(out[k].spans, [2]int{start, end})
			}
			if end < len(text) {
				break
			}
		}
	}
	return out
}

// maskSpans replaces each byte range of text with hiddenSecret.
func maskSpans(text string, spans [][2]int) string {
	slices.SortFunc(spans, func(a, b [2]int) int { return b[0] - a[0] })
	for _, s := range spans {
		text = text[:s[0]] + hiddenSecret + text[s[1]:]
	}
	return text
}

// secretValue is where the value of an encrypted attribute is written.
type secretValue struct {
	doc   *parse.Document
	elem  *etree.Element // the element that carries the attribute
	pos   parse.Pos      // the value's first character
	quote byte           // the quote that encloses it
}

// secretValues returns every value of an encrypted pool attribute written in a pool or
// in <applicationPoolDefaults>, duplicates and repeated elements included.
func secretValues(cfg *parse.Config, target *schema.Schema) []secretValue {
	roots := make([]parse.Located, 0, len(cfg.Pools())+len(cfg.PoolDefaults()))
	for _, pool := range cfg.Pools() {
		roots = append(roots, parse.Located{Element: pool.Element, Doc: pool.Doc})
	}
	roots = append(roots, cfg.PoolDefaults()...)
	var out []secretValue
	for _, path := range encryptedPaths(target.Pool(), nil) {
		elems, name := path[:len(path)-1], path[len(path)-1]
		for _, root := range roots {
			descendAll(root.Element, elems, func(e *etree.Element) {
				if _, ok := parse.Attr(e, name); !ok {
					return
				}
				pos, ok := root.Doc.AttrValuePos(e, name)
				if !ok {
					return
				}
				if q, ok := quoteBefore(root.Doc.Line(pos.Line), pos.Col); ok {
					out = append(out, secretValue{doc: root.Doc, elem: e, pos: pos, quote: q})
				}
			})
		}
	}
	return out
}

// encryptedPaths returns the paths (element names, then the attribute's) of the
// encrypted attributes of e and its descendants.
func encryptedPaths(e *schema.Element, prefix []string) [][]string {
	var out [][]string
	for _, a := range e.Attributes {
		if a.Encrypted {
			out = append(out, append(slices.Clip(prefix), a.Name))
		}
	}
	for _, c := range e.Elements {
		out = append(out, encryptedPaths(c, append(slices.Clip(prefix), c.Name))...)
	}
	return out
}

// descendAll calls yield with every element reached from e through child elements
// named path, exactly (IIS does not read x:processModel as processModel), in document
// order. It allocates nothing: lint calls it for every pool.
func descendAll(e *etree.Element, path []string, yield func(*etree.Element)) {
	if len(path) == 0 {
		yield(e)
		return
	}
	for c := range parse.Children(e, path[0]) {
		descendAll(c, path[1:], yield)
	}
}

// quoteBefore returns the quote character just before column col (1-based, in
// characters) of line.
func quoteBefore(line string, col int) (byte, bool) {
	i := byteIndex(line, col)
	if i < 1 || (line[i-1] != '"' && line[i-1] != '\'') {
		return 0, false
	}
	return line[i-1], true
}

// byteIndex returns the byte offset of column col (1-based, in characters) of line;
// the column just past the end gives len(line), and a column out of range -1.
func byteIndex(line string, col int) int {
	n := 1
	for i := range line {
		if n == col {
			return i
		}
		n++
	}
	if n == col {
		return len(line)
	}
	return -1
}
