package spec

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// splitTests are SplitWords's cases. sh marks the inputs that /bin/sh, given them as the
// arguments of printf, must split the same way: those without $, `, globs, ~,
// operators or newlines, which SplitWords leaves alone and a shell would interpret.
var splitTests = []struct {
	name    string
	in      string
	want    []string
	escaped []int // offsets of backslashes that escape an ordinary character
	errAt   int   // offset of the unclosed quote; -1 for none
	sh      bool
}{
	{"empty", "", nil, nil, -1, true},
	{"blanks only", " \t ", nil, nil, -1, true},
	{"one word", "app.dll", []string{"app.dll"}, nil, -1, true},
	{"two words", "app.dll --port", []string{"app.dll", "--port"}, nil, -1, true},
	{"runs of blanks", "  a \t b  c  ", []string{"a", "b", "c"}, nil, -1, true},
	// A shell ends a command at a newline; SplitWords, splitting one command's
	// arguments, takes it for a blank.
	{"newlines separate", "a\nb\n\n c", []string{"a", "b", "c"}, nil, -1, false},
	{"single quotes keep blanks", "'a b'  c", []string{"a b", "c"}, nil, -1, true},
	{"single quotes keep backslashes", `'C:\dir\x'`, []string{`C:\dir\x`}, nil, -1, true},
	{"single quotes keep double quotes", `'say "hi"'`, []string{`say "hi"`}, nil, -1, true},
	{"single quotes keep dollar", `'$HOME'`, []string{"$HOME"}, nil, -1, true},
	{"double quotes keep blanks", `"a  b" c`, []string{"a  b", "c"}, nil, -1, true},
	{"double quotes escape quote", `"a \"b\" c"`, []string{`a "b" c`}, nil, -1, true},
	{"double quotes escape backslash", `"a\\b"`, []string{`a\b`}, nil, -1, true},
	{"double quotes escape dollar", `"\$HOME"`, []string{"$HOME"}, nil, -1, true},
	{"double quotes escape backquote", "\"\\`x\\`\"", []string{"`x`"}, nil, -1, true},
	{"double quotes keep other backslashes", `"C:\dir\x"`, []string{`C:\dir\x`}, nil, -1, true},
	{"double quotes keep single quotes", `"it's"`, []string{"it's"}, nil, -1, true},
	{"double quotes backslash newline", "\"a\\\nb\"", []string{"ab"}, nil, -1, true},
	{"empty double quotes", `""`, []string{""}, nil, -1, true},
	{"empty single quotes", `''`, []string{""}, nil, -1, true},
	{"empty words between", `a "" '' b`, []string{"a", "", "", "b"}, nil, -1, true},
	{"quotes join", `a"b"'c'd`, []string{"abcd"}, nil, -1, true},
	{"empty quotes join", `x""y`, []string{"xy"}, nil, -1, true},
	{"escaped blank", `a\ b c`, []string{"a b", "c"}, nil, -1, true},
	{"escaped quote", `\"a\'`, []string{`"a'`}, nil, -1, true},
	{"escaped backslash", `a\\b`, []string{`a\b`}, nil, -1, true},
	{"escaped ordinary character", `.\app.dll`, []string{".app.dll"}, []int{1}, -1, true},
	{"windows path", `C:\dir\app.exe x`, []string{"C:dirapp.exe", "x"}, []int{2, 6}, -1, true},
	{"line continuation", "a\\\nb", []string{"ab"}, nil, -1, true},
	{"final backslash", `a\`, []string{`a\`}, nil, -1, true},
	{"lone final backslash", `a \`, []string{"a", `\`}, nil, -1, true},
	{"quote mid-word", `--name='Contoso Shop'`, []string{"--name=Contoso Shop"}, nil, -1, true},
	{"url with spaces", `--urls "http://x y"`, []string{"--urls", "http://x y"}, nil, -1, true},
	{"unicode", `héllo 'wörld x'`, []string{"héllo", "wörld x"}, nil, -1, true},
	{"escaped unicode", `\é`, []string{"é"}, []int{0}, -1, true},
	{"dollar literal", `$HOME ${X}`, []string{"$HOME", "${X}"}, nil, -1, false},
	{"glob literal", `*.dll ?[a]`, []string{"*.dll", "?[a]"}, nil, -1, false},
	{"tilde literal", `~/app`, []string{"~/app"}, nil, -1, false},
	{"operators literal", `a|b c;d e&&f <in >out`, []string{"a|b", "c;d", "e&&f", "<in", ">out"}, nil, -1, false},
	{"comment literal", `a #b`, []string{"a", "#b"}, nil, -1, false},
	{"backquote literal", "`date`", []string{"`date`"}, nil, -1, false},
	{"escaped special is no warning", `\$x \* \~`, []string{"$x", "*", "~"}, nil, -1, false},
	{"percent kept", `%1% 100%`, []string{"%1%", "100%"}, nil, -1, true},
	{"unclosed single quote", `--name 'unclosed`, nil, nil, 7, false},
	{"unclosed double quote", `a "b c`, nil, nil, 2, false},
	{"unclosed after escaped quote", `"a\"`, nil, nil, 0, false},
	{"single quote inside double is no close", `"a'`, nil, nil, 0, false},
	{"double quote inside single is no close", `'a"`, nil, nil, 0, false},
	{"lone quote", `'`, nil, nil, 0, false},
	{"escaped quote then unclosed", `\' '`, nil, nil, 3, false},
}

func TestSplit(t *testing.T) {
	for _, tt := range splitTests {
		t.Run(tt.name, func(t *testing.T) {
			got, escaped, err := split(tt.in)
			if tt.errAt >= 0 {
				se, ok := errors.AsType[*SplitError](err)
				if !ok || se.Offset != tt.errAt {
					t.Fatalf("split(%q) = %q, %v; want a *SplitError at offset %d", tt.in, got, err, tt.errAt)
				}
				return
			}
			if err != nil {
				t.Fatalf("split(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("split(%q) words (-want +got):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(tt.escaped, escaped, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("split(%q) escaped offsets (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestSplitMatchesShell checks the cases marked sh against /bin/sh itself: the input
// is written after printf in a script, and sh prints each word it splits it into.
func TestSplitMatchesShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh:", err)
	}
	for _, tt := range splitTests {
		if !tt.sh {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			out, err := exec.Command(sh, "-c", `printf '%s\0' x `+tt.in).Output()
			if err != nil {
				t.Fatalf("sh: %v", err)
			}
			words := strings.Split(string(bytes.TrimSuffix(out, []byte{0})), "\x00")[1:]
			got, err := SplitWords(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(words, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("SplitWords(%q) differs from sh (-sh +SplitWords):\n%s", tt.in, diff)
			}
		})
	}
}

func TestSplitErrorMessage(t *testing.T) {
	_, err := SplitWords(`a 'b`)
	if err == nil || err.Error() != "offset 2: unclosed single quote" {
		t.Errorf("SplitWords error = %v", err)
	}
}

func FuzzSplit(f *testing.F) {
	for _, tt := range splitTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, escaped, err := split(s)
		if err != nil {
			if _, ok := errors.AsType[*SplitError](err); !ok {
				t.Fatalf("split(%q): error %T, want *SplitError", s, err)
			}
			return
		}
		for _, off := range escaped {
			if s[off] != '\\' {
				t.Fatalf("split(%q): escaped offset %d is %q, not a backslash", s, off, s[off])
			}
		}
		// Words without blanks, quotes or backslashes survive a round trip.
		var plain []string
		for _, w := range words {
			if w != "" && !strings.ContainsAny(w, " \t\n'\"\\") {
				plain = append(plain, w)
			}
		}
		again, _, err := split(strings.Join(plain, " "))
		if err != nil || !cmp.Equal(plain, again, cmpopts.EquateEmpty()) {
			t.Fatalf("round trip of %q: %q, %v", plain, again, err)
		}
	})
}
