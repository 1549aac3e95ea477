package schema

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/poolctl/poolctl/internal/excerpt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// TimeSpanFormat says how a timeSpan attribute is spelled on disk. It is the
// timeSpanFormat of the IIS schema; the zero value is FormatString, the schema's
// default.
type TimeSpanFormat int

// The spellings of a timeSpan attribute.
const (
	// FormatString is .NET TimeSpan text such as "00:20:00" or "1.05:00:00".
	FormatString TimeSpanFormat = iota
	// FormatSeconds is a whole number of seconds such as "90".
	FormatSeconds
	// FormatMinutes is a whole number of minutes such as "20".
	FormatMinutes
)

// String returns the format's name as the IIS schema spells it: "string", "seconds" or
// "minutes".
func (f TimeSpanFormat) String() string {
	switch f {
	case FormatString:
		return "string"
	case FormatSeconds:
		return "seconds"
	case FormatMinutes:
		return "minutes"
	}
	return fmt.Sprintf("TimeSpanFormat(%d)", int(f))
}

// Tick counts of the .NET TimeSpan. A tick is 100 nanoseconds.
const (
	ticksPerSecond = 10_000_000
	ticksPerMinute = 60 * ticksPerSecond
	ticksPerHour   = 60 * ticksPerMinute
	ticksPerDay    = 24 * ticksPerHour

	// maxTimeSpanDays is the largest day count a .NET TimeSpan can hold.
	maxTimeSpanDays = math.MaxInt64 / ticksPerDay // 10675199
	// maxTimeSpanHours is the largest hour count a TimeSpan can hold when there is no day part.
	maxTimeSpanHours = math.MaxInt64 / ticksPerHour // 256204778
	// maxTimeSpanMagnitude is the largest tick count a negative TimeSpan can hold (-MinInt64).
	maxTimeSpanMagnitude = uint64(math.MaxInt64) + 1
)

// TimeSpan is an IIS/.NET TimeSpan value that remembers how it was spelled.
//
// Its value is a signed count of 100-nanosecond ticks, the full range of .NET's
// TimeSpan (about ±29,227 years, wider than time.Duration). A TimeSpan made by
// ParseTimeSpan keeps the text it was parsed from, so that String can write it back
// unchanged; one made by TimeSpanOf, and the zero value (zero ticks), have only their
// canonical spelling.
//
// Two TimeSpans with the same value but different spellings are different to ==; use
// Equal or Compare to compare values. Equal also makes github.com/google/go-cmp
// compare TimeSpans by value.
type TimeSpan struct {
	ticks  int64
	text   string         // the parsed text, "" if none
	format TimeSpanFormat // how text is spelled
}

// ParseTimeSpan parses s as a timeSpan attribute spelled in format f.
//
// With FormatString, s is .NET TimeSpan text, parsed as .NET's TimeSpan.Parse does
// with the invariant culture, widened as IIS's configuration system needs:
//
//	[ws][-]{ d | [d.]hh:mm[:ss[.fffffff]] }[ws]
//
// d is days, 0 to 10675199; a bare number is a number of days, as in .NET, so "5" is
// five days, not five seconds. hh is hours, 0 to 23 after a day part; without a day
// part hours may exceed 23 ("29:00:00" is 29 hours), as IIS's own schema defaults
// require, although .NET's TimeSpan.Parse rejects them. mm is minutes and ss seconds,
// 0 to 59; each of d, hh, mm and ss is one or more ASCII digits. The fraction of a
// second, after the seconds only, has 1 to 7 digits. White space (Unicode, as .NET
// trims it) may surround the value but not appear inside it; only '-' is a sign.
// Unlike .NET's culture-dependent forms, a colon never separates days ("1:02:03:04"
// is rejected) and fractions never have more than 7 digits.
//
// With FormatSeconds or FormatMinutes, s is a whole number of seconds or minutes:
// optional surrounding white space, an optional '-', and one or more ASCII digits.
//
// Negative values are accepted; the range is that of .NET's TimeSpan,
// -10675199.02:48:05.4775808 to 10675199.02:48:05.4775807. The result's String
// returns s itself. Errors name s, what is wrong and, where it helps, the byte offset
// in s.
func ParseTimeSpan(s string, f TimeSpanFormat) (TimeSpan, error) {
	p := tsParser{s: s}
	var (
		ticks int64
		err   error
	)
	switch f {
	case FormatString:
		ticks, err = p.parseString()
	case FormatSeconds:
		ticks, err = p.parseCount("seconds", ticksPerSecond)
	case FormatMinutes:
		ticks, err = p.parseCount("minutes", ticksPerMinute)
	default:
		err = fmt.Errorf("unknown format %v", f)
	}
	if err != nil {
		return TimeSpan{}, fmt.Errorf("timespan %q: %w", excerpt.String(s), err)
	}
	return TimeSpan{ticks: ticks, text: s, format: f}, nil
}

// MustParseTimeSpan is like ParseTimeSpan with FormatString but panics if s cannot be
// parsed. It is meant for tables and tests whose values are known to be valid.
func MustParseTimeSpan(s string) TimeSpan {
	t, err := ParseTimeSpan(s, FormatString)
	if err != nil {
		panic(err)
	}
	return t
}

// TimeSpanOf returns the TimeSpan of d, with its canonical spelling. Nanoseconds
// beyond the last whole tick of 100 ns are dropped, rounding toward zero.
func TimeSpanOf(d time.Duration) TimeSpan {
	return TimeSpan{ticks: int64(d / 100)}
}

// Duration returns t as a time.Duration. Values beyond the range of time.Duration,
// about ±292 years, saturate to its minimum or maximum.
func (t TimeSpan) Duration() time.Duration {
	const limit = math.MaxInt64 / 100
	switch {
	case t.ticks > limit:
		return math.MaxInt64
	case t.ticks < -limit:
		return math.MinInt64
	}
	return time.Duration(t.ticks * 100)
}

// Ticks returns t as a count of 100-nanosecond ticks, the unit of .NET's TimeSpan.
func (t TimeSpan) Ticks() int64 { return t.ticks }

// Seconds returns t as a floating-point number of seconds.
func (t TimeSpan) Seconds() float64 {
	sec := t.ticks / ticksPerSecond
	frac := t.ticks % ticksPerSecond
	return float64(sec) + float64(frac)/ticksPerSecond
}

// String returns the text t was parsed from, unchanged, or its canonical spelling if
// it was not parsed.
func (t TimeSpan) String() string {
	if t.text != "" {
		return t.text
	}
	return t.Canonical()
}

// Canonical returns t in .NET's constant ("c") format, [-][d.]hh:mm:ss[.fffffff]: the
// day part only when t is at least a day long, two-digit hours, minutes and seconds,
// and seven fraction digits only when t is not a whole number of seconds. For example
// 29 hours is "1.05:00:00" and 1.5 seconds is "00:00:01.5000000".
func (t TimeSpan) Canonical() string {
	var buf [32]byte
	b := buf[:0]
	mag := uint64(t.ticks)
	if t.ticks < 0 {
		b = append(b, '-')
		mag = -mag // two's complement; correct for math.MinInt64 too
	}
	days := mag / ticksPerDay
	rest := mag % ticksPerDay
	if days > 0 {
		b = strconv.AppendUint(b, days, 10)
		b = append(b, '.')
	}
	b = tsAppendPadded(b, rest/ticksPerHour, 2)
	b = append(b, ':')
	b = tsAppendPadded(b, rest/ticksPerMinute%60, 2)
	b = append(b, ':')
	b = tsAppendPadded(b, rest/ticksPerSecond%60, 2)
	if frac := rest % ticksPerSecond; frac != 0 {
		b = append(b, '.')
		b = tsAppendPadded(b, frac, 7)
	}
	return string(b)
}

// canonicalIn returns t as a timeSpan spelled in format f writes it: a whole count of
// seconds or minutes (rounded toward zero), or the constant format of Canonical.
func (t TimeSpan) canonicalIn(f TimeSpanFormat) string {
	switch f {
	case FormatSeconds:
		return strconv.FormatInt(t.ticks/ticksPerSecond, 10)
	case FormatMinutes:
		return strconv.FormatInt(t.ticks/ticksPerMinute, 10)
	}
	return t.Canonical()
}

// tsAppendPadded appends v in decimal to b with leading zeros to at least width digits.
func tsAppendPadded(b []byte, v uint64, width int) []byte {
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], v, 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// Equal reports whether t and u are the same length of time, however they are
// spelled.
func (t TimeSpan) Equal(u TimeSpan) bool { return t.ticks == u.ticks }

// Compare compares the values of t and u, ignoring their spellings. It returns -1 if
// t is shorter than u, 0 if they are equal and +1 if t is longer.
func (t TimeSpan) Compare(u TimeSpan) int { return cmp.Compare(t.ticks, u.ticks) }

// MarshalText implements encoding.TextMarshaler. It returns t's original text if t
// was parsed with FormatString, so that the spelling survives a round trip, and its
// canonical spelling otherwise (a count of seconds or minutes would read back as
// days).
func (t TimeSpan) MarshalText() ([]byte, error) {
	if t.text != "" && t.format == FormatString {
		return []byte(t.text), nil
	}
	return []byte(t.Canonical()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It parses text with
// ParseTimeSpan and FormatString, and leaves t unchanged on error.
func (t *TimeSpan) UnmarshalText(text []byte) error {
	v, err := ParseTimeSpan(string(text), FormatString)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// tsParser scans one timeSpan value. Offsets are bytes into s.
type tsParser struct {
	s   string
	pos int // next byte to read
	end int // end of the value, before trailing white space
}

// trim skips leading white space and sets p.end before trailing white space. It
// reports an error if nothing is left.
func (p *tsParser) trim() error {
	v := strings.TrimLeftFunc(p.s, unicode.IsSpace)
	p.pos = len(p.s) - len(v)
	p.end = p.pos + len(strings.TrimRightFunc(v, unicode.IsSpace))
	if p.pos == p.end {
		return errors.New("empty")
	}
	return nil
}

// tsEOF is what peek returns at the end of the value. It is not a byte, so that a NUL
// byte in the value is not taken for its end.
const tsEOF = -1

// peek returns the next byte, or tsEOF at the end of the value.
func (p *tsParser) peek() int {
	if p.pos < p.end {
		return int(p.s[p.pos])
	}
	return tsEOF
}

// sign consumes an optional '-' and reports whether it was there.
func (p *tsParser) sign() bool {
	if p.peek() == '-' {
		p.pos++
		return true
	}
	return false
}

// unexpected reports the byte at p.pos, or the end of the value, where want was
// expected; want may be empty.
func (p *tsParser) unexpected(want string) error {
	var msg string
	if p.pos >= p.end {
		msg = "unexpected end"
	} else {
		r, size := utf8.DecodeRuneInString(p.s[p.pos:p.end])
		if r == utf8.RuneError && size <= 1 {
			msg = fmt.Sprintf("unexpected byte 0x%02x at offset %d", p.s[p.pos], p.pos)
		} else {
			msg = fmt.Sprintf("unexpected %q at offset %d", r, p.pos)
		}
	}
	if want != "" {
		msg += ", want " + want
	}
	return errors.New(msg)
}

// number consumes one or more ASCII digits and returns them with their value, which
// saturates at math.MaxUint64. name says what the digits are for the error if there
// are none.
func (p *tsParser) number(name string) (digits string, v uint64, err error) {
	start := p.pos
	for p.pos < p.end && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
		d := uint64(p.s[p.pos] - '0')
		if v > (math.MaxUint64-d)/10 {
			v = math.MaxUint64
		} else {
			v = v*10 + d
		}
		p.pos++
	}
	if p.pos == start {
		return "", 0, p.unexpected(name)
	}
	return p.s[start:p.pos], v, nil
}

// component consumes a number named name and checks that it is at most max.
func (p *tsParser) component(name string, max uint64) (uint64, error) {
	digits, v, err := p.number(name)
	if err != nil {
		return 0, err
	}
	if v > max {
		return 0, fmt.Errorf("%s %s out of range 0-%d", name, digits, max)
	}
	return v, nil
}

// parseString parses the FormatString spelling of p.s and returns its ticks.
func (p *tsParser) parseString() (int64, error) {
	if err := p.trim(); err != nil {
		return 0, err
	}
	neg := p.sign()
	firstDigits, first, err := p.number("days or hours")
	if err != nil {
		return 0, err
	}

	var days, hours uint64
	switch p.peek() {
	case tsEOF: // d
		if first > maxTimeSpanDays {
			return 0, fmt.Errorf("days %s out of range 0-%d", firstDigits, maxTimeSpanDays)
		}
		return tsSigned(neg, first*ticksPerDay)
	case '.': // d.hh:mm...
		if first > maxTimeSpanDays {
			return 0, fmt.Errorf("days %s out of range 0-%d", firstDigits, maxTimeSpanDays)
		}
		days = first
		p.pos++
		if hours, err = p.component("hours", 23); err != nil {
			return 0, err
		}
		if p.peek() != ':' {
			return 0, p.unexpected("':' after hours")
		}
	case ':': // hh:mm... with hours unbounded, as IIS allows
		if first > maxTimeSpanHours {
			return 0, tsOutOfRange(neg)
		}
		hours = first
	default:
		return 0, p.unexpected("'.' or ':'")
	}
	p.pos++ // ':' after hours

	minutes, err := p.component("minutes", 59)
	if err != nil {
		return 0, err
	}
	var seconds, fraction uint64
	switch p.peek() {
	case tsEOF:
	case ':':
		p.pos++
		if seconds, err = p.component("seconds", 59); err != nil {
			return 0, err
		}
		switch p.peek() {
		case tsEOF:
		case '.':
			p.pos++
			if fraction, err = p.fraction(); err != nil {
				return 0, err
			}
			if p.peek() != tsEOF {
				return 0, p.unexpected("")
			}
		case ':':
			return 0, fmt.Errorf("too many ':' parts: extra ':' at offset %d", p.pos)
		default:
			return 0, p.unexpected("'.' or end")
		}
	case '.':
		return 0, fmt.Errorf("fraction at offset %d needs seconds before it", p.pos)
	default:
		return 0, p.unexpected("':' or end")
	}

	// Each term is bounded (days by maxTimeSpanDays, or hours by maxTimeSpanHours without days), so
	// the sum cannot overflow uint64; signed checks it against the TimeSpan range.
	mag := days*ticksPerDay + hours*ticksPerHour + minutes*ticksPerMinute + seconds*ticksPerSecond + fraction
	return tsSigned(neg, mag)
}

// fraction consumes 1 to 7 fraction digits and returns them as ticks.
func (p *tsParser) fraction() (uint64, error) {
	start := p.pos
	digits, v, err := p.number("fraction digits")
	if err != nil {
		return 0, err
	}
	if len(digits) > 7 {
		return 0, fmt.Errorf("fraction %s at offset %d has more than 7 digits", digits, start)
	}
	for range 7 - len(digits) {
		v *= 10
	}
	return v, nil
}

// parseCount parses a whole number of units, each unit ticks long, named name.
func (p *tsParser) parseCount(name string, unit uint64) (int64, error) {
	if err := p.trim(); err != nil {
		return 0, err
	}
	neg := p.sign()
	_, v, err := p.number("a whole number of " + name)
	if err != nil {
		return 0, err
	}
	if p.peek() != tsEOF {
		return 0, p.unexpected("a whole number of " + name)
	}
	if v > maxTimeSpanMagnitude/unit {
		return 0, tsOutOfRange(neg)
	}
	return tsSigned(neg, v*unit)
}

// signed returns the tick count of magnitude mag with the given sign, or an error if
// it lies outside the TimeSpan range.
func tsSigned(neg bool, mag uint64) (int64, error) {
	if neg {
		if mag > maxTimeSpanMagnitude {
			return 0, tsOutOfRange(neg)
		}
		return int64(-mag), nil // two's complement; correct for maxTimeSpanMagnitude too
	}
	if mag > math.MaxInt64 {
		return 0, tsOutOfRange(neg)
	}
	return int64(mag), nil
}

// tsOutOfRange is the error for a value beyond the TimeSpan range.
func tsOutOfRange(neg bool) error {
	if neg {
		return fmt.Errorf("below the minimum TimeSpan %s", TimeSpan{ticks: math.MinInt64}.Canonical())
	}
	return fmt.Errorf("above the maximum TimeSpan %s", TimeSpan{ticks: math.MaxInt64}.Canonical())
}
