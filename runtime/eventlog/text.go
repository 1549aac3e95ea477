package eventlog

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// timeLayout is the text form's time: the date, and the time to the millisecond.
const timeLayout = "2006-01-02 15:04:05.000"

// levelWidth pads the text form's levels to the longest, "warning", to align lines.
const levelWidth = len("warning")

// textLine returns e as one text line, without its newline: with its time and level
// first when stamp is true, and with the message and the reasons escaped when escape
// is true (a line for a stream) or as they are (a journal field may hold newlines).
func (e *entry) textLine(stamp, escape bool) string {
	var parts []string
	if stamp {
		if !e.time.IsZero() {
			parts = append(parts, e.time.Format(timeLayout))
		}
		parts = append(parts, fmt.Sprintf("%-*s", levelWidth, levelName(e.level)))
	}
	if e.hasID {
		parts = append(parts, strconv.FormatInt(e.id, 10))
	}
	for i, k := range knownKeys {
		if e.known[i] != "" {
			parts = append(parts, k+"="+quoteValue(e.known[i]))
		}
	}
	for _, f := range e.others {
		parts = append(parts, strings.Join(f.path, ".")+"="+quoteValue(valueString(f.val)))
	}
	if e.msg != "" {
		parts = append(parts, escapeIf(escape, e.msg))
	}
	for _, r := range e.reasons {
		parts = append(parts, "("+escapeIf(escape, valueString(r.val))+")")
	}
	return strings.Join(parts, " ")
}

// levelName names a level as the events do: debug, info, warning, error, with the
// distance from the name's level for levels between, as slog does ("info+2").
func levelName(l slog.Level) string {
	name, base := "error", slog.LevelError
	switch {
	case l < slog.LevelInfo:
		name, base = "debug", slog.LevelDebug
	case l < slog.LevelWarn:
		name, base = "info", slog.LevelInfo
	case l < slog.LevelError:
		name, base = "warning", slog.LevelWarn
	}
	if l == base {
		return name
	}
	return fmt.Sprintf("%s%+d", name, int(l-base))
}

// quoteValue returns s as it is when it reads as one word, and quoted as a Go
// string otherwise (empty, or with a space, a quote, "=" or a character not printable).
func quoteValue(s string) string {
	if s == "" || strings.ContainsFunc(s, needsQuote) || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	return s
}

// needsQuote reports whether r cannot stand in a value as it is.
func needsQuote(r rune) bool {
	return r == ' ' || r == '"' || r == '=' || r == '\\' || !unicode.IsPrint(r)
}

// escapeIf returns s with its control and unprintable characters escaped as in a Go
// string (a newline as \n, a bad byte as \xff) when escape is true, and s otherwise.
func escapeIf(escape bool, s string) string {
	if !escape || (utf8.ValidString(s) && !strings.ContainsFunc(s, unprintable)) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unprintable(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// unprintable reports whether r would break a line or not show (a space shows).
func unprintable(r rune) bool { return !unicode.IsPrint(r) }
