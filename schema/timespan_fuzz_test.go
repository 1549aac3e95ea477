package schema

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseTimeSpan checks that ParseTimeSpan never panics, agrees with an
// independent regular-expression model of the grammar, and that every value it
// accepts survives its canonical spelling, its own spelling and a text round trip.
func FuzzParseTimeSpan(f *testing.F) {
	for _, tt := range validTimeSpans {
		f.Add(tt.in, uint8(FormatString))
	}
	for _, s := range []string{
		"", " ", "-", "1:2:3:4", "00:60:00", "1.24:00:00", "00:20:00x", "01:30.5",
		"00:00:00.12345678", "10675199.02:48:05.4775808", "256204779:00:00",
		"\u00a0-1.02:03:04.5\u2028", "00:20:00\xff", "٠٠:٢٠:٠٠",
	} {
		f.Add(s, uint8(FormatString))
	}
	for _, s := range []string{"90", " -5 ", "922337203685", "922337203686", "1.5", "00:01:30"} {
		f.Add(s, uint8(FormatSeconds))
		f.Add(s, uint8(FormatMinutes))
	}
	f.Fuzz(func(t *testing.T, s string, format uint8) {
		fm := TimeSpanFormat(format % 3)
		ts, err := ParseTimeSpan(s, fm)

		wantTicks, wantOK := tsModelParse(s, fm)
		if err != nil {
			if wantOK {
				t.Fatalf("ParseTimeSpan(%q, %v) error %v; the model accepts it as %d ticks", s, fm, err, wantTicks)
			}
			if prefix := "timespan " + strconv.Quote(s) + ": "; !strings.HasPrefix(err.Error(), prefix) {
				t.Fatalf("ParseTimeSpan(%q, %v) error %q lacks prefix %q", s, fm, err, prefix)
			}
			return
		}
		if !wantOK {
			t.Fatalf("ParseTimeSpan(%q, %v) = %d ticks; the model rejects it", s, fm, ts.Ticks())
		}
		if ts.Ticks() != wantTicks {
			t.Fatalf("ParseTimeSpan(%q, %v) = %d ticks, the model says %d", s, fm, ts.Ticks(), wantTicks)
		}
		if ts.String() != s {
			t.Fatalf("ParseTimeSpan(%q, %v).String() = %q, want the input", s, fm, ts.String())
		}

		c := ts.Canonical()
		back, err := ParseTimeSpan(c, FormatString)
		if err != nil {
			t.Fatalf("ParseTimeSpan(%q, %v).Canonical() = %q does not parse: %v", s, fm, c, err)
		}
		if !back.Equal(ts) {
			t.Fatalf("canonical %q of %q parses as %d ticks, want %d", c, s, back.Ticks(), ts.Ticks())
		}
		if back.Canonical() != c {
			t.Fatalf("canonical %q of %q is not canonical: it reads back as %q", c, s, back.Canonical())
		}

		again, err := ParseTimeSpan(ts.String(), fm)
		if err != nil || again != ts {
			t.Fatalf("reparsing the spelling %q gave %#v, %v; want %#v", ts.String(), again, err, ts)
		}

		text, err := ts.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText of %q: %v", s, err)
		}
		var u TimeSpan
		if err := u.UnmarshalText(text); err != nil || !u.Equal(ts) {
			t.Fatalf("MarshalText of %q = %q reads back as %d ticks, %v; want %d", s, text, u.Ticks(), err, ts.Ticks())
		}
	})
}

var (
	// tsModelString is the FormatString grammar, after trimming white space.
	tsModelString = regexp.MustCompile(`^(-?)(?:([0-9]+)|(?:([0-9]+)\.)?([0-9]+):([0-9]+)(?::([0-9]+)(?:\.([0-9]{1,7}))?)?)$`)
	// tsModelCount is the FormatSeconds and FormatMinutes grammar, after trimming.
	tsModelCount = regexp.MustCompile(`^(-?)([0-9]+)$`)
)

// tsModelParse is an independent, slow statement of ParseTimeSpan's rules in terms of
// regular expressions and big integers. It returns the ticks s stands for and whether
// s is valid.
func tsModelParse(s string, f TimeSpanFormat) (int64, bool) {
	s = strings.TrimSpace(s)
	num := func(digits string) *big.Int {
		n, _ := new(big.Int).SetString(digits, 10)
		return n
	}
	total := new(big.Int)
	var neg bool
	switch f {
	case FormatString:
		m := tsModelString.FindStringSubmatch(s)
		if m == nil {
			return 0, false
		}
		neg = m[1] == "-"
		if m[2] != "" { // days alone
			days := num(m[2])
			if days.Cmp(big.NewInt(10675199)) > 0 {
				return 0, false
			}
			total.Mul(days, big.NewInt(864_000_000_000))
			break
		}
		hours, minutes := num(m[4]), num(m[5])
		if m[3] != "" {
			days := num(m[3])
			if days.Cmp(big.NewInt(10675199)) > 0 || hours.Cmp(big.NewInt(23)) > 0 {
				return 0, false
			}
			total.Mul(days, big.NewInt(864_000_000_000))
		}
		if minutes.Cmp(big.NewInt(59)) > 0 {
			return 0, false
		}
		total.Add(total, new(big.Int).Mul(hours, big.NewInt(36_000_000_000)))
		total.Add(total, new(big.Int).Mul(minutes, big.NewInt(600_000_000)))
		if m[6] != "" {
			seconds := num(m[6])
			if seconds.Cmp(big.NewInt(59)) > 0 {
				return 0, false
			}
			total.Add(total, new(big.Int).Mul(seconds, big.NewInt(10_000_000)))
		}
		if m[7] != "" {
			total.Add(total, num((m[7] + "000000")[:7]))
		}
	case FormatSeconds, FormatMinutes:
		m := tsModelCount.FindStringSubmatch(s)
		if m == nil {
			return 0, false
		}
		neg = m[1] == "-"
		unit := big.NewInt(10_000_000)
		if f == FormatMinutes {
			unit = big.NewInt(600_000_000)
		}
		total.Mul(num(m[2]), unit)
	}
	if neg {
		total.Neg(total)
	}
	if total.Cmp(big.NewInt(math.MinInt64)) < 0 || total.Cmp(big.NewInt(math.MaxInt64)) > 0 {
		return 0, false
	}
	return total.Int64(), true
}
