package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testfile"

	"github.com/google/go-cmp/cmp"
)

// updT0 is the time of the first snapshot of a test.
var updT0 = time.Date(2026, 11, 21, 23, 59, 59, 123456789, time.UTC)

// updSave saves each of contents as a snapshot of path, the i'th at times[i], and returns
// the snapshots.
func updSave(t *testing.T, h History, path string, contents []string, times []time.Time) []Snapshot {
	t.Helper()
	var snaps []Snapshot
	for i, c := range contents {
		s, err := h.Save(path, []byte(c), times[i])
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, s)
	}
	return snaps
}

// updIDs returns the IDs of snaps.
func updIDs(snaps []Snapshot) []string {
	out := make([]string, len(snaps))
	for i, s := range snaps {
		out[i] = s.ID
	}
	return out
}

// updTicks returns n times a second apart from updT0, or all equal to updT0 when same.
func updTicks(n int, same bool) []time.Time {
	ts := make([]time.Time, n)
	for i := range ts {
		ts[i] = updT0
		if !same {
			ts[i] = updT0.Add(time.Duration(i) * time.Second)
		}
	}
	return ts
}

func TestHistorySaveList(t *testing.T) {
	path := testfile.Config(t, "current")
	h := History{}
	s, err := h.Save(path, []byte("previous"), updT0.In(time.FixedZone("CET", 3600)))
	if err != nil {
		t.Fatal(err)
	}
	want := Snapshot{
		ID:   "20261121T235959.123456789Z",
		Path: path + ".history/applicationHost.config.20261121T235959.123456789Z",
		Time: updT0,
		Size: int64(len("previous")),
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("Save (-want +got):\n%s", diff)
	}
	list, err := h.List(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Snapshot{want}, list); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	got, err := os.ReadFile(s.Path)
	if err != nil || string(got) != "previous" {
		t.Errorf("snapshot holds %q, %v; want %q", got, err, "previous")
	}
	if fi, err := os.Stat(s.Path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("snapshot mode %v, %v; want -rw-------", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Dir(s.Path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("history directory mode %v, %v; want drwx------", fi.Mode(), err)
	}
	if diff := cmp.Diff([]string{filepath.Base(s.Path)}, testfile.Names(t, filepath.Dir(s.Path))); diff != "" {
		t.Errorf("files in the history directory (-want +got):\n%s", diff)
	}
}

func TestHistoryKeep(t *testing.T) {
	tests := []struct {
		name  string
		keep  int
		saves int
		want  int // snapshots kept
	}{
		{name: "fewer than Keep", keep: 3, saves: 2, want: 2},
		{name: "pruned to Keep", keep: 3, saves: 5, want: 3},
		{name: "Keep 1", keep: 1, saves: 4, want: 1},
		{name: "Keep 0 is the default", keep: 0, saves: DefaultHistoryKeep + 3, want: DefaultHistoryKeep},
		{name: "negative Keep disables", keep: -1, saves: 3, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := testfile.Config(t, "current")
			h := History{Keep: tt.keep}
			contents := make([]string, tt.saves)
			for i := range contents {
				contents[i] = fmt.Sprintf("version %d", i)
			}
			saved := updSave(t, h, path, contents, updTicks(tt.saves, false))
			list, err := h.List(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []string // the newest tt.want contents, newest first
			for i := tt.saves - 1; i >= tt.saves-tt.want; i-- {
				want = append(want, contents[i])
			}
			var got []string
			for _, s := range list {
				b, err := os.ReadFile(s.Path)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, string(b))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("contents kept, newest first (-want +got):\n%s", diff)
			}
			if tt.keep < 0 {
				if diff := cmp.Diff(make([]Snapshot, tt.saves), saved); diff != "" {
					t.Errorf("disabled Save returned snapshots (-want +got):\n%s", diff)
				}
				if _, err := os.Stat(DefaultHistoryDir(path)); !os.IsNotExist(err) {
					t.Errorf("disabled history created its directory: %v", err)
				}
			}
		})
	}
}

// TestHistoryCollisions checks that snapshots of the same time get "-N" suffixes and
// list newest first, "-10" included.
func TestHistoryCollisions(t *testing.T) {
	path := testfile.Config(t, "current")
	h := History{Keep: 20}
	contents := make([]string, 11)
	for i := range contents {
		contents[i] = fmt.Sprint(i)
	}
	saved := updSave(t, h, path, contents, updTicks(11, true))
	stamp := "20261121T235959.123456789Z"
	want := []string{stamp}
	for n := 2; n <= 11; n++ {
		want = append(want, fmt.Sprintf("%s-%d", stamp, n))
	}
	if diff := cmp.Diff(want, updIDs(saved)); diff != "" {
		t.Errorf("IDs saved (-want +got):\n%s", diff)
	}
	list, err := h.List(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range list {
		if b, err := os.ReadFile(s.Path); err != nil || string(b) != contents[10-i] {
			t.Errorf("List()[%d] = %s holds %q, %v; want %q", i, s.ID, b, err, contents[10-i])
		}
	}
}

func TestHistoryDir(t *testing.T) {
	path := testfile.Config(t, "current")
	h := History{Dir: filepath.Join(t.TempDir(), "deep", "history")}
	s, err := h.Save(path, []byte("previous"), updT0)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(h.Dir, "applicationHost.config.20261121T235959.123456789Z"); s.Path != want {
		t.Errorf("Path = %s, want %s", s.Path, want)
	}
	if list, err := (History{}).List(path); err != nil || len(list) != 0 {
		t.Errorf("the default directory holds %v, %v", list, err)
	}
}

// TestHistoryListIgnores checks that List leaves out what is not a snapshot of the
// file.
func TestHistoryListIgnores(t *testing.T) {
	path := testfile.Config(t, "current")
	dir := DefaultHistoryDir(path)
	s := updSave(t, History{}, path, []string{"previous"}, updTicks(1, false))[0]
	for _, name := range []string{
		"other.config.20261121T235959.123456789Z", // another file's
		"applicationHost.config.20261121T235959Z", // not an ID
		"applicationHost.config.20261121T235959.123456789Z-1",
		"applicationHost.config.20261121T235959.123456789Z-02",
		"applicationHost.config.20261121T235959.123456789Zx",
		".applicationHost.config.tmp-abc123", // a temporary file
		"applicationHost.config",
	} {
		updWriteFile(t, filepath.Join(dir, name), "x")
	}
	if err := os.Mkdir(filepath.Join(dir, "applicationHost.config.20261122T000000.000000000Z"), 0o755); err != nil {
		t.Fatal(err)
	}
	list, err := History{}.List(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Snapshot{s}, list); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
}

func TestHistoryListMissing(t *testing.T) {
	list, err := History{}.List(filepath.Join(t.TempDir(), "applicationHost.config"))
	if err != nil || list != nil {
		t.Errorf("List = %v, %v; want nothing", list, err)
	}
}

func TestHistoryFind(t *testing.T) {
	path := testfile.Config(t, "current")
	h := History{}
	times := []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
	}
	updSave(t, h, path, []string{"a", "b", "c", "d"}, times)
	tests := []struct {
		id      string
		want    string // the ID found
		wantErr string
	}{
		{id: "20260102T030405.000000000Z", want: "20260102T030405.000000000Z"},
		{id: "20260102T030406", want: "20260102T030406.000000000Z"},
		{id: "20260102T030405", want: "20260102T030405.000000000Z"},
		// An exact ID wins over the longer IDs it is a prefix of.
		{id: "20260201T000000.000000000Z", want: "20260201T000000.000000000Z"},
		{id: "20260201T000000.000000000Z-", want: "20260201T000000.000000000Z-2"},
		{id: "20260102", wantErr: `snapshot "20260102" of ` + path + ` is ambiguous: it matches 20260102T030406.000000000Z, 20260102T030405.000000000Z`},
		{id: "2027", wantErr: `no snapshot "2027" of ` + path + ` in ` + path + `.history (snapshots: 20260201T000000.000000000Z-2, 20260201T000000.000000000Z, 20260102T030406.000000000Z, 20260102T030405.000000000Z)`},
		{id: "", wantErr: `no snapshot "" of `},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			s, err := h.Find(path, tt.id)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("Find = %v, %v; want error %q", s, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.ID != tt.want {
				t.Errorf("Find = %s, want %s", s.ID, tt.want)
			}
		})
	}
}

func TestHistoryFindNone(t *testing.T) {
	path := testfile.Config(t, "current")
	_, err := History{}.Find(path, "2026")
	want := `no snapshot "2026" of ` + path + `: ` + path + `.history holds none`
	if err == nil || err.Error() != want {
		t.Errorf("Find = %v, want %s", err, want)
	}
}
