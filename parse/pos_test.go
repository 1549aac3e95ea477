package parse

import (
	"fmt"
	"slices"
	"testing"

	"github.com/beevik/etree"

	"github.com/google/go-cmp/cmp"
)

func TestPosString(t *testing.T) {
	tests := []struct {
		name string
		pos  Pos
		want string
	}{
		{"file", Pos{File: "applicationHost.config", Line: 12, Col: 5}, "applicationHost.config:12:5"},
		{"no file", Pos{Line: 1, Col: 1}, "1:1"},
		{"zero", Pos{}, "0:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.pos.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPosIsValid(t *testing.T) {
	if (Pos{}).IsValid() {
		t.Error("zero Pos is valid")
	}
	if !(Pos{Line: 1, Col: 1}).IsValid() {
		t.Error("1:1 is not valid")
	}
}

func TestPosAt(t *testing.T) {
	type lc struct{ Line, Col int }
	tests := []struct {
		name    string
		src     string
		offsets []int
		want    []lc
	}{
		{
			name:    "LF",
			src:     "<a>\n<b/>\n</a>",
			offsets: []int{0, 3, 4, 5, 9, 13, 14},
			want:    []lc{{1, 1}, {1, 4}, {2, 1}, {2, 2}, {3, 1}, {3, 5}, {3, 5}},
		},
		{
			name:    "CRLF",
			src:     "<a>\r\n<b/>\r\n</a>",
			offsets: []int{3, 4, 5, 6, 11},
			want:    []lc{{1, 4}, {1, 5}, {2, 1}, {2, 2}, {3, 1}},
		},
		{
			name:    "lone CR",
			src:     "<a>\r<b/>\r\n\r</a>",
			offsets: []int{3, 4, 9, 10, 11},
			want:    []lc{{1, 4}, {2, 1}, {2, 6}, {3, 1}, {4, 1}},
		},
		{
			name:    "runes",
			src:     "<a b=\"é中😀\" c=\"1\"/>",
			offsets: []int{6, 8, 11, 15, 17},
			want:    []lc{{1, 7}, {1, 8}, {1, 9}, {1, 10}, {1, 12}},
		},
		{
			name:    "BOM",
			src:     "\uFEFF<a>\n<b/></a>",
			offsets: []int{0, 3, 4, 7},
			want:    []lc{{1, 1}, {1, 1}, {1, 2}, {2, 1}},
		},
		{
			name:    "out of range",
			src:     "<a/>",
			offsets: []int{-5, 100},
			want:    []lc{{1, 1}, {1, 5}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustRead(t, tt.src)
			var got []lc
			for _, off := range tt.offsets {
				p := d.PosAt(off)
				if p.File != "test.xml" {
					t.Errorf("PosAt(%d).File = %q", off, p.File)
				}
				if want := min(max(off, 0), len(tt.src)); p.Offset != want {
					t.Errorf("PosAt(%d).Offset = %d, want %d", off, p.Offset, want)
				}
				got = append(got, lc{p.Line, p.Col})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLineEnding(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"LF", "<a>\n<b/>\n</a>\n", "\n"},
		{"CRLF", "<a>\r\n<b/>\r\n</a>\r\n", "\r\n"},
		{"mostly CRLF", "<a>\r\n<b/>\r\n<b/>\n</a>\r\n", "\r\n"},
		{"mostly LF", "<a>\n<b/>\r\n<b/>\n</a>\n", "\n"},
		{"none", "<a/>", "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustRead(t, tt.src).LineEnding(); got != tt.want {
				t.Errorf("LineEnding() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	doc, err := ReadBytes("l.config", []byte("\uFEFF<a>\r\n  <b/>\n\n</a>"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{0: "", 1: "<a>", 2: "  <b/>", 3: "", 4: "</a>", 5: ""} {
		if got := doc.Line(n); got != want {
			t.Errorf("Line(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestComments(t *testing.T) {
	doc, err := ReadBytes("c.config", []byte("<!--a-->\n<r>\n  <!-- b\n  c -->\n</r>"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	doc.Comments(func(c *etree.Comment, start, end Pos) {
		got = append(got, fmt.Sprintf("%q %d:%d-%d:%d", c.Data, start.Line, start.Col, end.Line, end.Col))
	})
	want := []string{`"a" 1:1-1:6`, `" b\n  c " 3:3-4:5`}
	if !slices.Equal(got, want) {
		t.Errorf("Comments: got %q, want %q", got, want)
	}
}
