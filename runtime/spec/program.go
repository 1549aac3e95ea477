package spec

import (
	"path"
	"slices"
	"strings"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// aspNetCore is the effective aspNetCore section of one application: every attribute
// of the section with its effective text, the environment variables, and whether any
// level sets the section at all.
type aspNetCore struct {
	settings []parse.Setting
	env      []parse.Item
	found    bool
}

// program returns the program of application pa of site ps, whose path is appPath
// (normalized): the aspNetCore settings of its location in applicationHost.config,
// overlaid with those of the web.config in its physical path. An application that
// has no usable settings gets a Program with only Dir set.
func (b *builder) program(ps *parse.Site, pa *parse.Application, appPath string) Program {
	dir := b.localPath(pa.PhysicalPath())
	none := func(why string) Program { return Program{Dir: dir, Missing: why} }
	sec := b.cfg.Schema.Section(schema.AspNetCorePath)
	if sec == nil {
		return none(MissingNoSection + " (the target, " + b.cfg.Schema.Version.String() + ", has no such section)")
	}
	name := appName(ps.Name, appPath)
	anc := b.cfg.AspNetCoreFor(locationPath(ps.Name, appPath))
	eff := &aspNetCore{settings: anc.Settings, env: slices.Clone(anc.EnvironmentVariables), found: anc.Found}
	wc, ok := b.readWebConfig(dir, name, rootDirPos(pa))
	if !ok {
		return none(MissingWebConfig)
	}
	if wc != nil {
		wc.overlay(eff, sec)
	}
	if !eff.found {
		return none(MissingNoSection)
	}
	r := &programReader{b: b, eff: eff, app: name, at: pa.Pos()}
	if p := r.read(dir); !r.bad {
		return p
	}
	return none(MissingUnusable)
}

// Why an application has nothing to run (Program.Missing).
const (
	MissingNoSection = "no system.webServer/aspNetCore section applies to it"
	MissingWebConfig = "its web.config cannot be used"
	MissingUnusable  = "its system.webServer/aspNetCore settings cannot be used"
)

// appName names an application for messages: "Default Web Site/api", or the site's
// name followed by "/" for its root application.
func appName(site, appPath string) string {
	if appPath == "/" {
		return site + "/"
	}
	return site + appPath
}

// locationPath returns the <location path> of an application: the site's name, then
// the application's path ("Default Web Site/api"; "Default Web Site" for "/").
func locationPath(site, appPath string) string {
	return site + strings.TrimSuffix(appPath, "/")
}

// rootDirPos returns the position of the application's root virtual directory, else
// of the application.
func rootDirPos(pa *parse.Application) parse.Pos {
	for _, v := range pa.VirtualDirectories {
		if v.Path == "/" {
			return v.Pos()
		}
	}
	return pa.Pos()
}

// localPath turns a physical path as IIS writes it into a Linux one: %VARS% expanded,
// backslashes turned into slashes. A Windows drive path stays one ("C:/sites/shop"):
// drives are not mapped.
func (b *builder) localPath(p string) string {
	return strings.ReplaceAll(Expand(p, b.opt.Getenv), `\`, "/")
}

// isAbsPath reports whether p, with slashes, is absolute: rooted, or a Windows drive
// path.
func isAbsPath(p string) bool {
	return strings.HasPrefix(p, "/") || len(p) >= 2 && p[1] == ':' && isASCIILetter(p[0])
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// programReader converts one effective aspNetCore section into a Program. A value
// that cannot be used adds a warning and sets bad: the application then gets no
// program, as IIS answers 500.19 for an application whose configuration is invalid.
type programReader struct {
	b   *builder
	eff *aspNetCore
	app string
	at  parse.Pos // the application, for warnings with no better position
	bad bool
}

// read returns the program whose working directory is dir.
func (r *programReader) read(dir string) Program {
	p := Program{Dir: dir, Found: true}
	p.Path = r.processPath(dir)
	p.Args = r.arguments()
	p.Env = r.env()
	p.StdoutLogEnabled = r.value("stdoutLogEnabled").Bool
	p.StdoutLogFile = r.logFile(dir)
	if s := r.setting("startupTimeLimit"); s.Origin != parse.FromSchema {
		p.StartupTimeLimit = r.b.scale(time.Duration(r.value("startupTimeLimit").Int) * time.Second)
	}
	p.RequestTimeout = r.requestTimeout()
	r.unused()
	return p
}

// unusedAspNetCore lists the aspNetCore attributes that poolctl run does not use, when
// written with a value that matters (lower case), and what it does instead.
var unusedAspNetCore = []struct {
	attr    string
	matters func(value string) bool
	instead string
}{
	{"hostingModel", func(v string) bool { return v == "inprocess" }, "poolctl run hosts every application out of process, on ASPNETCORE_PORT"},
	{"processesPerApplication", func(v string) bool { return v != "1" }, "poolctl run starts one process per application (a pool's maxProcesses adds workers)"},
	{"shutdownTimeLimit", func(string) bool { return true }, "the pool's processModel.shutdownTimeLimit bounds a worker's stop"},
	{"rapidFailsPerMinute", func(string) bool { return true }, "the pool's failure.rapidFailProtection settings apply"},
	{"forwardWindowsAuthToken", func(v string) bool { return v == "true" }, "poolctl run forwards no Windows authentication token"},
}

// unused notes each attribute of unusedAspNetCore written for the application (event
// 9022 in poolctl run).
func (r *programReader) unused() {
	for _, u := range unusedAspNetCore {
		s := r.setting(u.attr)
		if s.Origin == parse.FromSchema || !u.matters(strings.ToLower(strings.TrimSpace(s.Text))) {
			continue
		}
		r.note(s, "aspNetCore %s=%q is not used: %s", u.attr, s.Text, u.instead) // once for every application that inherits it
	}
}

// requestTimeout returns the program's RequestTimeout.
func (r *programReader) requestTimeout() time.Duration {
	if s := r.setting("requestTimeout"); s.Origin == parse.FromSchema { // or not there
		return 0
	}
	d := r.value("requestTimeout").Span.Duration()
	if d == 0 {
		return NoTimeout
	}
	return max(r.b.scale(d), time.Millisecond)
}

// setting returns the effective setting of the named attribute.
func (r *programReader) setting(name string) parse.Setting {
	for _, s := range r.eff.settings {
		if s.Attr.Name == name {
			return s
		}
	}
	return parse.Setting{}
}

// value returns the named attribute's parsed value; an invalid one is a warning.
func (r *programReader) value(name string) schema.Value {
	s := r.setting(name)
	v, err := s.Value()
	if err != nil {
		r.warnf(s, "aspNetCore of application %s: %v; it gets no program", r.app, err)
	}
	return v
}

// warnf adds a warning at the setting's position, else at the application, and marks
// the program bad.
func (r *programReader) warnf(s parse.Setting, format string, args ...any) {
	r.bad = true
	r.note(s, format, args...)
}

// note adds a warning at the setting's position, else at the application.
func (r *programReader) note(s parse.Setting, format string, args ...any) {
	at := s.Pos()
	if !at.IsValid() {
		at = r.at
	}
	r.b.warnf(at, format, args...)
}

// processPath returns processPath, %VARS% expanded, backslashes turned into slashes
// and, when it is a relative path with a directory part (".\app", "bin/app"), taken
// relative to dir, as the ASP.NET Core Module takes it relative to the application's
// root. A bare name ("dotnet") stays, for a search of $PATH.
func (r *programReader) processPath(dir string) string {
	s := r.setting("processPath")
	if strings.TrimSpace(s.Text) == "" {
		r.warnf(s, "aspNetCore of application %s has no processPath; it gets no program", r.app)
		return ""
	}
	p := strings.ReplaceAll(r.expand(s), `\`, "/")
	if !strings.Contains(p, "/") {
		return p
	}
	return underDir(dir, p)
}

// underDir returns p, with slashes, relative to dir when it is relative and dir is
// set.
func underDir(dir, p string) string {
	if p == "" || isAbsPath(p) || dir == "" {
		return p
	}
	return path.Join(dir, p)
}

// expand returns the setting's text with %VARS% expanded, and notes the variables
// that are not set.
func (r *programReader) expand(s parse.Setting) string {
	out, unknown := expand(s.Text, r.b.opt.Getenv)
	for _, name := range unknown {
		r.note(s, "aspNetCore %s: %%%s%% is not set and stays as written", s.Attr.Name, name)
	}
	return out
}

// arguments returns the arguments, %VARS% expanded, split into words.
func (r *programReader) arguments() []string {
	s := r.setting("arguments")
	text := r.expand(s)
	words, escaped, err := split(text)
	if err != nil {
		r.warnf(s, "aspNetCore arguments of application %s: %q: %v; it gets no program", r.app, text, err)
		return nil
	}
	if len(escaped) > 0 {
		r.note(s, "aspNetCore arguments %q: a backslash outside quotes escapes the next character, as in a POSIX shell, and is dropped (offset %d); write / in paths, or quote the word",
			text, escaped[0])
	}
	return words
}

// logFile returns stdoutLogFile as a Linux path, relative to dir when it is relative,
// as the ASP.NET Core Module takes it relative to the application's root.
func (r *programReader) logFile(dir string) string {
	return underDir(dir, strings.ReplaceAll(r.expand(r.setting("stdoutLogFile")), `\`, "/"))
}

// env returns the environment variables as NAME=value, values %VARS% expanded.
func (r *programReader) env() []string {
	var out []string
	for _, it := range r.eff.env {
		name, _ := it.Attr("name")
		value, _ := it.Attr("value")
		if name == "" {
			r.b.warnf(it.Pos(), "aspNetCore of application %s: an environment variable has no name; it is left out", r.app)
			continue
		}
		out = setEnv(out, name, Expand(value, r.b.opt.Getenv))
	}
	return out
}

// setEnv sets name=value in env: it replaces the entry of the same name, compared
// case-insensitively as IIS compares the collection's key, or appends one.
func setEnv(env []string, name, value string) []string {
	for i, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); strings.EqualFold(k, name) {
			env[i] = name + "=" + value
			return env
		}
	}
	return append(env, name+"="+value)
}
