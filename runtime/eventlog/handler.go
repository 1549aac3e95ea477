package eventlog

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
)

// DefaultJournalSocket is journald's socket for the native protocol.
const DefaultJournalSocket = "/run/systemd/journal/socket"

// Options are what New reads of its surroundings; the zero Options reads the process's.
type Options struct {
	// Env returns an environment variable (JOURNAL_STREAM); nil is os.Getenv.
	Env func(string) string
	// IsTerminal reports whether a writer is a terminal; nil is IsTerminal.
	IsTerminal func(io.Writer) bool
	// JournalSocket is journald's socket; "" is DefaultJournalSocket.
	JournalSocket string
	// Level is the least level logged; nil is slog.LevelInfo.
	Level slog.Leveler
}

// New returns a handler writing records to w in the form f, FormatAuto being resolved
// now by Resolve: for FormatJSON, slog's JSON handler; for FormatText, one line per
// record; for FormatJournal, datagrams to journald, or lines with a priority prefix to
// w when journald does not take them. Its writes to w are one Write per record, one
// at a time, even from the handlers its WithAttrs and WithGroup return.
func New(w io.Writer, f Format, o Options) slog.Handler {
	f = Resolve(w, f, o)
	if f == FormatJSON {
		return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: o.Level})
	}
	out := &output{w: w, journal: f == FormatJournal, socket: o.JournalSocket, level: o.Level}
	if out.socket == "" {
		out.socket = DefaultJournalSocket
	}
	if out.level == nil {
		out.level = slog.LevelInfo
	}
	return &handler{out: out}
}

// Resolve returns the form FormatAuto stands for on w: FormatJournal when
// JOURNAL_STREAM names w (journald connected it), FormatText when w is a terminal,
// FormatJSON otherwise. Other formats are returned as they are.
func Resolve(w io.Writer, f Format, o Options) Format {
	if f != FormatAuto {
		return f
	}
	env, isTerminal := o.Env, o.IsTerminal
	if env == nil {
		env = os.Getenv
	}
	if isTerminal == nil {
		isTerminal = IsTerminal
	}
	switch {
	case isJournalStream(w, env("JOURNAL_STREAM")):
		return FormatJournal
	case isTerminal(w):
		return FormatText
	}
	return FormatJSON
}

// output is where a handler and the handlers derived from it write.
type output struct {
	mu      sync.Mutex // one record at a time on w
	w       io.Writer
	journal bool   // send to journald, not text lines to w
	socket  string // journald's socket
	level   slog.Leveler
}

// handler is the text and journal forms' slog.Handler.
type handler struct {
	out    *output
	attrs  []field  // from WithAttrs, flattened
	groups []string // from WithGroup, for the attributes to come
}

// Enabled reports whether records of level l are written.
func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.out.level.Level()
}

// Handle writes a record: a text line, or a journal entry.
func (h *handler) Handle(_ context.Context, r slog.Record) error {
	e := newEntry(r, h.attrs, h.groups)
	if h.out.journal {
		return h.out.sendJournal(e)
	}
	return h.out.write(e.textLine(true, true) + "\n")
}

// write writes one record's text to w.
func (o *output) write(s string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, err := io.WriteString(o.w, s)
	return err
}

// WithAttrs returns a handler adding attrs to every record.
func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	c := *h
	c.attrs = append([]field(nil), h.attrs...)
	for _, a := range attrs {
		c.attrs = flatten(c.attrs, h.groups, a)
	}
	return &c
}

// WithGroup returns a handler putting the attributes to come in the group name.
func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.groups = append(append([]string(nil), h.groups...), name)
	return &c
}
