package parse

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/internal/excerpt"
	"github.com/poolctl/poolctl/internal/saferead"
)

// The limits of the zero Options.
const (
	defaultMaxBytes = 256 << 20
	defaultMaxDepth = 256
)

// Options tune ReadFile and ReadBytes. The zero value selects the defaults.
type Options struct {
	// MaxBytes is the size of the largest file accepted, in bytes.
	// Zero or less means 256 MiB. Since offsets are kept in 32 bits, no
	// file of 2 GiB or more is accepted.
	MaxBytes int64

	// MaxDepth is the deepest nesting of elements accepted; the root element
	// is at depth 1. Zero or less means 256.
	MaxDepth int

	// Sources holds content that configSource files are read with instead of
	// their content on disk, by the path ConfigSourcePath gives (so that an
	// edit of such a file can be linted with its main file before it is
	// written). The caller must not modify the content afterwards.
	Sources map[string][]byte
}

// Limit returns the size limit these options set, in bytes: MaxBytes, or the default
// of 256 MiB when MaxBytes is zero or less.
func (o Options) Limit() int64 { return o.maxBytes() }

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return defaultMaxBytes
	}
	return min(o.MaxBytes, math.MaxInt32)
}

func (o Options) maxDepth() int {
	if o.MaxDepth <= 0 {
		return defaultMaxDepth
	}
	return o.MaxDepth
}

// encoding is the character encoding of a source file.
type encoding uint8

const (
	encUTF8 encoding = iota
	encUTF16LE
	encUTF16BE
)

// Document is an XML file read into an etree tree, with the position and
// spelling of every node.
//
// The tree may be changed freely; WriteTo writes the changed document and
// keeps the original bytes of everything that did not change. A Document
// may be read concurrently (positions, Source), but not while its tree is
// being changed.
type Document struct {
	// Name is the file name used in positions and errors.
	Name string
	// Tree is the document's tree. Its children are the XML declaration,
	// comments, processing instructions and white space around the root
	// element, and the root element.
	Tree *etree.Document

	src    []byte   // the bytes as read
	text   string   // the UTF-8 text read, BOM included; shares src's memory when ReadFile read it
	enc    encoding // the encoding of src
	bomLen int      // length of the byte order mark at the start of text: 0 or 3
	ascii  bool     // the file declares encoding="us-ascii"

	quote    byte   // the quote character most attributes use
	emptyTag string // "/>" or " />", whichever empty-element tags mostly use

	elems  table[elemOrigin] // in the order of the start tags
	leaves table[leafOrigin] // in the order of the source

	lines lineIndex
	index leafMap
}

// elemOrigin records where an element stood in the source and how it was
// written.
//
// The element itself is the origin's first field: the scanner allocates elements
// as parts of their origins, so that the origin of an element is found from its
// address (see table.indexOf) and needs no index.
type elemOrigin struct {
	e        etree.Element
	start    int32 // offset of the start tag's '<'
	startEnd int32 // offset just past the start tag's '>'
	endStart int32 // offset of the end tag's '<', or of the "/>" of an empty-element tag
	endEnd   int32 // offset just past the end tag; startEnd for an empty-element tag
	attrs    []attrOrigin
}

// empty reports whether the element was written as an empty-element tag.
func (o *elemOrigin) empty() bool { return o.endEnd == o.startEnd }

// attrOrigin records where an attribute stood in its start tag.
type attrOrigin struct {
	name, nameEnd int32 // the name
	val, valEnd   int32 // the value as written, between the quotes
}

// end returns the offset just past the attribute's closing quote.
func (a *attrOrigin) end() int32 { return a.valEnd + 1 }

// leafOrigin records the source span of a text, CDATA section, comment or
// processing instruction.
type leafOrigin struct {
	t          etree.Token
	start, end int32
}

// leafMap finds the origin of a text, comment or processing instruction by the
// token. It is built on first use: WriteTo finds most origins without it, and
// positions are asked for elements and attributes, whose origins need no index.
type leafMap struct {
	once sync.Once
	m    map[etree.Token]int32
}

func (d *Document) buildLeafIndex() {
	d.index.once.Do(func() {
		d.index.m = make(map[etree.Token]int32, d.leaves.len())
		for i := range d.leaves.len() {
			d.index.m[d.leaves.at(i).t] = int32(i)
		}
	})
}

// elemIndex returns the index in d.elems of the origin of e, or -1 when e
// was created after reading.
func (d *Document) elemIndex(e *etree.Element) int {
	// e is the first field of its origin, if it has one.
	return d.elems.indexOf(uintptr(unsafe.Pointer(e)))
}

// leafIndex returns the index in d.leaves of the origin of t, or -1 when t
// was created after reading.
func (d *Document) leafIndex(t etree.Token) int {
	d.buildLeafIndex()
	if i, ok := d.index.m[t]; ok {
		return int(i)
	}
	return -1
}

// elemOrigin returns the origin of e, or nil when e was created after
// reading.
func (d *Document) elemOrigin(e *etree.Element) *elemOrigin {
	if i := d.elemIndex(e); i >= 0 {
		return d.elems.at(i)
	}
	return nil
}

// leafOrigin returns the origin of t, or nil when t was created after
// reading.
func (d *Document) leafOrigin(t etree.Token) *leafOrigin {
	if i := d.leafIndex(t); i >= 0 {
		return d.leaves.at(i)
	}
	return nil
}

// ReadFile reads the XML file at path, which must be a regular file: a FIFO, device
// or directory is a *saferead.NotRegularError (and a FIFO does not block). Errors name
// the path: a *Error carries it in its position, other errors mention it.
func ReadFile(path string, opt Options) (*Document, error) {
	f, err := saferead.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	limit := opt.maxBytes()
	size := int64(0)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
		if size > limit {
			return nil, tooLarge(path, size, limit)
		}
	}
	pf := startPrefaulter(int(size))
	defer pf.stop()
	// saferead makes the buffer for the file's size: fresh memory, zero already,
	// whose pages the prefaulter maps while read(2) fills it (bytes.Buffer's growth
	// cleared 21 MB on this goroutine first: 9 ms of page faults).
	src, err := saferead.ReadOpened(f, path, limit, func(b []byte) { aheadSlice(pf, b) })
	if errors.As(err, new(*saferead.TooLargeError)) {
		return nil, tooLarge(path, -1, limit) // the file grew since Stat
	}
	if err != nil {
		return nil, err // it names the path
	}
	// src is this document's own and is never written to, so the text can
	// share its memory instead of copying it.
	return read(path, src, unsafe.String(unsafe.SliceData(src), len(src)), opt, pf)
}

// ReadBytes reads an XML document from src. The name is used in positions
// and errors. The document keeps src as its Source, so the caller must not
// modify src afterwards.
func ReadBytes(name string, src []byte, opt Options) (*Document, error) {
	if limit := opt.maxBytes(); int64(len(src)) > limit {
		return nil, tooLarge(name, int64(len(src)), limit)
	}
	pf := startPrefaulter(len(src))
	defer pf.stop()
	return read(name, src, string(src), opt, pf)
}

// tooLarge returns the error of the input name, of size bytes (-1 when not known),
// larger than limit: a *saferead.TooLargeError underneath, as for every input that
// poolctl reads.
func tooLarge(name string, size, limit int64) error {
	return &tooLargeError{size: size, err: &saferead.TooLargeError{Name: name, Limit: limit}}
}

// tooLargeError is a saferead.TooLargeError that says the size when it is known.
type tooLargeError struct {
	size int64
	err  *saferead.TooLargeError
}

func (e *tooLargeError) Error() string {
	if e.size < 0 {
		return fmt.Sprintf("%s: file is larger than the limit of %d bytes", e.err.Name, e.err.Limit)
	}
	return fmt.Sprintf("%s: file is %d bytes, larger than the limit of %d bytes", e.err.Name, e.size, e.err.Limit)
}

func (e *tooLargeError) Unwrap() error { return e.err }

// read reads src, whose UTF-8 reading is text when src is UTF-8, with pf mapping the
// tree's memory ahead of the scanner when not nil.
func read(name string, src []byte, text string, opt Options, pf *prefaulter) (*Document, error) {
	d := &Document{Name: name, src: src, text: text}
	if err := d.decode(); err != nil {
		return nil, err
	}
	if err := scan(d, opt.maxDepth(), pf); err != nil {
		return nil, err
	}
	if pf != nil {
		// A large document builds its line index now, on another core, rather than
		// when the first position is asked for (lint asks at once, from every check),
		// where it took 7 ms of a 21 MB file's lint on the checks' path.
		go d.lines.build(d.text)
	}
	return d, nil
}

// decode determines the encoding of d.src from its byte order mark and, for
// UTF-16, replaces d.text with the UTF-8 decoding. It checks that the text
// is valid UTF-8.
func (d *Document) decode() error {
	b := d.src
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return d.errorf(0, "UTF-32 is not supported; save the file as UTF-8 or UTF-16")
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		d.enc = encUTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		d.enc = encUTF16BE
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		d.bomLen = 3
	case bytes.HasPrefix(b, []byte{'<', 0}), bytes.HasPrefix(b, []byte{0, '<'}):
		return d.errorf(0, "UTF-16 without a byte order mark is not supported")
	}
	if d.enc == encUTF8 {
		if !utf8.ValidString(d.text) {
			i := invalidUTF8(d.text)
			return d.errorf(i, "invalid UTF-8: byte 0x%02X", d.text[i])
		}
		return nil
	}
	d.bomLen = 3
	return d.decodeUTF16()
}

// invalidUTF8 returns the offset of the first byte of s that is not part of
// a valid UTF-8 encoding.
func invalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(s)
}

func (d *Document) decodeUTF16() error {
	b := d.src
	out := make([]byte, 0, len(b)+len(b)/2)
	word := func(i int) rune {
		if d.enc == encUTF16LE {
			return rune(b[i]) | rune(b[i+1])<<8
		}
		return rune(b[i])<<8 | rune(b[i+1])
	}
	fail := func(msg string) error {
		d.text = string(out)
		return d.errorf(len(out), "%s", msg)
	}
	// The byte order mark becomes U+FEFF, so that text starts with it as a
	// UTF-8 file with a byte order mark does.
	for i := 0; i+1 < len(b); i += 2 {
		r := word(i)
		if utf16.IsSurrogate(r) {
			if r >= 0xDC00 || i+3 >= len(b) {
				return fail(fmt.Sprintf("invalid UTF-16: unpaired surrogate U+%04X", r))
			}
			r2 := word(i + 2)
			if r2 < 0xDC00 || r2 > 0xDFFF {
				return fail(fmt.Sprintf("invalid UTF-16: unpaired surrogate U+%04X", r))
			}
			r = utf16.DecodeRune(r, r2)
			i += 2
		}
		out = utf8.AppendRune(out, r)
	}
	if len(b)%2 != 0 {
		return fail("invalid UTF-16: odd number of bytes")
	}
	if len(out) > math.MaxInt32 {
		return fmt.Errorf("%s: file is too large: its UTF-8 text has %d bytes, more than 2 GiB", d.Name, len(out))
	}
	// out is this document's own and is never written to.
	d.text = unsafe.String(unsafe.SliceData(out), len(out))
	return nil
}

// errorf returns an *Error at offset in the document's text.
func (d *Document) errorf(offset int, format string, args ...any) error {
	return &Error{Pos: d.PosAt(offset), Msg: fmt.Sprintf(format, excerpt.Args(args)...)}
}

// Root returns the root element, or nil if the tree has none.
func (d *Document) Root() *etree.Element { return d.Tree.Root() }

// Source returns the bytes as read. The caller must not modify them.
func (d *Document) Source() []byte { return d.src }

// HasBOM reports whether the file starts with a byte order mark. WriteTo
// writes one exactly when the file had one.
func (d *Document) HasBOM() bool { return d.bomLen > 0 }

// Pos returns the position of the first byte of t (the '<' of an element),
// or the zero Pos when t was created after reading.
func (d *Document) Pos(t etree.Token) Pos {
	if e, ok := t.(*etree.Element); ok {
		if o := d.elemOrigin(e); o != nil {
			return d.PosAt(int(o.start))
		}
		return Pos{}
	}
	if o := d.leafOrigin(t); o != nil {
		return d.PosAt(int(o.start))
	}
	return Pos{}
}

// EndPos returns the position of e's end tag (its '<'), or of the "/>" that
// ends an empty-element tag. It returns the zero Pos when e was created after
// reading.
func (d *Document) EndPos(e *etree.Element) Pos {
	if o := d.elemOrigin(e); o != nil {
		return d.PosAt(int(o.endStart))
	}
	return Pos{}
}

// AttrPos returns the position of the name of e's attribute key (which may
// have a prefix, as in "xmlns:x") as it was read. It reports false when e
// had no such attribute when it was read.
func (d *Document) AttrPos(e *etree.Element, key string) (Pos, bool) {
	if a := d.attrOrigin(e, key); a != nil {
		return d.PosAt(int(a.name)), true
	}
	return Pos{}, false
}

// AttrValuePos returns the position of the first character inside the
// quotes of the value of e's attribute key as it was read. It reports false
// when e had no such attribute when it was read.
func (d *Document) AttrValuePos(e *etree.Element, key string) (Pos, bool) {
	if a := d.attrOrigin(e, key); a != nil {
		return d.PosAt(int(a.val)), true
	}
	return Pos{}, false
}

func (d *Document) attrOrigin(e *etree.Element, key string) *attrOrigin {
	o := d.elemOrigin(e)
	if o == nil {
		return nil
	}
	for i := range o.attrs {
		a := &o.attrs[i]
		if d.text[a.name:a.nameEnd] == key {
			return a
		}
	}
	return nil
}

// arena hands out values and short slices from large chunks, so that a tree
// of a million nodes costs a few thousand allocations and growing it leaves
// no garbage behind.
type arena[T any] struct {
	free []T         // the unused end of the chunk being used
	next int         // the size of the next chunk
	pf   *prefaulter // maps each new chunk's pages ahead of its use, when not nil
}

const (
	arenaFirstChunk = 16
	arenaMaxChunk   = 4096
)

func (a *arena[T]) grow(n int) {
	a.next = min(max(2*a.next, arenaFirstChunk), arenaMaxChunk)
	a.free = make([]T, max(a.next, n))
	aheadSlice(a.pf, a.free)
}

// one returns a pointer to a new zero value.
func (a *arena[T]) one() *T {
	if len(a.free) == 0 {
		a.grow(1)
	}
	p := &a.free[0]
	a.free = a.free[1:]
	return p
}

// slice returns an empty slice with capacity n; appending more than n
// values to it moves it out of the arena.
func (a *arena[T]) slice(n int) []T {
	if n == 0 {
		return nil
	}
	if len(a.free) < n {
		a.grow(n)
	}
	s := a.free[:0:n]
	a.free = a.free[n:]
	return s
}

// table is an append-only sequence whose elements never move: it grows by
// adding chunks, each twice as large as the one before, so growing copies
// nothing and leaves no garbage, and pointers into it stay valid.
type table[T any] struct {
	chunks [][]T
	n      int
	// pf, when not nil, maps the pages of the chunk being filled a window ahead
	// of the values added; window is that window's length in values.
	pf     *prefaulter
	window int
}

const tableFirstChunk = 16 // a power of two

// add appends a zero value and returns a pointer to it.
func (t *table[T]) add() *T {
	k, off := tableSlot(t.n)
	if k == len(t.chunks) {
		t.chunks = append(t.chunks, make([]T, tableFirstChunk<<k))
	}
	if t.pf != nil {
		t.prefault(t.chunks[k], off)
	}
	t.n++
	return &t.chunks[k][off]
}

// prefault asks t.pf to map the next window of chunk when off, the offset of the value
// being added, starts a window; and the first window too at the chunk's start. The
// pages a chunk does not use yet stay unmapped: the last chunk is often half empty.
func (t *table[T]) prefault(chunk []T, off int) {
	if t.window == 0 {
		var zero T
		t.window = max(1, prefaultWindow/int(unsafe.Sizeof(zero)))
	}
	if off%t.window != 0 {
		return
	}
	if off == 0 {
		aheadSlice(t.pf, chunk[:min(t.window, len(chunk))])
	}
	if next := off + t.window; next < len(chunk) {
		aheadSlice(t.pf, chunk[next:min(next+t.window, len(chunk))])
	}
}

// at returns a pointer to the i'th value.
func (t *table[T]) at(i int) *T {
	k, off := tableSlot(i)
	return &t.chunks[k][off]
}

// len returns the number of values.
func (t *table[T]) len() int { return t.n }

// indexOf returns the index of the value that starts at address addr, or -1
// when no value of t starts there. Go does not move heap objects, so the
// address of a value in a chunk tells its index; the address is only compared,
// never turned back into a pointer.
func (t *table[T]) indexOf(addr uintptr) int {
	size := unsafe.Sizeof(*new(T))
	start := 0
	for _, c := range t.chunks {
		base := uintptr(unsafe.Pointer(unsafe.SliceData(c)))
		if addr >= base && addr < base+uintptr(len(c))*size {
			off := addr - base
			if i := start + int(off/size); off%size == 0 && i < t.n {
				return i
			}
			return -1
		}
		start += len(c)
	}
	return -1
}

// tableSlot returns the chunk and the offset in it of the i'th value.
func tableSlot(i int) (chunk, offset int) {
	chunk = bits.Len(uint(i+tableFirstChunk)) - bits.Len(tableFirstChunk)
	return chunk, i + tableFirstChunk - tableFirstChunk<<chunk
}
