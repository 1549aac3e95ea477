package schema

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// tsTicks converts d to 100-ns ticks, to state expectations independently of the code
// under test.
func tsTicks(d time.Duration) int64 { return int64(d / 100) }

const tsDay = 24 * time.Hour

// validTimeSpans are FormatString spellings that ParseTimeSpan accepts, with their
// values and canonical forms.
var validTimeSpans = []struct {
	in        string
	ticks     int64
	canonical string
}{
	{"00:20:00", tsTicks(20 * time.Minute), "00:20:00"},
	{"0.00:20:00", tsTicks(20 * time.Minute), "00:20:00"},
	{"1.05:00:00", tsTicks(29 * time.Hour), "1.05:00:00"},
	{"29:00:00", tsTicks(29 * time.Hour), "1.05:00:00"}, // IIS: hours > 23 without days
	{"00:00:30", tsTicks(30 * time.Second), "00:00:30"},
	{"-00:00:01", tsTicks(-time.Second), "-00:00:01"},
	{"10675199.02:48:05.4775807", math.MaxInt64, "10675199.02:48:05.4775807"},
	{"-10675199.02:48:05.4775808", math.MinInt64, "-10675199.02:48:05.4775808"},
	{"00:00:00.1", tsTicks(100 * time.Millisecond), "00:00:00.1000000"},
	{"00:00:00.0000001", 1, "00:00:00.0000001"},
	{"00:00:00.9999999", tsTicks(time.Second) - 1, "00:00:00.9999999"},
	{" 00:01:30 ", tsTicks(90 * time.Second), "00:01:30"},
	{"\t00:05:00\r\n", tsTicks(5 * time.Minute), "00:05:00"},
	{"\u00a000:05:00\u3000", tsTicks(5 * time.Minute), "00:05:00"},
	{"5", tsTicks(5 * tsDay), "5.00:00:00"}, // a bare number is days
	{"-5", tsTicks(-5 * tsDay), "-5.00:00:00"},
	{"0", 0, "00:00:00"},
	{"-0", 0, "00:00:00"},
	{"10675199", 10675199 * tsTicks(tsDay), "10675199.00:00:00"},
	{"01:30", tsTicks(90 * time.Minute), "01:30:00"},
	{"48:00", tsTicks(2 * tsDay), "2.00:00:00"},
	{"1.05:00", tsTicks(29 * time.Hour), "1.05:00:00"},
	{"00:00:00", 0, "00:00:00"},
	{"00:00:00.000", 0, "00:00:00"},
	{"23:59:59.9999999", tsTicks(tsDay) - 1, "23:59:59.9999999"},
	{"1.23:59:59", tsTicks(2*tsDay - time.Second), "1.23:59:59"},
	{"00:00:01.5", tsTicks(1500 * time.Millisecond), "00:00:01.5000000"},
	{"-1.02:03:04.5", -tsTicks(tsDay + 2*time.Hour + 3*time.Minute + 4500*time.Millisecond), "-1.02:03:04.5000000"},
	{"0:0:0", 0, "00:00:00"},
	{"1:2:3", tsTicks(time.Hour + 2*time.Minute + 3*time.Second), "01:02:03"},
	{"00:059:00", tsTicks(59 * time.Minute), "00:59:00"},
	{"000000000000000000000001:00", tsTicks(time.Hour), "01:00:00"},
	{"256204778:00:00", 256204778 * tsTicks(time.Hour), "10675199.02:00:00"},
	{"-256204778:48:05.4775808", math.MinInt64, "-10675199.02:48:05.4775808"},
}

func TestParseTimeSpanValid(t *testing.T) {
	for _, tt := range validTimeSpans {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTimeSpan(tt.in, FormatString)
			if err != nil {
				t.Fatalf("ParseTimeSpan(%q) error: %v", tt.in, err)
			}
			type result struct {
				Ticks     int64
				Canonical string
				String    string
			}
			want := result{tt.ticks, tt.canonical, tt.in}
			if diff := cmp.Diff(want, result{got.Ticks(), got.Canonical(), got.String()}); diff != "" {
				t.Errorf("ParseTimeSpan(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			// The canonical form parses back to the same value and spells itself.
			back, err := ParseTimeSpan(got.Canonical(), FormatString)
			if err != nil {
				t.Fatalf("ParseTimeSpan(%q) (canonical) error: %v", got.Canonical(), err)
			}
			if !back.Equal(got) || back.String() != tt.canonical {
				t.Errorf("canonical %q parsed back as %d ticks spelled %q, want %d ticks", got.Canonical(), back.Ticks(), back.String(), tt.ticks)
			}
		})
	}
}

func TestParseTimeSpanInvalid(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"", "empty"},
		{" \t ", "empty"},
		{"00:60:00", "minutes 60 out of range 0-59"},
		{"00:00:60", "seconds 60 out of range 0-59"},
		{"1.24:00:00", "hours 24 out of range 0-23"},
		{"0.29:00:00", "hours 29 out of range 0-23"},
		{"10675200", "days 10675200 out of range 0-10675199"},
		{"10675200.00:00:00", "days 10675200 out of range 0-10675199"},
		{"99999999999999999999999", "days 99999999999999999999999 out of range 0-10675199"},
		{"10675199.02:48:05.4775808", "above the maximum TimeSpan 10675199.02:48:05.4775807"},
		{"-10675199.02:48:05.4775809", "below the minimum TimeSpan -10675199.02:48:05.4775808"},
		{"256204779:00:00", "above the maximum TimeSpan"},
		{"99999999999999999999999:00", "above the maximum TimeSpan"},
		{"1:2:3:4", "too many ':' parts: extra ':' at offset 5"},
		{"00:20:00:", "too many ':' parts"},
		{"1.02:03:04:05", "too many ':' parts"},
		{"00:20:00x", "unexpected 'x' at offset 8"},
		{"00:20:00.5x", "unexpected 'x' at offset 10"},
		{"1e3", "unexpected 'e' at offset 1"},
		{"abc", "unexpected 'a' at offset 0, want days or hours"},
		{"+00:01:00", "unexpected '+' at offset 0"},
		{"--1", "unexpected '-' at offset 1"},
		{"- 1", "unexpected ' ' at offset 1"},
		{"00 :01:00", "unexpected ' ' at offset 2"},
		{"00: 01:00", "unexpected ' ' at offset 3, want minutes"},
		{"1.2.3", "unexpected '.' at offset 3, want ':' after hours"},
		{"1.", "unexpected end, want hours"},
		{"1.05", "unexpected end, want ':' after hours"},
		{"-", "unexpected end, want days or hours"},
		{"00:", "unexpected end, want minutes"},
		{"00:20:", "unexpected end, want seconds"},
		{"00:00:00.", "unexpected end, want fraction digits"},
		{"00:00:00.12345678", "fraction 12345678 at offset 9 has more than 7 digits"},
		{"00:00:00.00000001", "has more than 7 digits"},
		{"01:30.5", "fraction at offset 5 needs seconds before it"},
		{"00:00:00.1.2", "unexpected '.' at offset 10"},
		{"\u0660\u0660:\u0662\u0660:\u0660\u0660", "unexpected '٠' at offset 0"}, // Arabic-Indic digits
		{"00:20:00\xff", "unexpected byte 0xff at offset 8"},
		{"P20M", "unexpected 'P' at offset 0"},
		{"0\x000", `unexpected '\x00' at offset 1`}, // a NUL byte is not the end
		{"00:20:00\x00", `unexpected '\x00' at offset 8`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTimeSpan(tt.in, FormatString)
			if err == nil {
				t.Fatalf("ParseTimeSpan(%q) = %q (%d ticks), want error containing %q", tt.in, got.Canonical(), got.Ticks(), tt.wantErr)
			}
			prefix := "timespan " + strconv.Quote(tt.in) + ": "
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.wantErr) {
				t.Errorf("ParseTimeSpan(%q) error %q, want prefix %q and %q", tt.in, msg, prefix, tt.wantErr)
			}
		})
	}
}

func TestParseTimeSpanCounts(t *testing.T) {
	tests := []struct {
		in        string
		format    TimeSpanFormat
		ticks     int64
		canonical string
		wantErr   string
	}{
		{in: "90", format: FormatSeconds, ticks: tsTicks(90 * time.Second), canonical: "00:01:30"},
		{in: "0", format: FormatSeconds, ticks: 0, canonical: "00:00:00"},
		{in: " 30 ", format: FormatSeconds, ticks: tsTicks(30 * time.Second), canonical: "00:00:30"},
		{in: "-5", format: FormatSeconds, ticks: tsTicks(-5 * time.Second), canonical: "-00:00:05"},
		{in: "0086400", format: FormatSeconds, ticks: tsTicks(tsDay), canonical: "1.00:00:00"},
		{in: "922337203685", format: FormatSeconds, ticks: 922337203685 * tsTicks(time.Second), canonical: "10675199.02:48:05"},
		{in: "-922337203685", format: FormatSeconds, ticks: -922337203685 * tsTicks(time.Second), canonical: "-10675199.02:48:05"},
		{in: "20", format: FormatMinutes, ticks: tsTicks(20 * time.Minute), canonical: "00:20:00"},
		{in: "1440", format: FormatMinutes, ticks: tsTicks(tsDay), canonical: "1.00:00:00"},
		{in: "-1", format: FormatMinutes, ticks: tsTicks(-time.Minute), canonical: "-00:01:00"},
		{in: "15372286728", format: FormatMinutes, ticks: 15372286728 * tsTicks(time.Minute), canonical: "10675199.02:48:00"},
		{in: "922337203686", format: FormatSeconds, wantErr: "above the maximum TimeSpan"},
		{in: "-922337203686", format: FormatSeconds, wantErr: "below the minimum TimeSpan"},
		{in: "15372286729", format: FormatMinutes, wantErr: "above the maximum TimeSpan"},
		{in: "99999999999999999999999", format: FormatMinutes, wantErr: "above the maximum TimeSpan"},
		{in: "1.5", format: FormatSeconds, wantErr: "unexpected '.' at offset 1, want a whole number of seconds"},
		{in: "00:01:30", format: FormatSeconds, wantErr: "unexpected ':' at offset 2, want a whole number of seconds"},
		{in: "00:20:00", format: FormatMinutes, wantErr: "unexpected ':' at offset 2, want a whole number of minutes"},
		{in: "5s", format: FormatSeconds, wantErr: "unexpected 's' at offset 1"},
		{in: "+5", format: FormatSeconds, wantErr: "unexpected '+' at offset 0"},
		{in: "-", format: FormatMinutes, wantErr: "unexpected end, want a whole number of minutes"},
		{in: "", format: FormatSeconds, wantErr: "empty"},
		{in: "  ", format: FormatMinutes, wantErr: "empty"},
		{in: "90", format: TimeSpanFormat(3), wantErr: "unknown format TimeSpanFormat(3)"},
		{in: "90", format: TimeSpanFormat(-1), wantErr: "unknown format TimeSpanFormat(-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.format.String()+"/"+tt.in, func(t *testing.T) {
			got, err := ParseTimeSpan(tt.in, tt.format)
			if tt.wantErr != "" {
				prefix := "timespan " + strconv.Quote(tt.in) + ": "
				if err == nil {
					t.Fatalf("ParseTimeSpan(%q, %v) = %q, want error containing %q", tt.in, tt.format, got.Canonical(), tt.wantErr)
				}
				if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.wantErr) {
					t.Errorf("ParseTimeSpan(%q, %v) error %q, want prefix %q and %q", tt.in, tt.format, msg, prefix, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTimeSpan(%q, %v) error: %v", tt.in, tt.format, err)
			}
			type result struct {
				Ticks     int64
				Canonical string
				String    string
			}
			want := result{tt.ticks, tt.canonical, tt.in}
			if diff := cmp.Diff(want, result{got.Ticks(), got.Canonical(), got.String()}); diff != "" {
				t.Errorf("ParseTimeSpan(%q, %v) mismatch (-want +got):\n%s", tt.in, tt.format, diff)
			}
		})
	}
}

func TestTimeSpanEqual(t *testing.T) {
	tests := []struct {
		a, b    TimeSpan
		equal   bool
		compare int
	}{
		{MustParseTimeSpan("00:20:00"), MustParseTimeSpan("0.00:20:00"), true, 0},
		{MustParseTimeSpan("29:00:00"), MustParseTimeSpan("1.05:00:00"), true, 0},
		{MustParseTimeSpan(" 00:01:30 "), TimeSpanOf(90 * time.Second), true, 0},
		{MustParseTimeSpan("-0"), TimeSpan{}, true, 0},
		{MustParseTimeSpan("1"), MustParseTimeSpan("24:00"), true, 0},
		{mustParseTS(t, "90", FormatSeconds), MustParseTimeSpan("00:01:30"), true, 0},
		{mustParseTS(t, "20", FormatMinutes), MustParseTimeSpan("00:20:00"), true, 0},
		{MustParseTimeSpan("00:00:00.1"), MustParseTimeSpan("00:00:00.1000000"), true, 0},
		{MustParseTimeSpan("00:20:00"), MustParseTimeSpan("00:20:01"), false, -1},
		{MustParseTimeSpan("1.00:00:00"), MustParseTimeSpan("23:59:59.9999999"), false, +1},
		{MustParseTimeSpan("-00:00:01"), TimeSpan{}, false, -1},
		{MustParseTimeSpan("5"), mustParseTS(t, "5", FormatSeconds), false, +1},
	}
	for _, tt := range tests {
		t.Run(tt.a.String()+" vs "+tt.b.String(), func(t *testing.T) {
			if got := tt.a.Equal(tt.b); got != tt.equal {
				t.Errorf("%q.Equal(%q) = %v, want %v", tt.a, tt.b, got, tt.equal)
			}
			if got := tt.b.Equal(tt.a); got != tt.equal {
				t.Errorf("%q.Equal(%q) = %v, want %v", tt.b, tt.a, got, tt.equal)
			}
			if got := tt.a.Compare(tt.b); got != tt.compare {
				t.Errorf("%q.Compare(%q) = %d, want %d", tt.a, tt.b, got, tt.compare)
			}
			if got := tt.b.Compare(tt.a); got != -tt.compare {
				t.Errorf("%q.Compare(%q) = %d, want %d", tt.b, tt.a, got, -tt.compare)
			}
			// go-cmp uses the Equal method, so it compares TimeSpans by value.
			if got := cmp.Equal(tt.a, tt.b); got != tt.equal {
				t.Errorf("cmp.Equal(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.equal)
			}
		})
	}
}

// mustParseTS parses s in format f or fails the test.
func mustParseTS(t *testing.T, s string, f TimeSpanFormat) TimeSpan {
	t.Helper()
	v, err := ParseTimeSpan(s, f)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTimeSpanOf(t *testing.T) {
	tests := []struct {
		d         time.Duration
		ticks     int64
		canonical string
	}{
		{0, 0, "00:00:00"},
		{20 * time.Minute, tsTicks(20 * time.Minute), "00:20:00"},
		{1500 * time.Millisecond, 15_000_000, "00:00:01.5000000"},
		{-1500 * time.Millisecond, -15_000_000, "-00:00:01.5000000"},
		{25 * time.Hour, tsTicks(25 * time.Hour), "1.01:00:00"},
		{100 * time.Nanosecond, 1, "00:00:00.0000001"},
		{150 * time.Nanosecond, 1, "00:00:00.0000001"},
		{-150 * time.Nanosecond, -1, "-00:00:00.0000001"},
		{99 * time.Nanosecond, 0, "00:00:00"},
		{10*tsDay + 10*time.Hour + 10*time.Minute + 10*time.Second + 10*time.Millisecond, 9_006_100_100_000, "10.10:10:10.0100000"},
		{math.MaxInt64, math.MaxInt64 / 100, "106751.23:47:16.8547758"},
		{math.MinInt64, math.MinInt64 / 100, "-106751.23:47:16.8547758"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			got := TimeSpanOf(tt.d)
			type result struct {
				Ticks            int64
				Canonical, Str   string
				Marshaled        string
				DurationRoundsTo time.Duration
			}
			text, err := got.MarshalText()
			if err != nil {
				t.Fatalf("MarshalText: %v", err)
			}
			want := result{tt.ticks, tt.canonical, tt.canonical, tt.canonical, tt.d / 100 * 100}
			if diff := cmp.Diff(want, result{got.Ticks(), got.Canonical(), got.String(), string(text), got.Duration()}); diff != "" {
				t.Errorf("TimeSpanOf(%v) mismatch (-want +got):\n%s", tt.d, diff)
			}
		})
	}
}

func TestTimeSpanConversions(t *testing.T) {
	tests := []struct {
		in       string
		duration time.Duration
		seconds  float64
	}{
		{"00:20:00", 20 * time.Minute, 1200},
		{"-00:00:01.5", -1500 * time.Millisecond, -1.5},
		{"00:00:00.0000001", 100 * time.Nanosecond, 1e-7},
		{"1.05:00:00", 29 * time.Hour, 104400},
		{"106751.23:47:16.8547758", 9223372036854775800, 9223372036.8547758},
		// Beyond time.Duration's range, Duration saturates.
		{"106751.23:47:16.8547759", math.MaxInt64, 9223372036.8547759},
		{"10675199.02:48:05.4775807", math.MaxInt64, 922337203685.4775807},
		{"-10675199.02:48:05.4775808", math.MinInt64, -922337203685.4775808},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ts := MustParseTimeSpan(tt.in)
			if got := ts.Duration(); got != tt.duration {
				t.Errorf("Duration() = %d, want %d", got, tt.duration)
			}
			if got := ts.Seconds(); got != tt.seconds {
				t.Errorf("Seconds() = %v, want %v", got, tt.seconds)
			}
		})
	}
}

func TestTimeSpanZero(t *testing.T) {
	var z TimeSpan
	if z.String() != "00:00:00" || z.Canonical() != "00:00:00" || z.Ticks() != 0 || z.Duration() != 0 {
		t.Errorf("zero TimeSpan = %q/%q/%d/%v, want 00:00:00 and 0", z.String(), z.Canonical(), z.Ticks(), z.Duration())
	}
}

func TestTimeSpanStringKeepsSpelling(t *testing.T) {
	tests := []struct {
		in     string
		format TimeSpanFormat
	}{
		{"0.00:20:00", FormatString},
		{"29:00:00", FormatString},
		{" 00:01:30 ", FormatString},
		{"-0", FormatString},
		{"00:00:00.1", FormatString},
		{"5", FormatString},
		{"0:0:0", FormatString},
		{"0090", FormatSeconds},
		{" 20", FormatMinutes},
	}
	for _, tt := range tests {
		t.Run(tt.format.String()+"/"+tt.in, func(t *testing.T) {
			ts := mustParseTS(t, tt.in, tt.format)
			if got := ts.String(); got != tt.in {
				t.Errorf("String() = %q, want %q", got, tt.in)
			}
			again := mustParseTS(t, ts.String(), tt.format)
			if again != ts {
				t.Errorf("reparsing %q gave %#v, want %#v", ts.String(), again, ts)
			}
		})
	}
}

func TestTimeSpanFormatString(t *testing.T) {
	tests := []struct {
		f    TimeSpanFormat
		want string
	}{
		{FormatString, "string"},
		{FormatSeconds, "seconds"},
		{FormatMinutes, "minutes"},
		{TimeSpanFormat(3), "TimeSpanFormat(3)"},
		{TimeSpanFormat(-1), "TimeSpanFormat(-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.f.String(); got != tt.want {
				t.Errorf("TimeSpanFormat(%d).String() = %q, want %q", int(tt.f), got, tt.want)
			}
		})
	}
	var zero TimeSpanFormat
	if zero != FormatString {
		t.Errorf("zero TimeSpanFormat = %v, want %v (the IIS default)", zero, FormatString)
	}
}

func TestTimeSpanMarshalText(t *testing.T) {
	tests := []struct {
		name string
		ts   TimeSpan
		want string
	}{
		{"parsed", MustParseTimeSpan("0.00:20:00"), "0.00:20:00"},
		{"parsed with spaces", MustParseTimeSpan(" 29:00:00 "), " 29:00:00 "},
		{"seconds", mustParseTS(t, "90", FormatSeconds), "00:01:30"},
		{"minutes", mustParseTS(t, "20", FormatMinutes), "00:20:00"},
		{"constructed", TimeSpanOf(90 * time.Minute), "01:30:00"},
		{"zero", TimeSpan{}, "00:00:00"},
		{"max", MustParseTimeSpan("10675199.02:48:05.4775807"), "10675199.02:48:05.4775807"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, err := tt.ts.MarshalText()
			if err != nil {
				t.Fatalf("MarshalText: %v", err)
			}
			if string(text) != tt.want {
				t.Errorf("MarshalText() = %q, want %q", text, tt.want)
			}
			var back TimeSpan
			if err := back.UnmarshalText(text); err != nil {
				t.Fatalf("UnmarshalText(%q): %v", text, err)
			}
			if diff := cmp.Diff(tt.ts, back); diff != "" {
				t.Errorf("UnmarshalText(%q) value mismatch (-want +got):\n%s", text, diff)
			}
			if back.String() != tt.want {
				t.Errorf("UnmarshalText(%q).String() = %q, want %q", text, back.String(), tt.want)
			}
		})
	}
}

func TestTimeSpanUnmarshalText(t *testing.T) {
	tests := []struct {
		in      string
		want    TimeSpan
		wantErr string
	}{
		{in: "00:20:00", want: TimeSpanOf(20 * time.Minute)},
		{in: "29:00:00", want: TimeSpanOf(29 * time.Hour)},
		{in: "5", want: TimeSpanOf(5 * tsDay)}, // always FormatString: days
		{in: "", want: TimeSpanOf(time.Hour), wantErr: `timespan "": empty`},
		{in: "00:60:00", want: TimeSpanOf(time.Hour), wantErr: `timespan "00:60:00": minutes 60 out of range 0-59`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := TimeSpanOf(time.Hour)
			err := got.UnmarshalText([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("UnmarshalText(%q) error %v, want %q", tt.in, err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("UnmarshalText(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UnmarshalText(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestTimeSpanJSON(t *testing.T) {
	type pool struct {
		IdleTimeout TimeSpan
		Restart     TimeSpan
		Ping        TimeSpan
	}
	in := pool{
		IdleTimeout: MustParseTimeSpan("0.00:20:00"),
		Restart:     TimeSpanOf(29 * time.Hour),
		Ping:        mustParseTS(t, "30", FormatSeconds),
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"IdleTimeout":"0.00:20:00","Restart":"1.05:00:00","Ping":"00:00:30"}`
	if string(data) != want {
		t.Errorf("json.Marshal = %s, want %s", data, want)
	}
	var out pool
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"Ping":"1:2:3:4"}`), &out); err == nil || !strings.Contains(err.Error(), "too many ':' parts") {
		t.Errorf("json.Unmarshal of a bad TimeSpan: error %v, want one about too many ':' parts", err)
	}
}

func TestMustParseTimeSpanPanics(t *testing.T) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !strings.Contains(err.Error(), `timespan "00:60:00": minutes 60 out of range`) {
			t.Errorf("MustParseTimeSpan panicked with %v, want the parse error", r)
		}
	}()
	MustParseTimeSpan("00:60:00")
}
