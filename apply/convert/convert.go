// Package convert turns the application pools of an IIS 6 metabase into IIS 7+
// configuration: an <applicationPools> section, the sites and applications that use
// the pools, and a report of what was converted, defaulted, dropped and renamed, each
// with its place in the metabase.
//
// Adapt is an adapter in the manner of Caddy's config adapters: a metabase in,
// configuration, warnings and an error out. Each pool gets the values it ran with on
// IIS 6 — its own, else inherited from /LM/W3SVC/AppPools or /LM/W3SVC, else IIS 6's
// default — and only those that differ from what the pool gets on the target
// version without them are written (all of them with Options.Explicit). Where IIS 6's
// default differs from the target's (the identity: NetworkService on IIS 6, and on IIS
// 7.0, ApplicationPoolIdentity from 7.5 on), the IIS 6 value is written and reported
// as defaulted, so that the pool behaves as it did.
//
// The pools are written flat, each with its own values, and <applicationPoolDefaults>
// is left alone, so that merging the pools into a configuration changes no other pool.
//
// Nothing of the metabase is left out without a line in the report: what the
// conversion does not use (a virtual directory's AppPoolId without AppRoot, a site's
// other settings, a key of another service) is reported as dropped, at its line.
package convert

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/parse/metabase"
	"github.com/poolctl/poolctl/schema"
)

// Encrypter encrypts a password for applicationHost.config; *secret.Key is one.
type Encrypter interface {
	Encrypt(string) (string, error)
}

// ErrNoKey is what an Encrypter returns, wrapped, when it has no key to encrypt with:
// Adapt then behaves as with a nil Encrypter.
var ErrNoKey = errors.New("no encryption key")

// Options tune Adapt.
type Options struct {
	// Target is the IIS version to convert for; zero means schema.DefaultVersion.
	Target schema.Version
	// Explicit writes every value a pool ran with on IIS 6, even those that equal what
	// the pool gets on the target without them.
	Explicit bool
	// Encrypter encrypts WAMUserPass for processModel.password; nil means there is no
	// key.
	Encrypter Encrypter
	// AllowPlaintext writes WAMUserPass in clear text when there is no key, instead of
	// failing.
	AllowPlaintext bool
	// ForIIS is true for a configuration that goes to IIS, which cannot decrypt
	// poolctl's provider: WAMUserPass is then left out, and reported with how to set it
	// on the server, unless AllowPlaintext writes it in clear text. The Encrypter is
	// not used.
	ForIIS bool
	// Defaults are the values a pool gets where it writes nothing, by attribute path
	// ("processModel.idleTimeout"), on top of the schema's defaults: the
	// <applicationPoolDefaults> of a configuration the pools are merged into. Values
	// equal to them are not written.
	Defaults map[string]string
}

// Warning is something about the conversion that needs attention, at its place in the
// metabase.
type Warning struct {
	Pos parse.Pos
	Msg string
}

// String returns the warning as "file:line:col: msg".
func (w Warning) String() string { return w.Pos.String() + ": " + w.Msg }

// KeyNeededError reports a WAMUserPass that Adapt may not write: there is no key to
// encrypt it with, and Options.AllowPlaintext is false.
type KeyNeededError struct {
	Pool string
	Pos  parse.Pos
}

// Error says which pool's password needs a key, where, and what to do.
func (e *KeyNeededError) Error() string {
	return fmt.Sprintf(`%s: pool %q: WAMUserPass needs poolctl's key to be encrypted as processModel.password: `+
		`create one with "poolctl key generate" and name it with --key-file (or $POOLCTL_KEY_FILE), `+
		`or write the password in clear text with --allow-plaintext`, e.Pos, e.Pool)
}

// Result is the configuration Adapt made.
type Result struct {
	// Pools is the <applicationPools> element: one <add> per pool.
	Pools *etree.Element
	// Sites is the <sites> element, or nil when the metabase has no web sites.
	Sites *etree.Element
	// Report says what was converted, defaulted, dropped and renamed.
	Report *Report
}

// appPoolsLocation is the key that holds the pools and their inherited values.
const appPoolsLocation = "/LM/W3SVC/AppPools"

// Adapt converts the application pools, sites and applications of mb for the target
// version. It fails only for a WAMUserPass it may not write (a *KeyNeededError) or
// cannot encrypt; everything else it cannot convert is reported and left out.
func Adapt(mb *metabase.Metabase, opt Options) (*Result, []Warning, error) {
	if opt.Target == 0 {
		opt.Target = schema.DefaultVersion
	}
	s, err := schema.For(opt.Target)
	if err != nil {
		return nil, nil, err
	}
	c := &converter{mb: mb, opt: opt, pool: s.Pool(), report: newReport(mb.Name, opt.Target),
		used: map[propRef]bool{}, covered: map[*metabase.Key]bool{}, content: map[*metabase.Key]content{},
		siteKeys: map[*metabase.Key]bool{}, siteNames: map[*metabase.Key]string{}, goneSite: map[*metabase.Key]string{}}
	c.isolationMode()
	pools := c.poolKeys()
	c.names(pools)
	res := &Result{Pools: etree.NewElement("applicationPools"), Report: c.report}
	for _, k := range pools {
		add, err := c.convertPool(k)
		if err != nil {
			return nil, nil, err
		}
		res.Pools.AddChild(add)
	}
	c.droppedDefaults()
	res.Sites = c.sites()
	c.leftovers()
	c.report.finish()
	return res, c.report.Warnings, nil
}

// converter holds the state of one Adapt.
type converter struct {
	mb     *metabase.Metabase
	opt    Options
	pool   *schema.Element // a pool's <add> as the target declares it
	report *Report
	rename map[*metabase.Key]string // each pool key's IIS 7+ name
	byName map[string]string        // lower-case IIS 6 name → IIS 7+ name

	// What the report covers, for leftovers.
	used      map[propRef]bool          // properties read or reported
	covered   map[*metabase.Key]bool    // keys another line covers whole
	content   map[*metabase.Key]content // the content keys of converted sites
	siteKeys  map[*metabase.Key]bool    // the keys of converted sites
	siteNames map[*metabase.Key]string  // their IIS 7+ names
	goneSite  map[*metabase.Key]string  // keys of sites not converted → the site's name
}

// warn records a warning.
func (c *converter) warn(pos parse.Pos, format string, args ...any) {
	c.report.Warnings = append(c.report.Warnings, Warning{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// isolationMode reports a server that ran in IIS 5.0 isolation mode, where pools were
// not in use: IIs5IsolationModeEnabled set to TRUE on /LM/W3SVC. The property is
// NO_ATTRIBUTES and its schema default is TRUE, but a clean IIS 6 install writes
// FALSE and an export often has no /LM/W3SVC at all, so only an explicit TRUE counts.
func (c *converter) isolationMode() {
	k := c.mb.Key("/LM/W3SVC")
	if k == nil {
		return
	}
	p, ok := c.prop(k, "IIs5IsolationModeEnabled")
	if !ok {
		return
	}
	if conv, err := convertBool(p.Value); err != nil || conv.text != "true" {
		return
	}
	c.report.IIS5IsolationMode = true
	c.warn(p.Pos, "the server ran in IIS 5.0 isolation mode (IIs5IsolationModeEnabled=%s on /LM/W3SVC): its application pools "+
		"were not in use, and applications ran in inetinfo.exe and dllhost.exe. The pools are converted as configured; "+
		"test each application in its pool before relying on them", p.Value)
}

// poolKeys returns the IIsApplicationPool keys directly below /LM/W3SVC/AppPools;
// others are reported and left out.
func (c *converter) poolKeys() []*metabase.Key {
	var out []*metabase.Key
	for _, k := range c.mb.KeysOfType("IIsApplicationPool") {
		if !strings.EqualFold(metabase.Parent(k.Location), appPoolsLocation) {
			c.warn(k.LocationPos, "IIsApplicationPool %q is not directly below %s, where IIS 6 reads pools: not converted", k.Location, appPoolsLocation)
			c.useAll(k)
			continue
		}
		out = append(out, k)
	}
	return out
}

// names chooses each pool's IIS 7+ name: its IIS 6 name, or for a name IIS 7+ forbids
// (or one taken by another pool), that name with each forbidden character replaced by
// '-' and, when needed, a number appended to make it unique.
func (c *converter) names(pools []*metabase.Key) {
	c.rename = map[*metabase.Key]string{}
	c.byName = map[string]string{}
	taken := map[string]bool{}
	nameAttr := c.pool.Attribute("name")
	var bad []*metabase.Key
	for _, k := range pools {
		name := k.Name()
		if nameAttr.Validate(schema.Value{Type: schema.String, Text: name}) != nil || taken[strings.ToLower(name)] {
			bad = append(bad, k)
			continue
		}
		taken[strings.ToLower(name)] = true
		c.rename[k], c.byName[strings.ToLower(name)] = name, name
	}
	for _, k := range bad {
		name := k.Name()
		renamed := unique(sanitizePoolName(name), taken)
		c.rename[k] = renamed
		if _, ok := c.byName[strings.ToLower(name)]; !ok {
			c.byName[strings.ToLower(name)] = renamed
		}
		c.report.add(Renamed, Entry{Pos: k.LocationPos, Pool: renamed, Value: name, NewValue: renamed, Reason: renameReason(name, taken, nameAttr)})
	}
}

// sanitizePoolName replaces the characters IIS 7+ forbids in pool names by '-'.
func sanitizePoolName(name string) string {
	const forbidden = `|<>&"/[]+=;:,?*@`
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(forbidden, r) {
			return '-'
		}
		return r
	}, name)
	if strings.TrimSpace(s) == "" {
		s = "Pool"
	}
	return s
}

// unique returns name, or name with "-2", "-3", ... appended, whichever is not taken
// (compared without regard to case), and takes it.
func unique(name string, taken map[string]bool) string {
	cand := name
	for i := 2; taken[strings.ToLower(cand)]; i++ {
		cand = fmt.Sprintf("%s-%d", name, i)
	}
	taken[strings.ToLower(cand)] = true
	return cand
}

// renameReason says why name needed a new name.
func renameReason(name string, taken map[string]bool, nameAttr *schema.Attribute) string {
	if err := nameAttr.Validate(schema.Value{Type: schema.String, Text: name}); err != nil {
		var ve *schema.ValueError
		if errors.As(err, &ve) {
			return ve.Msg
		}
		return err.Error()
	}
	return "another pool has this name (IIS 7+ compares pool names without regard to case)"
}

// poolValues are the attributes a pool's <add> gets, by path, and its schedule.
type poolValues struct {
	attrs    map[string]string
	schedule []string
}

// defaultReason is the reason of a converted value that is not written.
const defaultReason = "the target's default: not written"

// scheduleAttr is the path of the recycling schedule's collection.
const scheduleAttr = "recycling.periodicRestart.schedule"

// convertPool converts the pool at key k into its <add> element.
func (c *converter) convertPool(k *metabase.Key) (*etree.Element, error) {
	name := c.rename[k]
	pv := &poolValues{attrs: map[string]string{}}
	for _, r := range rows {
		switch r.kind {
		case identity:
			if err := c.identity(k, name, r, pv); err != nil {
				return nil, err
			}
		case schedule:
			c.schedule(k, name, r, pv)
		default:
			c.value(k, name, r, pv)
		}
	}
	c.droppedProps(k, name)
	c.useAll(k)
	return c.element(name, pv), nil
}

// entry returns a report entry for property p of row r, which key from sets, for the
// pool name at key k.
func entryFor(k, from *metabase.Key, name string, r row, p metabase.Property) Entry {
	e := Entry{Pos: p.Pos, Pool: name, Property: r.prop, Value: p.Value, Attribute: r.attr}
	if from != k {
		e.Location = from.Location
	}
	return e
}

// value converts the value of row r that the pool at key k runs with.
func (c *converter) value(k *metabase.Key, name string, r row, pv *poolValues) {
	a := schema.Lookup(c.pool, r.attr)
	p, from, ok := c.lookup(k.Location, r.prop)
	if !ok {
		c.defaulted(k, name, r, a, pv)
		return
	}
	e := entryFor(k, from, name, r, p)
	conv, err := r.convert(p.Value, a)
	if err != nil {
		c.drop(e, err)
		return
	}
	c.set(pv, a, conv, e)
}

// drop reports the entry e dropped for err, and warns of a value IIS 6 could not have
// meant.
func (c *converter) drop(e Entry, err error) {
	e.Reason = err.Error()
	c.report.add(Dropped, e)
	if errors.Is(err, errInvalid) {
		c.warn(e.Pos, "pool %q: %s=%q: %v: not converted", e.Pool, e.Property, e.Value, err)
	}
}

// set records the converted value of entry e for attribute a, unless it is what the
// pool gets without it (and Options.Explicit is false).
func (c *converter) set(pv *poolValues, a *schema.Attribute, conv converted, e Entry) {
	e.NewValue = conv.text
	e.Written = c.opt.Explicit || !c.isDefault(e.Attribute, a, conv.text)
	var reasons []string
	if conv.note != "" {
		reasons = append(reasons, conv.note)
		c.warn(e.Pos, "pool %q: %s=%q: %s", e.Pool, e.Property, e.Value, conv.note)
	}
	if !e.Written {
		reasons = append(reasons, defaultReason)
	}
	e.Reason = strings.Join(reasons, "; ")
	if e.Written {
		pv.attrs[e.Attribute] = conv.text
	}
	c.report.add(Converted, e)
}

// defaulted writes IIS 6's default of row r for the pool at key k, where no key sets
// the property, when it differs from what the pool gets on the target without it.
func (c *converter) defaulted(k *metabase.Key, name string, r row, a *schema.Attribute, pv *poolValues) {
	if r.def == "" {
		return
	}
	conv, err := r.convert(r.def, a)
	if err != nil {
		return
	}
	same := c.isDefault(r.attr, a, conv.text)
	if same && !c.opt.Explicit {
		return
	}
	reason := fmt.Sprintf("no key sets %s: IIS 6 used %s; the target's default is %s", r.prop, r.def, c.baseline(r.attr, a))
	if same {
		reason = fmt.Sprintf("no key sets %s: IIS 6 used %s, the target's default too", r.prop, r.def)
	}
	pv.attrs[r.attr] = conv.text
	c.report.add(Defaulted, Entry{Pos: k.Pos, Pool: name, Property: r.prop, Value: r.def, Attribute: r.attr,
		NewValue: conv.text, Written: true, Reason: reason})
}

// baseline returns what attribute a at path is on the target where a pool does not
// set it: Options.Defaults, else the schema's default.
func (c *converter) baseline(path string, a *schema.Attribute) string {
	if d, ok := c.opt.Defaults[path]; ok {
		return d
	}
	return a.Default
}

// isDefault reports whether text is the value attribute a at path has on the target
// without it.
func (c *converter) isDefault(path string, a *schema.Attribute, text string) bool {
	base := c.baseline(path, a)
	bv, err1 := a.Parse(base)
	tv, err2 := a.Parse(text)
	if err1 != nil || err2 != nil {
		return base == text
	}
	return tv.Equal(bv)
}

// schedule converts the recycling schedule the pool at key k runs with. IIS 6's
// default is no schedule, as IIS 7+'s is.
func (c *converter) schedule(k *metabase.Key, name string, r row, pv *poolValues) {
	p, from, ok := c.lookup(k.Location, r.prop)
	if !ok {
		return
	}
	e := entryFor(k, from, name, r, p)
	e.Value = strings.Join(p.Lines(), ", ")
	items, problems := scheduleItems(p)
	for _, msg := range problems {
		c.warn(p.ValuePos, "pool %q: PeriodicRestartSchedule: %s", name, msg)
	}
	e.NewValue = strings.Join(items, ", ")
	e.Written = len(items) > 0
	reasons := problems
	if !e.Written {
		reasons = append(reasons, "no times: the target's default, not written")
	}
	e.Reason = strings.Join(reasons, "; ")
	pv.schedule = items
	c.report.add(Converted, e)
}

// droppedProps reports the properties the pool at key k sets itself that have no
// IIS 7+ attribute.
func (c *converter) droppedProps(k *metabase.Key, name string) {
	for _, p := range k.Props {
		if _, ok := rowFor(p.Name); ok || p.Name == userNameProp || p.Name == passwordProp {
			continue
		}
		c.report.add(Dropped, Entry{Pos: p.Pos, Pool: name, Property: p.Name, Value: p.Value, Reason: noEquivalentReason(p.Name)})
	}
}

// droppedDefaults reports the properties of /LM/W3SVC/AppPools that reach no pool:
// those without an IIS 7+ attribute, and those that do not inherit.
func (c *converter) droppedDefaults() {
	k := c.mb.Key(appPoolsLocation)
	if k == nil {
		return
	}
	for _, p := range k.Props {
		e := Entry{Pos: p.Pos, Location: k.Location, Property: p.Name, Value: p.Value}
		switch _, mapped := rowFor(p.Name); {
		case p.Name == passwordProp:
			continue
		case mapped || p.Name == userNameProp:
			if p.Inherits() {
				continue // used by a pool, or reported by leftovers
			}
			e.Reason = "not inherited (NO_ATTRIBUTES): it applies to " + k.Location + " itself, not to the pools below it"
		default:
			e.Reason = noEquivalentReason(p.Name)
		}
		c.use(k, p.Name)
		c.report.add(Dropped, e)
	}
}

// noEquivalentReason says why property name is not converted.
func noEquivalentReason(name string) string {
	if r, ok := noEquivalent[name]; ok {
		return r
	}
	return "unknown: not an IIsApplicationPool property of the IIS 6 metabase reference; no IIS 7+ equivalent"
}

// element builds the pool's <add>, with attributes and child elements in the order
// the schema declares them.
func (c *converter) element(name string, pv *poolValues) *etree.Element {
	add := etree.NewElement("add")
	add.CreateAttr("name", name)
	fill(add, c.pool, "", pv)
	return add
}

// fill sets the attributes of e that pv holds for schema element se at path prefix,
// and adds the child elements that hold any.
func fill(e *etree.Element, se *schema.Element, prefix string, pv *poolValues) {
	for _, a := range se.Attributes {
		if v, ok := pv.attrs[prefix+a.Name]; ok {
			e.CreateAttr(a.Name, v)
		}
	}
	for _, ce := range se.Elements {
		child := etree.NewElement(ce.Name)
		path := prefix + ce.Name
		if path == scheduleAttr {
			for _, v := range pv.schedule {
				child.CreateElement("add").CreateAttr("value", v)
			}
		} else {
			fill(child, ce, path+".", pv)
		}
		if len(child.Attr) > 0 || len(child.ChildElements()) > 0 {
			e.AddChild(child)
		}
	}
}

// specificUser is AppPoolIdentityType's number for a user account that WAMUserName and
// WAMUserPass give.
const specificUser = 3

// hiddenValue stands for a password in reports.
const hiddenValue = "(secret, not shown)"

// identity converts the identity the pool at key k runs as: AppPoolIdentityType, and
// for SpecificUser the account of WAMUserName and WAMUserPass.
func (c *converter) identity(k *metabase.Key, name string, r row, pv *poolValues) error {
	a := schema.Lookup(c.pool, r.attr)
	p, from, ok := c.lookup(k.Location, r.prop)
	if !ok {
		c.defaulted(k, name, r, a, pv)
		c.unusedAccount(k, name)
		return nil
	}
	e := entryFor(k, from, name, r, p)
	conv, err := r.convert(p.Value, a)
	if err != nil {
		c.drop(e, err)
		c.unusedAccount(k, name)
		return nil
	}
	if n, _ := dword(p.Value); n != specificUser {
		c.set(pv, a, conv, e)
		c.unusedAccount(k, name)
		return nil
	}
	user, ufrom, ok := c.lookup(k.Location, userNameProp)
	if !ok || strings.TrimSpace(user.Value) == "" {
		e.Reason = "SpecificUser (3) without a WAMUserName: IIS 6 could not start the pool; the identity is not converted, and the pool runs as the target's default identity"
		c.report.add(Dropped, e)
		c.warn(e.Pos, "pool %q: %s", name, e.Reason)
		c.unusedAccount(k, name)
		return nil
	}
	c.set(pv, a, conv, e)
	ur := row{prop: userNameProp, attr: userNameAttr, kind: text}
	c.set(pv, schema.Lookup(c.pool, userNameAttr), converted{text: user.Value}, entryFor(k, ufrom, name, ur, user))
	return c.password(k, name, user.Value, pv)
}

// unusedAccount reports the WAMUserName and WAMUserPass the pool at key k sets itself
// but does not run as: IIS 6 uses them only with SpecificUser.
func (c *converter) unusedAccount(k *metabase.Key, name string) {
	for _, prop := range []string{userNameProp, passwordProp} {
		p, ok := c.prop(k, prop)
		if !ok {
			continue
		}
		v := p.Value
		if prop == passwordProp {
			v = hiddenValue
		}
		c.report.add(Dropped, Entry{Pos: p.Pos, Pool: name, Property: prop, Value: v,
			Reason: "used only with AppPoolIdentityType 3 (SpecificUser), which the pool does not run as"})
	}
}

// password converts the WAMUserPass of the pool at key k, which runs as user, into
// processModel.password: encrypted with the Encrypter, or in clear text with
// AllowPlaintext, else a *KeyNeededError. The password appears in no report, warning
// or error.
func (c *converter) password(k *metabase.Key, name, user string, pv *poolValues) error {
	p, from, ok := c.lookup(k.Location, passwordProp)
	if !ok || p.Value == "" {
		c.warn(k.Pos, "pool %q runs as %q but no key sets WAMUserPass: set processModel.password before the pool starts", name, user)
		return nil
	}
	e := entryFor(k, from, name, row{prop: passwordProp, attr: passwordAttr}, p)
	e.Value = hiddenValue
	if looksEncrypted(p.Value) {
		e.Reason = "encrypted with the IIS 6 server's own key (WAMUserPass is a SECURE property), which only that server can read: set processModel.password after the conversion"
		c.report.add(Dropped, e)
		c.warn(e.Pos, "pool %q: %s", name, e.Reason)
		return nil
	}
	if c.opt.ForIIS && !c.opt.AllowPlaintext {
		e.Reason = fmt.Sprintf("left out: the configuration goes to IIS, which cannot decrypt poolctl's key; set it on the IIS server with appcmd set apppool %q /processModel.password:... "+
			"(--allow-plaintext writes it in clear text; --for run encrypts it with poolctl's key, for poolctl run)", name)
		c.report.add(Dropped, e)
		c.warn(e.Pos, "pool %q: WAMUserPass %s", name, e.Reason)
		return nil
	}
	enc, err := c.encrypt(p.Value)
	switch {
	case err == nil:
		e.NewValue = "(encrypted)"
	case errors.Is(err, ErrNoKey) && c.opt.AllowPlaintext:
		enc, e.NewValue = p.Value, "(clear text)"
		c.warn(e.Pos, "pool %q: WAMUserPass is written in clear text (--allow-plaintext): anyone who can read the file can read it; encrypt it with poolctl's key", name)
	case errors.Is(err, ErrNoKey):
		return &KeyNeededError{Pool: name, Pos: p.Pos}
	default:
		return fmt.Errorf("%s: pool %q: encrypting WAMUserPass: %w", p.Pos, name, err)
	}
	e.Written = true
	pv.attrs[passwordAttr] = enc
	c.report.add(Converted, e)
	return nil
}

// encrypt encrypts a password with the Encrypter, or returns ErrNoKey.
func (c *converter) encrypt(v string) (string, error) {
	if c.opt.Encrypter == nil || c.opt.ForIIS {
		return "", ErrNoKey
	}
	return c.opt.Encrypter.Encrypt(v)
}

// looksEncrypted reports whether a WAMUserPass value is a blob the IIS 6 metabase
// encrypted (the Windows Server 2003 page "Encrypted Properties": SECURE properties
// such as WAMUserPass are stored encrypted): a long run of hexadecimal digits, which
// no password typed into a MetaBase.xml by hand looks like.
func looksEncrypted(v string) bool {
	if len(v) < 64 || len(v)%2 != 0 {
		return false
	}
	for _, r := range v {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// Fragment returns the <applicationPools> element as XML text, as poolctl apply reads
// a desired state, preceded by a comment when the server ran in IIS 5.0 isolation
// mode. Its error, from parse.WriteElement, names a value XML cannot hold.
func (r *Result) Fragment() ([]byte, error) {
	var b bytes.Buffer
	r.comment(&b)
	if err := parse.WriteElement(&b, r.Pools, r.style(0)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Config returns a complete applicationHost.config: the pools and the sites. Its
// error, from parse.WriteElement, names a value XML cannot hold.
func (r *Result) Config() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	r.comment(&b)
	b.WriteString("<configuration>\n    <system.applicationHost>\n")
	for _, e := range []*etree.Element{r.Pools, r.Sites} {
		if e == nil {
			continue
		}
		if err := parse.WriteElement(&b, e, r.style(2)); err != nil {
			return nil, err
		}
	}
	b.WriteString("    </system.applicationHost>\n</configuration>\n")
	return b.Bytes(), nil
}

// style is the layout of applicationHost.config that Fragment and Config write, at
// depth: four spaces per level, an element without children as <name ... />.
func (r *Result) style(depth int) parse.Style {
	return parse.Style{Name: "the converted configuration", Indent: "    ", Depth: depth, EmptyTag: " />"}
}

// comment writes the IIS 5.0 isolation mode warning as an XML comment.
func (r *Result) comment(b *bytes.Buffer) {
	if r.Report.IIS5IsolationMode {
		b.WriteString("<!-- poolctl convert: the IIS 6 server ran in IIS 5.0 isolation mode: these application pools were not in use there. -->\n")
	}
}
