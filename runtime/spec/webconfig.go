package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/internal/saferead"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
)

// webConfig is the system.webServer/aspNetCore elements of one web.config that apply
// to its own application, in document order: those directly under <configuration>
// and those under a <location> whose path is "" or "." (as dotnet publish writes it).
type webConfig struct {
	doc   *parse.Document
	elems []*etree.Element
}

// readWebConfig reads the web.config in the directory dir. It returns nil, true when
// there is none, and false, with a warning added, when there is one that cannot be
// used. at is where the directory is written (the virtual directory), for warnings
// that have no position of their own.
func (b *builder) readWebConfig(dir, app string, at parse.Pos) (*webConfig, bool) {
	if dir == "" {
		return nil, true
	}
	// IIS, on Windows, finds web.config whatever its case; on Linux the two usual
	// spellings are tried.
	for _, name := range [...]string{"web.config", "Web.config"} {
		file := path.Join(dir, name)
		src, err := readWithin(b.opt.ReadFile, file, b.opt.ReadTimeout)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			b.warnf(at, "application %s: %v; it gets no program", app, err)
			return nil, false
		}
		return b.parseWebConfig(file, src, app, at)
	}
	return nil, true
}

// MaxWebConfigSize is the size of the largest web.config ReadWebConfig reads: IIS's
// default for the registry value MaxWebConfigFileSizeInKB, 250 KB.
const MaxWebConfigSize = 250 << 10

// DefaultReadTimeout is how long Build waits for a web.config by default.
const DefaultReadTimeout = 5 * time.Second

// ReadWebConfig reads the file web.config (or another name) in its directory, the
// application's physical path, which its owner controls: it refuses a file that
// resolves outside the directory through a symlink, one that is not a regular file (a
// FIFO does not block) and one larger than MaxWebConfigSize.
func ReadWebConfig(file string) ([]byte, error) {
	return saferead.ReadFileBeneath(filepath.Dir(file), filepath.Base(file), MaxWebConfigSize)
}

// readWithin calls read(file) and waits for it at most d: a read that hangs, on a
// network file system that stopped answering, is given up on, and its goroutine
// left to end (or stay blocked) on its own, so that it cannot stop the runtime.
func readWithin(read func(string) ([]byte, error), file string, d time.Duration) ([]byte, error) {
	type result struct {
		src []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		src, err := read(file)
		done <- result{src, err}
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.src, r.err
	case <-timer.C:
		return nil, fmt.Errorf("%s: no answer after %v, given up", file, d)
	}
}

// isNotFound reports whether err says that a file is not there.
func isNotFound(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// parseWebConfig parses one web.config and finds its aspNetCore elements.
func (b *builder) parseWebConfig(file string, src []byte, app string, at parse.Pos) (*webConfig, bool) {
	doc, err := parse.ReadBytes(file, src, parse.Options{})
	if err != nil {
		b.warnWebConfig(err, at, app)
		return nil, false
	}
	root := doc.Root()
	if root == nil || root.Space != "" || root.Tag != "configuration" {
		b.warnf(doc.Pos(root), "application %s: web.config: root element is not <configuration>; it gets no program", app)
		return nil, false
	}
	wc := &webConfig{doc: doc}
	for child := range root.ChildElementsSeq() {
		switch {
		case isTag(child, "system.webServer"):
			wc.elems = append(wc.elems, childElems(child, "aspNetCore")...)
		case isTag(child, "location") && isOwnLocation(child):
			for _, ws := range childElems(child, "system.webServer") {
				wc.elems = append(wc.elems, childElems(ws, "aspNetCore")...)
			}
		}
	}
	return wc, true
}

// isOwnLocation reports whether a web.config's <location> applies to the
// application itself: its path is "" or ".", or it has none.
func isOwnLocation(loc *etree.Element) bool {
	p, _ := parse.Attr(loc, "path")
	p = strings.Trim(p, "/")
	return p == "" || p == "."
}

// isTag reports whether e's tag is exactly tag, without a namespace prefix.
func isTag(e *etree.Element, tag string) bool { return e.Space == "" && e.Tag == tag }

// childElems returns e's child elements whose tag is exactly tag.
func childElems(e *etree.Element, tag string) []*etree.Element {
	var out []*etree.Element
	for c := range e.ChildElementsSeq() {
		if isTag(c, tag) {
			out = append(out, c)
		}
	}
	return out
}

// overlay applies the web.config's elements over the effective section eff, the
// web.config winning attribute by attribute and environment variable by name.
func (wc *webConfig) overlay(eff *aspNetCore, sec *schema.Section) {
	for _, e := range wc.elems {
		eff.found = true
		for i, s := range eff.settings {
			if text, ok := parse.Attr(e, s.Attr.Name); ok {
				eff.settings[i] = parse.Setting{Path: s.Path, Attr: s.Attr, Text: text, Origin: parse.FromPool, Element: e, Doc: wc.doc}
			}
		}
		if ev := sec.Root.Element("environmentVariables"); ev != nil && ev.Collection != nil {
			for _, list := range childElems(e, "environmentVariables") {
				eff.env = mergeEnv(eff.env, list, wc.doc, ev.Collection)
			}
		}
	}
}

// mergeEnv applies the directives of an <environmentVariables> element to items:
// <clear/> drops every item so far, an added variable replaces the item of the same
// name (compared case-insensitively, as IIS compares the key) or is appended.
func mergeEnv(items []parse.Item, list *etree.Element, doc *parse.Document, coll *schema.Collection) []parse.Item {
	for e := range list.ChildElementsSeq() {
		switch {
		case isTag(e, coll.ClearElement):
			items = nil
		case isTag(e, coll.AddElement):
			name, _ := parse.Attr(e, "name")
			it := parse.Item{Key: name, Element: e, Doc: doc, Origin: parse.FromPool}
			items = replaceOrAppend(items, it)
		}
	}
	return items
}

// replaceOrAppend replaces the first item whose key is it's key, compared
// case-insensitively, or appends it.
func replaceOrAppend(items []parse.Item, it parse.Item) []parse.Item {
	for i := range items {
		if strings.EqualFold(items[i].Key, it.Key) {
			items[i] = it
			return items
		}
	}
	return append(items, it)
}

// warnWebConfig adds a warning for a web.config that does not parse: at err's
// position when it is a *parse.Error, else at at.
func (b *builder) warnWebConfig(err error, at parse.Pos, app string) {
	const format = "application %s: malformed web.config: %s; it gets no program"
	if pe, ok := errors.AsType[*parse.Error](err); ok {
		b.warnf(pe.Pos, format, app, pe.Msg)
		return
	}
	b.warnf(at, format, app, err)
}
