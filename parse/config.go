package parse

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/internal/saferead"
	"github.com/poolctl/poolctl/schema"
)

// Config is an applicationHost.config file read for one IIS version: its documents
// (the file and every configSource file it names), the server-level applicationPools
// and sites sections, the pools with their effective values, and the sites with their
// applications.
type Config struct {
	// Doc is the main file.
	Doc *Document
	// Sources are the documents that configSource attributes name, in the order found.
	Sources []*Document
	// Schema is the schema of the version the config is read for.
	Schema *schema.Schema

	pools     []*SectionRef
	sites     []*SectionRef
	webSrv    []*locationSection
	poolList  []*Pool
	poolIndex map[string]*Pool // first pool of each lower-cased name
	defaults  []Located
	siteList  []*Site
	poolOrder []poolAttr          // the pool schema's attributes in schema order
	poolAttrs map[string]poolAttr // the same by dotted path
}

// LoadOptions tune Load.
type LoadOptions struct {
	// Version is the IIS version whose schema gives defaults; zero means
	// schema.DefaultVersion.
	Version schema.Version
	// Read tunes the XML reader.
	Read Options
	// Extensions are schema extension files (IIS schema files that add settings,
	// such as contrib/schema/poolctl_schema.xml) whose declarations the schema gets,
	// with their defaults; validate.Extensions finds those beside a file.
	Extensions []*schema.Extension
}

// Load reads an applicationHost.config file, follows configSource attributes and
// resolves the pools and sites it defines.
func Load(path string, opt LoadOptions) (*Config, error) {
	doc, err := ReadFile(path, opt.Read)
	if err != nil {
		return nil, err
	}
	return FromDocument(doc, opt)
}

// FromDocument resolves the pools and sites of a document already read. configSource
// files are read relative to the directory of doc.Name.
func FromDocument(doc *Document, opt LoadOptions) (*Config, error) {
	v := opt.Version
	if v == 0 {
		v = schema.DefaultVersion
	}
	s, err := schema.For(v)
	if err != nil {
		return nil, err
	}
	s.Extend(opt.Extensions...)
	c := &Config{Doc: doc, Schema: s}
	root := doc.Root()
	if root == nil || root.Tag != "configuration" || root.Space != "" {
		return nil, &Error{Pos: doc.Pos(root), Msg: fmt.Sprintf("root element is <%s>, want <configuration>", tagOf(root)), Kind: ErrRoot}
	}
	if err := c.findSections(opt.Read); err != nil {
		return nil, err
	}
	// The pools and the sites are independent, and resolved on two cores: 12.3 ms
	// -> 9.0 ms for bench/lint.sh's 10,000 pools and sites.
	var wg sync.WaitGroup
	wg.Go(c.resolvePools)
	c.resolveSites()
	c.poolOrder = poolAttrsOf(s.Pool(), nil, nil)
	c.poolAttrs = indexPoolAttrs(c.poolOrder)
	wg.Wait()
	return c, nil
}

func tagOf(e *etree.Element) string {
	if e == nil {
		return ""
	}
	return e.FullTag()
}

// SectionRef is one occurrence of a section: the element that holds its content, the
// document it is in (the main file, or a configSource file) and, when the content was
// moved out, the element in the main file that points there.
type SectionRef struct {
	Element *etree.Element
	Doc     *Document
	// Source is the element carrying configSource, or nil.
	Source *etree.Element
	// Location is the path of the <location> that wraps the section, or "" with
	// InLocation false when there is none.
	Location   string
	InLocation bool
}

// Pos returns the position of the section's element.
func (r *SectionRef) Pos() Pos { return r.Doc.Pos(r.Element) }

// PoolSections returns every server-level occurrence of the applicationPools section,
// in document order. IIS allows one; more are a configuration error that lint reports.
func (c *Config) PoolSections() []*SectionRef { return c.pools }

// SiteSections returns every server-level occurrence of the sites section.
func (c *Config) SiteSections() []*SectionRef { return c.sites }

// findSections walks <configuration>: <system.applicationHost> directly or inside a
// server-level <location path=""> or <location path=".">, and system.webServer under
// any <location>.
func (c *Config) findSections(ro Options) error {
	for child := range c.Doc.Root().ChildElementsSeq() {
		switch child.FullTag() {
		case "system.applicationHost":
			if err := c.addAppHost(child, "", false, ro); err != nil {
				return err
			}
		case "system.webServer":
			c.addWebServer(child, "")
		case "location":
			path := attrOr(child, "path", "")
			if isServerLevel(path) {
				for g := range Children(child, "system.applicationHost") {
					if err := c.addAppHost(g, path, true, ro); err != nil {
						return err
					}
				}
			}
			for g := range Children(child, "system.webServer") {
				c.addWebServer(g, path)
			}
		}
	}
	return nil
}

func isServerLevel(path string) bool { return path == "" || path == "." }

func (c *Config) addAppHost(group *etree.Element, loc string, inLoc bool, ro Options) error {
	for sec := range group.ChildElementsSeq() {
		var list *[]*SectionRef
		switch sec.FullTag() {
		case "applicationPools":
			list = &c.pools
		case "sites":
			list = &c.sites
		default:
			continue
		}
		ref, err := c.follow(sec, ro)
		if err != nil {
			return err
		}
		ref.Location, ref.InLocation = loc, inLoc
		*list = append(*list, ref)
	}
	return nil
}

// ConfigSourcePath returns the file a configSource attribute of the configuration
// file names: source, relative to file's directory, with backslashes and slashes as
// path separators on every OS (IIS writes backslashes; a file made on Windows is
// read on Linux too). As IIS requires, source must be a relative path to that
// directory or below, and it is refused when the file it names on disk resolves
// outside that directory through a symlink (of the file or of a directory on the
// way) or is not a regular file; a file not there yet is not an error.
func ConfigSourcePath(file, source string) (string, error) {
	rel, err := sourceRel(source)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(file)
	if err := checkBeneath(dir, rel); err != nil {
		return "", sourceError(source, err)
	}
	return filepath.Join(dir, rel), nil
}

// sourceRel returns the configSource value source as a clean relative path in the
// OS's form. It decides the same on every OS: `\` and `/` separate names, and a path
// that is rooted (`\x`, `/x`, `\\server\share`) or holds a colon (a drive, `C:\x` or
// `C:x`, or an NTFS stream; no Windows file name holds one) is refused, as is one
// that leaves the directory through "..".
func sourceRel(source string) (string, error) {
	slashed := strings.ReplaceAll(source, `\`, "/")
	if source == "" || strings.HasPrefix(slashed, "/") || strings.Contains(source, ":") {
		return "", fmt.Errorf("configSource %q must be a relative path, without a drive or a leading separator", source)
	}
	clean := path.Clean(slashed)
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("configSource %q must name a file in the config's directory or below", source)
	}
	return filepath.FromSlash(clean), nil
}

// checkBeneath checks that the file rel, when it exists, is a regular file that
// resolves inside dir.
func checkBeneath(dir, rel string) error {
	f, err := saferead.OpenBeneath(dir, rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// sourceError says why the configSource file source cannot be read.
func sourceError(source string, err error) error {
	if _, ok := errors.AsType[*saferead.EscapeError](err); ok {
		return fmt.Errorf("configSource %q resolves outside the config's directory through a symlink", source)
	}
	return fmt.Errorf("configSource %q: %w", source, err)
}

// follow resolves configSource: the section's content is the root element of another
// file, named relative to the config's directory.
func (c *Config) follow(sec *etree.Element, ro Options) (*SectionRef, error) {
	ref := &SectionRef{Element: sec, Doc: c.Doc}
	src, ok := Attr(sec, "configSource")
	if !ok {
		return ref, nil
	}
	pos, _ := c.Doc.AttrValuePos(sec, "configSource")
	if len(sec.Attr) > 1 || hasChildElement(sec) {
		return nil, &Error{Pos: c.Doc.Pos(sec), Msg: fmt.Sprintf("<%s configSource=%q> must have no other attributes and no child elements", sec.FullTag(), src), Kind: ErrConfigSource}
	}
	rel, err := sourceRel(src)
	if err != nil {
		return nil, &Error{Pos: pos, Msg: err.Error(), Kind: ErrConfigSource}
	}
	dir := filepath.Dir(c.Doc.Name)
	path := filepath.Join(dir, rel)
	doc, err := readSource(dir, rel, path, ro)
	if re, ok := errors.AsType[*sourceReadError](err); ok {
		return nil, &Error{Pos: pos, Msg: sourceError(src, re.err).Error(), Kind: ErrConfigSource}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: configSource: %w", pos, err)
	}
	if r := doc.Root(); r.FullTag() != sec.FullTag() {
		return nil, &Error{Pos: doc.Pos(r), Msg: fmt.Sprintf("root element is <%s>, want <%s> (configSource of %s)", r.FullTag(), sec.FullTag(), pos), Kind: ErrConfigSource}
	}
	c.Sources = append(c.Sources, doc)
	ref.Element, ref.Doc, ref.Source = doc.Root(), doc, sec
	return ref, nil
}

// sourceReadError is readSource's error when the file cannot be read, as opposed to
// one in its content.
type sourceReadError struct{ err error }

func (e *sourceReadError) Error() string { return e.err.Error() }

// readSource reads the configSource file rel of the directory dir: with the content
// ro.Sources gives path, when the file on disk (if any) is one that could be read, or
// with the file's, read beneath dir within the document size limit.
func readSource(dir, rel, path string, ro Options) (*Document, error) {
	if src, ok := ro.Sources[path]; ok {
		if err := checkBeneath(dir, rel); err != nil {
			return nil, &sourceReadError{err}
		}
		return ReadBytes(path, src, ro)
	}
	src, err := saferead.ReadFileBeneath(dir, rel, ro.maxBytes())
	if err != nil {
		return nil, &sourceReadError{err}
	}
	// src is this document's own and is never written to, as in ReadFile.
	pf := startPrefaulter(len(src))
	defer pf.stop()
	return read(path, src, unsafe.String(unsafe.SliceData(src), len(src)), ro, pf)
}

// Documents returns the main document followed by the configSource documents.
func (c *Config) Documents() []*Document { return append([]*Document{c.Doc}, c.Sources...) }
