package spec

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// Build turns cfg into the runtime's Spec, with warnings for what the runtime cannot
// use: bindings other than http, malformed bindings, applications whose pool does not
// exist, web.config files and aspNetCore settings that cannot be used (the
// application then has no program, Program.Found false, and Program.Missing says
// why). An application that no aspNetCore section applies to has nothing to run
// either (Program.Missing says so), without a warning: the runtime reports those.
//
// Pools are cfg's pools in document order (the first of duplicate names), with their
// effective values; a value that lint rejects is an error naming file:line:col, since
// the runtime does not start on a configuration lint rejects. Durations are
// multiplied by opt.TimeScale, except the recycling schedule's times of day, which
// stay clock times. String attributes that the schema marks expanded
// (orphanActionExe, autoShutdownExe and their parameters) have %VARS% expanded.
//
// A binding's port may be 0, meaning any free port: a testing aid. Physical paths
// have %VARS% expanded (see Expand) and backslashes turned into slashes; Windows
// drive paths ("C:/sites") are not mapped, and relative ones stay relative to the
// runtime's working directory. An application's processPath and stdoutLogFile are
// converted the same way, and when relative with a directory part (".\app") are
// taken relative to the physical path, as the ASP.NET Core Module takes them; a bare
// processPath ("dotnet") stays, for a search of $PATH. arguments are expanded, then
// split by SplitWords. Only the application's own web.config is read (opt.ReadFile),
// not those of parent applications.
func Build(cfg *parse.Config, opt Options) (*Spec, []Warning, error) {
	if opt.TimeScale < 0 || math.IsNaN(opt.TimeScale) || math.IsInf(opt.TimeScale, 0) {
		return nil, nil, fmt.Errorf("time scale %v: want a positive number", opt.TimeScale)
	}
	b := &builder{cfg: cfg, opt: withDefaults(opt)}
	s := &Spec{}
	for _, p := range cfg.Pools() {
		if cfg.Pool(p.Name) == p {
			s.Pools = append(s.Pools, b.pool(p))
		}
	}
	if err := errors.Join(b.errs...); err != nil {
		return nil, nil, err
	}
	for _, ps := range cfg.Sites() {
		s.Sites = append(s.Sites, b.site(ps))
	}
	b.dropMixedPorts(s.Sites)
	return s, b.warnings, nil
}

// withDefaults fills in the zero fields of opt.
func withDefaults(opt Options) Options {
	if opt.TimeScale == 0 {
		opt.TimeScale = 1
	}
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	if opt.ReadFile == nil {
		opt.ReadFile = ReadWebConfig
	}
	if opt.ReadTimeout <= 0 {
		opt.ReadTimeout = DefaultReadTimeout
	}
	return opt
}

// builder holds one Build's input and what it found.
type builder struct {
	cfg      *parse.Config
	opt      Options
	warnings []Warning
	errs     []error
}

// warnf adds a warning at pos, unless the same warning is there already (a
// <location> that several applications inherit).
func (b *builder) warnf(pos parse.Pos, format string, args ...any) {
	b.warnKind(SettingWarning, pos, format, args...)
}

// warnKind adds a warning of the kind at pos, as warnf does.
func (b *builder) warnKind(kind WarningKind, pos parse.Pos, format string, args ...any) {
	w := Warning{Pos: pos, Msg: fmt.Sprintf(format, args...), Kind: kind}
	if !slices.Contains(b.warnings, w) {
		b.warnings = append(b.warnings, w)
	}
}

// scale multiplies d by the time scale, saturating at the limits of time.Duration.
func (b *builder) scale(d time.Duration) time.Duration {
	if b.opt.TimeScale == 1 {
		return d
	}
	f := math.Round(float64(d) * b.opt.TimeScale)
	switch {
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(f)
}

// site converts one site: its http bindings and its applications, longest path first.
func (b *builder) site(ps *parse.Site) *Site {
	s := &Site{Name: ps.Name, ID: ps.ID, AutoStart: ps.ServerAutoStart, Pos: ps.Pos()}
	for _, pb := range ps.Bindings {
		if bd, ok := b.binding(ps, pb); ok {
			s.Bindings = append(s.Bindings, bd)
		}
	}
	for _, pa := range ps.Applications {
		s.Apps = append(s.Apps, b.app(ps, pa))
	}
	slices.SortStableFunc(s.Apps, func(x, y *App) int { return cmp.Compare(len(y.Path), len(x.Path)) })
	return s
}

// binding converts one binding; ok is false, with a warning, for a binding that is
// neither http nor https or whose bindingInformation or sslFlags is malformed.
func (b *builder) binding(ps *parse.Site, pb parse.Binding) (Binding, bool) {
	tls := strings.EqualFold(pb.Protocol, "https")
	if !tls && !strings.EqualFold(pb.Protocol, "http") {
		b.warnKind(BindingWarning, pb.Pos(), "%s binding %q of site %q is not supported by poolctl run", pb.Protocol, pb.Information, ps.Name)
		return Binding{}, false
	}
	scheme := strings.ToLower(pb.Protocol)
	bd, err := parseBindingInformation(pb.Information)
	if err != nil {
		b.warnKind(BindingWarning, pb.Pos(), "%s binding %q of site %q: %v; skipped", scheme, pb.Information, ps.Name, err)
		return Binding{}, false
	}
	if tls {
		flags, err := sslFlags(pb)
		if err != nil {
			b.warnKind(BindingWarning, pb.Pos(), "https binding %q of site %q: %v; skipped", pb.Information, ps.Name, err)
			return Binding{}, false
		}
		bd.TLS, bd.SSLFlags = true, flags
	}
	bd.Pos = pb.Pos()
	return bd, true
}

// sslFlags returns the binding's sslFlags: 0 when absent, else 0 to 3 (the bits
// IIS 8 and later define: 1 SNI, 2 Centralized Certificate Store).
func sslFlags(pb parse.Binding) (int, error) {
	v, ok := parse.Attr(pb.Element, "sslFlags")
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 3 {
		return 0, fmt.Errorf("sslFlags %q: want 0, 1, 2 or 3", v)
	}
	return n, nil
}

// dropMixedPorts removes, with a warning, the https bindings on a port that an http
// binding of any site uses: one listener speaks one protocol, and HTTP.sys too binds
// a certificate to a whole IP:port.
func (b *builder) dropMixedPorts(sites []*Site) {
	httpPorts := map[int]bool{}
	for _, s := range sites {
		for _, bd := range s.Bindings {
			if !bd.TLS && s.AutoStart {
				httpPorts[bd.Port] = true
			}
		}
	}
	for _, s := range sites {
		s.Bindings = slices.DeleteFunc(s.Bindings, func(bd Binding) bool {
			if bd.TLS && httpPorts[bd.Port] && bd.Port != 0 {
				b.warnKind(BindingWarning, bd.Pos, "https binding %q of site %q: port %d is served as http by another binding; skipped", bd.Info(), s.Name, bd.Port)
				return true
			}
			return false
		})
	}
}

// parseBindingInformation parses "IP:port:host": IP is "*" or empty for all
// addresses, an IPv4 address, or an IPv6 address in brackets; port is 0 to 65535 (0:
// any free port, for tests); host may be empty.
func parseBindingInformation(info string) (Binding, error) {
	ip, rest, err := cutBindingAddr(info)
	if err != nil {
		return Binding{}, err
	}
	portText, host, ok := strings.Cut(rest, ":")
	if !ok {
		return Binding{}, errors.New(`want "IP:port:host"`)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil || portText == "" || portText[0] == '+' {
		return Binding{}, fmt.Errorf("port %q: want a number from 0 to 65535", portText)
	}
	return Binding{Addr: ip, Port: int(port), Host: host}, nil
}

// cutBindingAddr splits the address off bindingInformation: "" for all addresses,
// else the address in its canonical form; rest is what follows the ':' after it.
func cutBindingAddr(info string) (addr, rest string, err error) {
	if inner, ok := strings.CutPrefix(info, "["); ok {
		text, after, ok := strings.Cut(inner, "]")
		if !ok {
			return "", "", errors.New("unclosed '[' in the address")
		}
		a, err := netip.ParseAddr(text)
		if err != nil || !a.Is6() {
			return "", "", fmt.Errorf("address [%s]: not an IPv6 address", text)
		}
		if rest, ok = strings.CutPrefix(after, ":"); !ok {
			return "", "", errors.New(`want "[IPv6]:port:host"`)
		}
		return a.String(), rest, nil
	}
	if strings.Count(info, ":") > 2 {
		return "", "", errors.New("too many ':' (an IPv6 address goes in brackets: [::1]:80:)")
	}
	text, rest, ok := strings.Cut(info, ":")
	if !ok {
		return "", "", errors.New(`want "IP:port:host"`)
	}
	if text == "" || text == "*" {
		return "", rest, nil
	}
	a, err := netip.ParseAddr(text)
	if err != nil || !a.Is4() {
		return "", "", fmt.Errorf("address %q: want *, an IPv4 address or an IPv6 address in brackets", text)
	}
	return a.String(), rest, nil
}

// app converts one application.
func (b *builder) app(ps *parse.Site, pa *parse.Application) *App {
	a := &App{Site: ps.Name, Path: normalizePath(pa.Path), Pos: pa.Pos()}
	a.Pool = b.appPool(ps, pa, a.Path)
	a.Program = b.program(ps, pa, a.Path)
	return a
}

// normalizePath returns an application path with a leading slash and no trailing
// one, but for the root "/".
func normalizePath(p string) string {
	p = strings.Trim(p, "/")
	return "/" + p
}

// appPool returns the name of the application's pool as the pool spells it, or as
// the application writes it, with a warning, when there is no such pool.
func (b *builder) appPool(ps *parse.Site, pa *parse.Application, appPath string) string {
	at := pa.PoolPos()
	if !at.IsValid() {
		at = pa.Pos()
	}
	if pa.PoolOrigin == parse.PoolUnset {
		b.warnf(at, "application %s has no pool (no applicationPool at any level): its requests get 503", appName(ps.Name, appPath))
		return ""
	}
	if p := b.cfg.Pool(pa.Pool); p != nil {
		return p.Name
	}
	b.warnf(at, "application %s runs in pool %q, which does not exist: its requests get 503", appName(ps.Name, appPath), pa.Pool)
	return pa.Pool
}

// Pool returns the pool named name, compared case-insensitively as IIS compares pool
// names, or nil.
func (s *Spec) Pool(name string) *Pool {
	for _, p := range s.Pools {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// Site returns the site named name, compared case-insensitively, or nil.
func (s *Spec) Site(name string) *Site {
	for _, site := range s.Sites {
		if strings.EqualFold(site.Name, name) {
			return site
		}
	}
	return nil
}

// AppsOf returns every application that runs in the named pool (compared
// case-insensitively), across sites, in site order and, within a site, longest path
// first.
func (s *Spec) AppsOf(pool string) []*App {
	var out []*App
	for _, site := range s.Sites {
		for _, a := range site.Apps {
			if a.Pool != "" && strings.EqualFold(a.Pool, pool) {
				out = append(out, a)
			}
		}
	}
	return out
}

// pool converts one pool's effective values; invalid ones are added to b.errs.
func (b *builder) pool(p *parse.Pool) *Pool {
	r := &poolReader{b: b, p: p}
	out := &Pool{
		Name:        p.Name,
		AutoStart:   r.boolean("autoStart", true),
		AlwaysRun:   r.enum("startMode", "OnDemand") == "AlwaysRunning",
		QueueLength: int(r.integer("queueLength", 1000)),
		Env:         r.env(),
		Identity:    r.identity(),
		Recycling:   r.recycling(),
		CPU:         r.cpu(),
		Failing:     r.failing(),
		Pos:         p.Pos(),
	}
	r.processModel(out)
	r.failure(out)
	return out
}

// failing returns the pool's failingResponses settings, an element of poolctl's schema
// extension (contrib/schema/poolctl_schema.xml): off when the file does not turn it on
// or the extension is not installed beside it.
func (r *poolReader) failing() FailingResponses {
	if !r.boolean("failingResponses.enabled", false) {
		return FailingResponses{}
	}
	return FailingResponses{
		Enabled:     true,
		Window:      r.duration("failingResponses.window"),
		MinRequests: r.integer("failingResponses.minRequests", 20),
		FailureRate: r.integer("failingResponses.failureRate", 50),
		PoolRatio:   r.integer("failingResponses.poolRatio", 4),
	}
}

// poolReader reads one pool's effective values by their dotted paths. An attribute
// that the target version does not know gives the fallback the caller names (the
// behaviour of versions before it); one whose value is invalid gives the zero value
// and adds an error.
type poolReader struct {
	b *builder
	p *parse.Pool
}

// value returns the attribute's parsed value; ok is false when the version does not
// know it or its value is invalid.
func (r *poolReader) value(path string) (v schema.Value, ok bool) {
	s, ok := r.p.Setting(path)
	if !ok {
		return schema.Value{}, false
	}
	v, err := s.Value()
	if err != nil {
		r.b.errs = append(r.b.errs, r.errorf(s.Pos(), "%s: %w", path, err))
		return schema.Value{}, false
	}
	return v, true
}

// errorf returns an error about the pool at pos (when known).
func (r *poolReader) errorf(pos parse.Pos, format string, args ...any) error {
	err := fmt.Errorf("pool %q: "+format, append([]any{r.p.Name}, args...)...)
	if pos.IsValid() {
		return fmt.Errorf("%s: %w", pos, err)
	}
	return err
}

func (r *poolReader) boolean(path string, def bool) bool {
	if v, ok := r.value(path); ok {
		return v.Bool
	}
	return def
}

func (r *poolReader) integer(path string, def int64) int64 {
	if v, ok := r.value(path); ok {
		return v.Int
	}
	return def
}

// duration returns a timeSpan multiplied by the time scale.
func (r *poolReader) duration(path string) time.Duration {
	if v, ok := r.value(path); ok {
		return r.b.scale(v.Span.Duration())
	}
	return 0
}

// enum returns an enum's canonical name.
func (r *poolReader) enum(path, def string) string {
	if v, ok := r.value(path); ok && len(v.Names) == 1 {
		return v.Names[0]
	}
	return def
}

// text returns a string attribute, %VARS% expanded when the schema marks it expanded.
func (r *poolReader) text(path string) string {
	s, ok := r.p.Setting(path)
	if !ok {
		return ""
	}
	if s.Attr.Expanded {
		return Expand(s.Text, r.b.opt.Getenv)
	}
	return s.Text
}

// identity returns processModel's identity.
func (r *poolReader) identity() Identity {
	id := Identity{
		Type:     r.enum("processModel.identityType", "NetworkService"),
		UserName: r.text("processModel.userName"),
	}
	if s, ok := r.p.Setting("processModel.password"); ok && s.Origin != parse.FromSchema && s.Text != "" {
		env, isEnv := secret.ParseEnvelope(s.Text)
		id.HasPassword = !isEnv || !env.IsEmpty()
	}
	return id
}

// processModel fills in the processModel settings other than the identity.
func (r *poolReader) processModel(p *Pool) {
	p.MaxProcesses = int(r.integer("processModel.maxProcesses", 1))
	p.PingingEnabled = r.boolean("processModel.pingingEnabled", true)
	p.PingInterval = r.duration("processModel.pingInterval")
	p.PingResponseTime = r.duration("processModel.pingResponseTime")
	p.StartupTimeLimit = r.duration("processModel.startupTimeLimit")
	p.ShutdownTimeLimit = r.duration("processModel.shutdownTimeLimit")
	p.IdleTimeout = r.duration("processModel.idleTimeout")
	p.IdleAction = r.enum("processModel.idleTimeoutAction", "Terminate")
}

// failure fills in the failure settings and loadBalancerCapabilities.
func (r *poolReader) failure(p *Pool) {
	p.RapidFail = r.boolean("failure.rapidFailProtection", true)
	p.RapidFailInterval = r.duration("failure.rapidFailProtectionInterval")
	p.RapidFailMaxCrash = int(r.integer("failure.rapidFailProtectionMaxCrashes", 5))
	p.TCPLevel = r.enum("failure.loadBalancerCapabilities", "HttpLevel") == "TcpLevel"
	p.AutoShutdownExe = r.text("failure.autoShutdownExe")
	p.AutoShutdownParams = r.text("failure.autoShutdownParams")
	p.Orphan = r.boolean("failure.orphanWorkerProcess", false)
	p.OrphanActionExe = r.text("failure.orphanActionExe")
	p.OrphanActionParams = r.text("failure.orphanActionParams")
}

// recycling returns the recycling settings.
func (r *poolReader) recycling() Recycling {
	rc := Recycling{
		Time:                           r.duration("recycling.periodicRestart.time"),
		Requests:                       r.integer("recycling.periodicRestart.requests", 0),
		Schedule:                       r.schedule(),
		MemoryKB:                       r.integer("recycling.periodicRestart.memory", 0),
		PrivateMemoryKB:                r.integer("recycling.periodicRestart.privateMemory", 0),
		DisallowOverlappingRotation:    r.boolean("recycling.disallowOverlappingRotation", false),
		DisallowRotationOnConfigChange: r.boolean("recycling.disallowRotationOnConfigChange", false),
	}
	if v, ok := r.value("recycling.logEventOnRecycle"); ok {
		rc.LogEventOnRecycle = v.Names
	}
	return rc
}

// schedule returns the times of day of recycling.periodicRestart.schedule, not
// scaled: they are clock times (since midnight), not lengths of time.
func (r *poolReader) schedule() []time.Duration {
	const path = "recycling.periodicRestart.schedule"
	items, ok := r.p.Collection(path)
	if !ok {
		return nil
	}
	attr := r.b.cfg.Schema.Pool().Element("recycling").Element("periodicRestart").Element("schedule").Collection.Item.Attribute("value")
	var out []time.Duration
	for _, it := range items {
		text, _ := it.Attr("value")
		v, err := attr.ParseAndValidate(text)
		if err != nil {
			pos, _ := it.Doc.AttrValuePos(it.Element, "value")
			r.b.errs = append(r.b.errs, r.errorf(pos, "%s: %w", path, err))
			continue
		}
		out = append(out, v.Span.Duration())
	}
	return out
}

// env returns the pool's environmentVariables as NAME=value (IIS 10 and later).
func (r *poolReader) env() []string {
	items, _ := r.p.Collection("environmentVariables")
	var out []string
	for _, it := range items {
		name, _ := it.Attr("name")
		value, _ := it.Attr("value")
		if name == "" {
			r.b.errs = append(r.b.errs, r.errorf(it.Pos(), "environmentVariables: a variable has no name"))
			continue
		}
		out = setEnv(out, name, value)
	}
	return out
}

// cpu returns the cpu settings.
func (r *poolReader) cpu() CPU {
	return CPU{
		Limit:                r.integer("cpu.limit", 0),
		Action:               r.enum("cpu.action", "NoAction"),
		ResetInterval:        r.duration("cpu.resetInterval"),
		SMPAffinitized:       r.boolean("cpu.smpAffinitized", false),
		SMPMask:              uint64(r.integer("cpu.smpProcessorAffinityMask", 0xFFFFFFFF)),
		SMPMask2:             uint64(r.integer("cpu.smpProcessorAffinityMask2", 0xFFFFFFFF)),
		NUMANodeAssignment:   r.enum("cpu.numaNodeAssignment", "MostAvailableMemory"),
		NUMANodeAffinityMode: r.enum("cpu.numaNodeAffinityMode", "Soft"),
	}
}
