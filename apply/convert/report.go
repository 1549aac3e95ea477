package convert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// Kind says what happened to a metabase value.
type Kind int

// The kinds of report entries.
const (
	// Converted is a value a key sets, turned into an IIS 7+ attribute.
	Converted Kind = iota + 1
	// Defaulted is IIS 6's default for a property no key sets, written because the
	// target's default differs (or with Options.Explicit).
	Defaulted
	// Dropped is a value that has no IIS 7+ equivalent, or that IIS 6 could not have
	// meant.
	Dropped
	// Renamed is a pool or site name IIS 7+ forbids, and the name it got.
	Renamed
)

// String returns the kind's name: "converted", "defaulted", "dropped" or "renamed".
func (k Kind) String() string {
	switch k {
	case Converted:
		return "converted"
	case Defaulted:
		return "defaulted"
	case Dropped:
		return "dropped"
	case Renamed:
		return "renamed"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Entry is one value of the report, at its place in the metabase.
type Entry struct {
	// Pos is where the value is: the property, the key of a default, the Location of a
	// renamed key.
	Pos parse.Pos `json:"-"`
	// Pool and Site name what the value belongs to, by their IIS 7+ names; a value of
	// /LM/W3SVC/AppPools has neither.
	Pool string `json:"pool,omitempty"`
	Site string `json:"site,omitempty"`
	// Property is the IIS 6 property, and Value its value as the metabase has it (a
	// password never is: it reads "(secret, not shown)"); for a rename, Value is the old
	// name.
	Property string `json:"property,omitempty"`
	Value    string `json:"value"`
	// Location is the key the value is inherited from, when it is not the pool's own;
	// the key of a value that no pool has.
	Location string `json:"location,omitempty"`
	// Key is the admin object type of a key dropped whole, such as "IIsFilters"; Value
	// then names its properties.
	Key string `json:"key,omitempty"`
	// Path is the URL path, within Site, of a virtual directory or directory.
	Path string `json:"path,omitempty"`
	// Attribute is the IIS 7+ attribute, by its path in a pool, and NewValue its value;
	// for a rename, NewValue is the new name.
	Attribute string `json:"attribute,omitempty"`
	NewValue  string `json:"newValue,omitempty"`
	// Written reports whether the attribute is written: a value equal to what the pool
	// gets without it is not, unless Options.Explicit.
	Written bool `json:"written"`
	// Reason explains a default, a drop, a rename, a clamp or an omission.
	Reason string `json:"reason,omitempty"`
}

// AppEntry is one application of a site with the pool it runs in.
type AppEntry struct {
	Pos  parse.Pos `json:"-"`
	Site string    `json:"site"`
	Path string    `json:"path"`
	// Pool is the application's pool by its IIS 7+ name, or the missing pool's name.
	Pool string `json:"pool"`
	// PoolLocation is the key whose AppPoolId names the pool, or "(IIS 6's default)".
	PoolLocation string `json:"poolLocation"`
	Converted    bool   `json:"converted"`
	Reason       string `json:"reason,omitempty"`
}

// SiteEntry is one web site of the metabase.
type SiteEntry struct {
	Pos       parse.Pos `json:"-"`
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Converted bool      `json:"converted"`
	Reason    string    `json:"reason,omitempty"`
}

// Report says what a conversion did with each value of the metabase.
type Report struct {
	Source            string      `json:"source"`
	Target            string      `json:"target"`
	IIS5IsolationMode bool        `json:"iis5IsolationMode"`
	Warnings          []Warning   `json:"-"`
	Converted         []Entry     `json:"-"`
	Defaulted         []Entry     `json:"-"`
	Dropped           []Entry     `json:"-"`
	Renamed           []Entry     `json:"-"`
	Sites             []SiteEntry `json:"-"`
	Applications      []AppEntry  `json:"-"`
	// Notes are what the conversion does not do, said once.
	Notes []string `json:"notes"`
}

// newReport starts the report of converting source for target.
func newReport(source string, target schema.Version) *Report {
	return &Report{Source: source, Target: target.String()}
}

// add records an entry of kind k.
func (r *Report) add(k Kind, e Entry) {
	switch k {
	case Converted:
		r.Converted = append(r.Converted, e)
	case Defaulted:
		r.Defaulted = append(r.Defaulted, e)
	case Dropped:
		r.Dropped = append(r.Dropped, e)
	case Renamed:
		r.Renamed = append(r.Renamed, e)
	}
}

// finish adds the notes.
func (r *Report) finish() {
	r.Notes = append(r.Notes,
		"IIS 6 ran ASP.NET as an ISAPI extension, as IIS 7+'s Classic pipeline does; the pools keep the target's managedPipelineMode (Integrated): set managedPipelineMode=\"Classic\" on a pool whose applications need the old pipeline.")
	if len(r.Sites) > 0 {
		r.Notes = append(r.Notes,
			"Sites: names, numbers, bindings, applications with their pools, and virtual directories with their physical paths are converted; other site and directory settings (authentication, access flags, script maps, MIME types, ...) are not.")
	}
}

// Counts returns the number of entries of each kind, of warnings, and of converted
// sites and applications.
func (r *Report) Counts() (converted, defaulted, dropped, renamed, warnings, sites, apps int) {
	for _, s := range r.Sites {
		if s.Converted {
			sites++
		}
	}
	for _, a := range r.Applications {
		if a.Converted {
			apps++
		}
	}
	return len(r.Converted), len(r.Defaulted), len(r.Dropped), len(r.Renamed), len(r.Warnings), sites, apps
}

// jsonPos is a position in JSON.
type jsonPos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

func posJSON(p parse.Pos) jsonPos { return jsonPos{File: p.File, Line: p.Line, Column: p.Col} }

// jsonEntry is an Entry with its position.
type jsonEntry struct {
	jsonPos
	Entry
}

// jsonApp is an AppEntry with its position.
type jsonApp struct {
	jsonPos
	AppEntry
}

// jsonSite is a SiteEntry with its position.
type jsonSite struct {
	jsonPos
	SiteEntry
}

// jsonWarning is a Warning in JSON.
type jsonWarning struct {
	jsonPos
	Message string `json:"message"`
}

// MarshalJSON encodes the report with positions as file, line and column, and every
// list present (empty rather than null).
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report
	out := struct {
		*plain
		Warnings     []jsonWarning `json:"warnings"`
		Converted    []jsonEntry   `json:"converted"`
		Defaulted    []jsonEntry   `json:"defaulted"`
		Dropped      []jsonEntry   `json:"dropped"`
		Renamed      []jsonEntry   `json:"renamed"`
		Sites        []jsonSite    `json:"sites"`
		Applications []jsonApp     `json:"applications"`
	}{plain: (*plain)(r), Warnings: []jsonWarning{}, Sites: []jsonSite{}, Applications: []jsonApp{}}
	for _, w := range r.Warnings {
		out.Warnings = append(out.Warnings, jsonWarning{posJSON(w.Pos), w.Msg})
	}
	out.Converted, out.Defaulted = entriesJSON(r.Converted), entriesJSON(r.Defaulted)
	out.Dropped, out.Renamed = entriesJSON(r.Dropped), entriesJSON(r.Renamed)
	for _, s := range r.Sites {
		out.Sites = append(out.Sites, jsonSite{posJSON(s.Pos), s})
	}
	for _, a := range r.Applications {
		out.Applications = append(out.Applications, jsonApp{posJSON(a.Pos), a})
	}
	return json.Marshal(out)
}

func entriesJSON(es []Entry) []jsonEntry {
	out := []jsonEntry{}
	for _, e := range es {
		out = append(out, jsonEntry{posJSON(e.Pos), e})
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteText writes the report as text: the warnings first, then a line per entry
// ("converted  file:line:col  pool "Shop": IdleTimeout 30 → processModel.idleTimeout
// 00:30:00"), the applications, the notes and a summary.
func (r *Report) WriteText(w io.Writer) error {
	var b bytes.Buffer
	for _, x := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", x)
	}
	hidden := 0
	for _, k := range []Kind{Converted, Defaulted, Dropped, Renamed} {
		for _, e := range r.entries(k) {
			if k == Converted && !e.Written && e.Reason == defaultReason {
				hidden++
				continue
			}
			fmt.Fprintf(&b, "%-9s  %s  %s\n", k, e.Pos, entryText(k, e))
		}
	}
	for _, a := range r.Applications {
		fmt.Fprintf(&b, "%-9s  %s  %s\n", "app", a.Pos, appText(a))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	conv, def, drop, ren, warn, sites, apps := r.Counts()
	if hidden > 0 {
		fmt.Fprintf(&b, "note: %s equal to the target's default, not written and not listed above (--format json lists them, --explicit writes them).\n",
			plural(hidden, "converted value", "converted values"))
	}
	fmt.Fprintf(&b, "%s, %d defaulted, %d dropped, %d renamed; %s and %s converted; %s.\n",
		plural(conv, "value converted", "values converted"), def, drop, ren, plural(sites, "site", "sites"),
		plural(apps, "application", "applications"), plural(warn, "warning", "warnings"))
	_, err := w.Write(b.Bytes())
	return err
}

// plural returns "n one", or "n many" unless n is 1.
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// entries returns the entries of kind k.
func (r *Report) entries(k Kind) []Entry {
	switch k {
	case Converted:
		return r.Converted
	case Defaulted:
		return r.Defaulted
	case Dropped:
		return r.Dropped
	}
	return r.Renamed
}

// entryText describes an entry of kind k on one line.
func entryText(k Kind, e Entry) string {
	var b strings.Builder
	switch {
	case e.Pool != "":
		fmt.Fprintf(&b, "pool %q: ", e.Pool)
	case e.Site != "" && e.Path != "":
		fmt.Fprintf(&b, "site %q %s: ", e.Site, e.Path)
	case e.Site != "":
		fmt.Fprintf(&b, "site %q: ", e.Site)
	case e.Location != "":
		fmt.Fprintf(&b, "%s: ", e.Location)
	}
	switch {
	case e.Key != "" && e.Value == "":
		fmt.Fprintf(&b, "%s key", e.Key)
	case e.Key != "":
		fmt.Fprintf(&b, "%s key (%s)", e.Key, e.Value)
	case k == Renamed:
		fmt.Fprintf(&b, "%q → %q", e.Value, e.NewValue)
	default:
		fmt.Fprintf(&b, "%s %s", e.Property, shown(e.Value))
		if e.Attribute != "" && k != Dropped {
			fmt.Fprintf(&b, " → %s %s", e.Attribute, shown(e.NewValue))
		}
	}
	if e.Location != "" && e.Pool != "" {
		fmt.Fprintf(&b, " (from %s)", e.Location)
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, ": %s", e.Reason)
	}
	return b.String()
}

// appText describes an application on one line.
func appText(a AppEntry) string {
	s := fmt.Sprintf("site %q %s → pool %q (AppPoolId from %s)", a.Site, a.Path, a.Pool, a.PoolLocation)
	if a.Reason != "" {
		s += ": " + a.Reason
	}
	return s
}

// shown returns a value as a report line shows it: quoted when empty or when it holds
// white space or control characters.
func shown(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\r\n") {
		return fmt.Sprintf("%q", v)
	}
	return v
}
