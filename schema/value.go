package schema

import (
	"fmt"
	"github.com/poolctl/poolctl/internal/excerpt"
	"strconv"
	"strings"
)

// Spelling says how closely a value's text matches the name the schema gives it.
type Spelling int

// The spellings of enum, flag and bool values.
const (
	// Exact is the schema's own spelling.
	Exact Spelling = iota
	// OtherCase is the schema's name in other letter case ("networkservice"). IIS
	// accepts it: an attribute's values are case-insensitive unless the schema marks
	// it caseSensitive (IAppHostPropertySchema::IsCaseSensitive).
	OtherCase
	// Numeric is an enum or flags value written as its number ("4"). Whether every IIS
	// version accepts it is not documented; lint reports it.
	Numeric
)

// Value is an attribute value parsed by its attribute's type.
type Value struct {
	Type Type
	// Text is the value as written.
	Text string
	// Bool holds a bool value.
	Bool bool
	// Int holds uint, int and int64 values, an enum's numeric value and the bits of a
	// flags value.
	Int int64
	// Span holds a timeSpan value.
	Span TimeSpan
	// Names holds the canonical name of an enum value, or of each flag set, in the
	// schema's order.
	Names []string
	// Spelling says whether enum, flag and bool text used the schema's spelling.
	Spelling Spelling
}

// String returns the value in the schema's canonical spelling: enum and flag names as
// declared, bools as "true"/"false", numbers in decimal, timeSpans as written.
func (v Value) String() string {
	switch v.Type {
	case Bool:
		return strconv.FormatBool(v.Bool)
	case Enum, Flags:
		return strings.Join(v.Names, ", ")
	case Uint, Int, Int64:
		return strconv.FormatInt(v.Int, 10)
	case TimeSpanType:
		return v.Span.String()
	}
	return v.Text
}

// Canonical returns the value as IIS writes it: enum and flag names as the schema
// spells them (flags in the schema's order, joined by ", "), bools "true" or "false",
// numbers in decimal without leading zeros, timeSpans in .NET's constant format
// ([-][d.]hh:mm:ss[.fffffff], the day part only when there are days), or as a count
// for a timeSpan the schema counts in seconds or minutes; strings as written.
func (v Value) Canonical() string {
	if v.Type == TimeSpanType {
		return v.Span.canonicalIn(v.Span.format)
	}
	return v.String()
}

// Canonical returns text as IIS writes the attribute's value (see Value.Canonical), or
// text unchanged when the attribute is encrypted or rejects it (by its type or its
// validator), so that a message about the value can quote it as it was given.
func (a *Attribute) Canonical(text string) string {
	if a.Encrypted {
		return text
	}
	v, err := a.ParseAndValidate(text)
	if err != nil {
		return text
	}
	return v.Canonical()
}

// Equal reports whether two values are the same value: timeSpans by duration, enums and
// flags by number, strings exactly (caseSensitive or not, IIS compares stored text).
func (v Value) Equal(w Value) bool {
	if v.Type != w.Type {
		return false
	}
	switch v.Type {
	case Bool:
		return v.Bool == w.Bool
	case Enum, Flags, Uint, Int, Int64:
		return v.Int == w.Int
	case TimeSpanType:
		return v.Span.Equal(w.Span)
	}
	return v.Text == w.Text
}

// ValueError reports a value its attribute's type or validator rejects.
type ValueError struct {
	Attribute string
	Text      string
	// Offset is the byte offset in Text where the problem starts, or -1.
	Offset int
	Msg    string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("attribute %s: invalid value %q: %s", e.Attribute, excerpt.String(e.Text), e.Msg)
}

func (a *Attribute) errorf(text string, format string, args ...any) *ValueError {
	return &ValueError{Attribute: a.Name, Text: text, Offset: -1, Msg: fmt.Sprintf(format, args...)}
}

// Parse parses text by the attribute's type. It checks the type only (a uint is a
// number from 0 to 4294967295, an enum one of the names this version knows); the
// validator is Validate's job.
func (a *Attribute) Parse(text string) (Value, error) {
	v := Value{Type: a.Type, Text: text}
	var err error
	switch a.Type {
	case Bool:
		err = a.parseBool(text, &v)
	case Enum:
		err = a.parseEnum(text, &v)
	case Flags:
		err = a.parseFlags(text, &v)
	case Uint:
		err = a.parseInt(text, 0, 1<<32-1, &v)
	case Int:
		err = a.parseInt(text, -1<<31, 1<<31-1, &v)
	case Int64:
		err = a.parseInt(text, -1<<63, 1<<63-1, &v)
	case TimeSpanType:
		v.Span, err = ParseTimeSpan(text, a.TimeSpanFormat)
		if err != nil {
			err = a.errorf(text, "%v", err)
		}
	}
	if err != nil {
		return Value{}, err
	}
	return v, nil
}

func (a *Attribute) parseBool(text string, v *Value) error {
	switch {
	case text == "true" || text == "false":
		v.Bool = text == "true"
	case strings.EqualFold(text, "true") || strings.EqualFold(text, "false"):
		v.Bool, v.Spelling = strings.EqualFold(text, "true"), OtherCase
	default:
		return a.errorf(text, "not a bool (want true or false)")
	}
	return nil
}

func (a *Attribute) parseInt(text string, min, max int64, v *Value) error {
	num := text
	if len(text) > maxIntLen {
		short, ok := shortInt(text)
		if !ok {
			return a.errorf(text, "not a %s (want a whole number from %d to %d)", a.Type, min, max)
		}
		if len(short) > maxIntLen {
			short = short[:maxIntLen] // still out of range
		}
		num = short
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil && !isRangeErr(err) || strings.HasPrefix(text, "+") {
		return a.errorf(text, "not a %s (want a whole number from %d to %d)", a.Type, min, max)
	}
	if err != nil || n < min || n > max {
		return a.errorf(text, "out of the %s range %d to %d", a.Type, min, max)
	}
	v.Int = n
	return nil
}

// maxIntLen is longer than any number strconv.ParseInt reads without leading zeros: a
// sign and 19 digits.
const maxIntLen = 64

// shortInt returns text without the leading zeros of its digits, for strconv, which
// copies its whole input into its errors; ok is false when text is not a number.
func shortInt(text string) (s string, ok bool) {
	neg, digits := "", text
	if rest, found := strings.CutPrefix(text, "-"); found {
		neg, digits = "-", rest
	}
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return "", false
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		digits = "0"
	}
	return neg + digits, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// lookupValue finds an enum or flag value by name, case-insensitively unless the
// attribute is case-sensitive, or by number.
func (a *Attribute) lookupValue(values []EnumValue, name string) (EnumValue, Spelling, bool) {
	for _, e := range values {
		if e.Name == name {
			return e, Exact, true
		}
	}
	if !a.CaseSensitive {
		for _, e := range values {
			if strings.EqualFold(e.Name, name) {
				return e, OtherCase, true
			}
		}
	}
	if num, ok := shortInt(name); !ok || len(num) > maxIntLen {
		return EnumValue{}, Exact, false // not a number (strconv would copy name into its error)
	}
	if n, err := strconv.ParseInt(name, 10, 64); err == nil {
		for _, e := range values {
			if e.Value == n {
				return e, Numeric, true
			}
		}
	}
	return EnumValue{}, Exact, false
}

func (a *Attribute) parseEnum(text string, v *Value) error {
	e, sp, ok := a.lookupValue(a.Enum, text)
	if !ok {
		return a.errorf(text, "enum must be one of %s", valueNames(a.Enum))
	}
	v.Int, v.Names, v.Spelling = e.Value, []string{e.Name}, sp
	return nil
}

// parseFlags parses comma-separated flag names; spaces around names are allowed, as in
// the schema's own defaults ("Time, Memory, PrivateMemory"). An empty value sets no
// flags.
func (a *Attribute) parseFlags(text string, v *Value) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	for part := range strings.SplitSeq(text, ",") {
		name := strings.TrimSpace(part)
		e, sp, ok := a.lookupValue(a.Flags, name)
		if !ok {
			return a.errorf(text, "flag %q is not one of %s", excerpt.String(name), valueNames(a.Flags))
		}
		v.Int |= e.Value
		if sp > v.Spelling {
			v.Spelling = sp
		}
	}
	for _, e := range a.Flags {
		if v.Int&e.Value != 0 || v.Int == 0 && e.Value == 0 {
			v.Names = append(v.Names, e.Name)
		}
	}
	return nil
}

func valueNames(values []EnumValue) string {
	names := make([]string, len(values))
	for i, e := range values {
		names[i] = e.Name
	}
	return strings.Join(names, ", ")
}

// Value returns the named enum or flag value, matched as Parse matches names; ok is
// false when the name is not one of the attribute's values.
func (a *Attribute) Value(name string) (EnumValue, bool) {
	e, _, ok := a.lookupValue(append(append([]EnumValue{}, a.Enum...), a.Flags...), name)
	return e, ok
}
