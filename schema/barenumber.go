package schema

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// BareNumber is a timeSpan written as a bare whole number ("45"), which .NET's
// TimeSpan.Parse, and so IIS, reads as a number of days, not of seconds or minutes.
type BareNumber struct {
	// Number is the number as written, without surrounding white space.
	Number string
	// Days is the value IIS reads: Number days.
	Days TimeSpan
	// Alternatives says how to write the number in the units an administrator more
	// likely meant, where the attribute accepts them: "for 45 minutes write 00:45:00".
	Alternatives []string
}

// BareNumber reports whether text, a value of the attribute, is a bare non-zero whole
// number that IIS reads as days: the attribute is a timeSpan spelled as .NET text
// (not one the schema counts in seconds or minutes) and text parses. Zero is left
// out: it is the same length of time in every unit.
func (a *Attribute) BareNumber(text string) (BareNumber, bool) {
	if a.Type != TimeSpanType || a.TimeSpanFormat != FormatString {
		return BareNumber{}, false
	}
	num := strings.TrimSpace(text)
	if !nonZeroDigits(strings.TrimPrefix(num, "-")) {
		return BareNumber{}, false
	}
	days, err := ParseTimeSpan(text, FormatString)
	if err != nil {
		return BareNumber{}, false
	}
	b := BareNumber{Number: num, Days: days}
	n, _ := strconv.ParseInt(num, 10, 64) // at most 10675199: it parsed as days
	for _, u := range []struct {
		name string
		unit time.Duration
	}{{"second", time.Second}, {"minute", time.Minute}} {
		alt := TimeSpanOf(time.Duration(n) * u.unit).Canonical()
		if _, err := a.ParseAndValidate(alt); err == nil {
			b.Alternatives = append(b.Alternatives, fmt.Sprintf("for %s %s write %s", num, plural(n, u.name), alt))
		}
	}
	return b, true
}

// Reading says how IIS reads the number: "45 is read as 45 days (45.00:00:00)".
func (b BareNumber) Reading() string {
	return fmt.Sprintf("%s is read as %s (%s)", b.Number, b.InDays(), b.Days.Canonical())
}

// InDays returns the number as days: "45 days", "1 day".
func (b BareNumber) InDays() string {
	n, _ := strconv.ParseInt(b.Number, 10, 64)
	return b.Number + " " + plural(n, "day")
}

// Hint says how IIS reads the number and how to write what was more likely meant:
// "45 is read as 45 days (45.00:00:00); for 45 minutes write 00:45:00".
func (b BareNumber) Hint() string {
	if len(b.Alternatives) == 0 {
		return b.Reading()
	}
	return b.Reading() + "; " + strings.Join(b.Alternatives, ", ")
}

// plural returns unit, with an "s" unless n is 1 or -1.
func plural(n int64, unit string) string {
	if n == 1 || n == -1 {
		return unit
	}
	return unit + "s"
}

// nonZeroDigits reports whether s is decimal digits, not all of them zero. Lint asks
// it of every timeSpan value, nearly all of which stop at their first colon.
func nonZeroDigits(s string) bool {
	nonZero := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < '0' || c > '9':
			return false
		case c != '0':
			nonZero = true
		}
	}
	return nonZero
}
