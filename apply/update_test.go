package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testfile"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/store"
)

// updPools returns an applicationHost.config with n pools named Pool0, Pool1, …;
// every pool has queueLength="q" unless q is empty.
func updPools(n int, q string) string {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n  <system.applicationHost>\n    <applicationPools>\n")
	for i := range n {
		if q == "" {
			fmt.Fprintf(&b, "      <add name=\"Pool%d\" />\n", i)
		} else {
			fmt.Fprintf(&b, "      <add name=\"Pool%d\" queueLength=\"%s\" />\n", i, q)
		}
	}
	b.WriteString("    </applicationPools>\n  </system.applicationHost>\n</configuration>\n")
	return b.String()
}

// updSetQueueLength returns a change that sets queueLength="v" on the pool named name.
func updSetQueueLength(name, v string) func(*parse.Document) error {
	return func(doc *parse.Document) error {
		e := doc.Root().FindElement(fmt.Sprintf("//applicationPools/add[@name='%s']", name))
		if e == nil {
			return fmt.Errorf("no pool %s", name)
		}
		e.CreateAttr("queueLength", v)
		return nil
	}
}

// updFixedNow returns options whose snapshots have the time updT0.
func updFixedNow(h store.History) UpdateOptions {
	return UpdateOptions{History: h, Now: func() time.Time { return updT0 }}
}

// updRead returns the content of the file path.
func updRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUpdateChange(t *testing.T) {
	old := updPools(2, "")
	path := testfile.Config(t, old)
	res, err := Update(t.Context(), path, updFixedNow(store.History{}), updSetQueueLength("Pool1", "2000"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(old, `"Pool1"`, `"Pool1" queueLength="2000"`, 1)
	if got := updRead(t, path); got != want {
		t.Errorf("file after Update:\n%s\nwant:\n%s", got, want)
	}
	wantRes := UpdateResult{Changed: true, Snapshot: store.Snapshot{
		ID:   "20261121T235959.123456789Z",
		Path: path + ".history/applicationHost.config.20261121T235959.123456789Z",
		Time: updT0,
		Size: int64(len(old)),
	}}
	if diff := cmp.Diff(wantRes, res); diff != "" {
		t.Errorf("Update (-want +got):\n%s", diff)
	}
	if got := updRead(t, res.Snapshot.Path); got != old {
		t.Errorf("snapshot holds %q, want the old content", got)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after Update %v, %v; want -rw-r-----", fi.Mode(), err)
	}
	wantFiles := []string{".applicationHost.config.lock", "applicationHost.config", "applicationHost.config.history"}
	if diff := cmp.Diff(wantFiles, testfile.Names(t, filepath.Dir(path))); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// TestUpdateNoChange checks that an Update that changes nothing does not touch the
// file: same inode, same modification time, no history.
func TestUpdateNoChange(t *testing.T) {
	tests := []struct {
		name   string
		change func(*parse.Document) error
	}{
		{name: "no edit", change: func(*parse.Document) error { return nil }},
		{name: "same value", change: updSetQueueLength("Pool0", "1000")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := testfile.Config(t, updPools(2, "1000"))
			old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
			before, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Update(t.Context(), path, UpdateOptions{}, tt.change)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(UpdateResult{}, res); diff != "" {
				t.Errorf("Update (-want +got):\n%s", diff)
			}
			after, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if !after.ModTime().Equal(before.ModTime()) || !os.SameFile(after, before) {
				t.Errorf("file touched: mtime %v → %v, same file %v", before.ModTime(), after.ModTime(), os.SameFile(after, before))
			}
			if _, err := os.Stat(store.DefaultHistoryDir(path)); !os.IsNotExist(err) {
				t.Errorf("history saved: %v", err)
			}
			for _, name := range testfile.Names(t, filepath.Dir(path)) {
				if updIsTemp(name, filepath.Base(path)) {
					t.Errorf("temporary file %s left behind", name)
				}
			}
		})
	}
}

// TestUpdateWritesNothing checks the Updates that fail: the file keeps its content
// (or another program's) and no history is saved.
func TestUpdateWritesNothing(t *testing.T) {
	errChange := errors.New("change failed")
	other := updPools(3, "") // what another program writes
	tests := []struct {
		name   string
		file   string
		change func(path string) func(*parse.Document) error
		check  func(t *testing.T, err error)
		want   string // the file's content afterwards; "" means file
	}{
		{
			name: "change fails",
			file: updPools(2, ""),
			change: func(string) func(*parse.Document) error {
				return func(doc *parse.Document) error {
					updSetQueueLength("Pool0", "2000")(doc)
					return fmt.Errorf("wrapped: %w", errChange)
				}
			},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, errChange) {
					t.Errorf("Update = %v, want the change's error", err)
				}
			},
		},
		{
			name: "changed on disk",
			file: updPools(2, ""),
			change: func(path string) func(*parse.Document) error {
				return func(doc *parse.Document) error {
					if err := os.WriteFile(path, []byte(other), 0o644); err != nil {
						return err
					}
					return updSetQueueLength("Pool0", "2000")(doc)
				}
			},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, store.ErrChangedOnDisk) {
					t.Errorf("Update = %v, want store.ErrChangedOnDisk", err)
				}
				if err != nil && !strings.Contains(err.Error(), "changed by another program since poolctl read it; nothing was written") {
					t.Errorf("message %q does not say what happened", err)
				}
			},
			want: other,
		},
		{
			name: "refused by the check",
			file: updPools(2, ""),
			change: func(string) func(*parse.Document) error {
				return updSetQueueLength("Pool0", "5") // PC104: from 10 to 65535
			},
			check: func(t *testing.T, err error) {
				if _, ok := errors.AsType[*CheckError](err); !ok {
					t.Errorf("Update = %v, want a *CheckError", err)
				}
			},
		},
		{
			name: "malformed",
			file: "<configuration>\n  <system.applicationHost\n</configuration>\n",
			change: func(string) func(*parse.Document) error {
				return func(*parse.Document) error { panic("change called") }
			},
			check: func(t *testing.T, err error) {
				pe, ok := err.(*parse.Error)
				if !ok {
					t.Fatalf("Update = %T %v, want a *parse.Error", err, err)
				}
				if pe.Pos.Line != 3 || !strings.HasSuffix(pe.Pos.String(), "applicationHost.config:3:1") {
					t.Errorf("error at %s, want applicationHost.config:3:1", pe.Pos)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := testfile.Config(t, tt.file)
			_, err := Update(t.Context(), path, UpdateOptions{}, tt.change(path))
			tt.check(t, err)
			want := tt.want
			if want == "" {
				want = tt.file
			}
			if got := updRead(t, path); got != want {
				t.Errorf("file after Update:\n%s\nwant:\n%s", got, want)
			}
			if _, err := os.Stat(store.DefaultHistoryDir(path)); !os.IsNotExist(err) {
				t.Errorf("history saved: %v", err)
			}
			for _, name := range testfile.Names(t, filepath.Dir(path)) {
				if updIsTemp(name, filepath.Base(path)) {
					t.Errorf("temporary file %s left behind", name)
				}
			}
		})
	}
}

func TestUpdateMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	_, err := Update(t.Context(), path, UpdateOptions{}, func(*parse.Document) error { return nil })
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("Update = %v, want ErrNotExist naming the file", err)
	}
}

func TestUpdateHistoryDisabled(t *testing.T) {
	path := testfile.Config(t, updPools(1, ""))
	res, err := Update(t.Context(), path, UpdateOptions{History: store.History{Keep: -1}}, updSetQueueLength("Pool0", "50"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(UpdateResult{Changed: true}, res); diff != "" {
		t.Errorf("Update (-want +got):\n%s", diff)
	}
	if !strings.Contains(updRead(t, path), `queueLength="50"`) {
		t.Error("not written")
	}
	if _, err := os.Stat(store.DefaultHistoryDir(path)); !os.IsNotExist(err) {
		t.Errorf("history saved: %v", err)
	}
}

// TestUpdateWaitsForLock checks that Update does nothing while another holds the
// lock, and gives up when its context is done.
func TestUpdateWaitsForLock(t *testing.T) {
	old := updPools(1, "")
	path := testfile.Config(t, old)
	unlock := updLock(t, t.Context(), path)
	defer unlock()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := Update(ctx, path, UpdateOptions{}, func(*parse.Document) error { panic("change called") })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Update = %v, want a deadline error", err)
	}
	if got := updRead(t, path); got != old {
		t.Error("file changed")
	}
}

func TestRestore(t *testing.T) {
	v1 := updPools(2, "")
	path := testfile.Config(t, v1)
	opt := UpdateOptions{}
	first, err := Update(t.Context(), path, opt, updSetQueueLength("Pool0", "2000"))
	if err != nil {
		t.Fatal(err)
	}
	v2 := updRead(t, path)

	res, err := Restore(t.Context(), path, first.Snapshot.ID[:15], opt)
	if err != nil {
		t.Fatal(err)
	}
	if got := updRead(t, path); got != v1 {
		t.Errorf("file after Restore:\n%s\nwant:\n%s", got, v1)
	}
	if !res.Changed || updRead(t, res.Snapshot.Path) != v2 {
		t.Errorf("Restore = %+v, want a snapshot of the replaced content", res)
	}

	// Restoring what the file holds changes nothing.
	res, err = Restore(t.Context(), path, first.Snapshot.ID, opt)
	if err != nil || res.Changed {
		t.Errorf("Restore of the current content = %+v, %v; want no change", res, err)
	}
}

func TestRestoreErrors(t *testing.T) {
	path := testfile.Config(t, updPools(1, ""))
	h := store.History{}
	bad, err := h.Save(path, []byte("<configuration>\n<oops>\n</configuration>\n"), updT0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Restore(t.Context(), path, bad.ID, UpdateOptions{History: h})
	if pe, ok := err.(*parse.Error); !ok || !strings.HasPrefix(pe.Error(), bad.Path+":3:") {
		t.Errorf("Restore of a malformed snapshot = %v, want a *parse.Error at %s:3", err, bad.Path)
	}
	_, err = Restore(t.Context(), path, "1999", UpdateOptions{History: h})
	if err == nil || !strings.Contains(err.Error(), `no snapshot "1999"`) {
		t.Errorf("Restore of an unknown snapshot = %v", err)
	}
	if got := updRead(t, path); got != updPools(1, "") {
		t.Error("file changed")
	}
	if list, _ := h.List(path); len(list) != 1 {
		t.Errorf("history holds %d snapshots, want 1", len(list))
	}
}

// TestUpdateRefusedKeepsHistory: the history copy is written while the check runs; a
// refused edit removes it, leaving the history directory as it was.
func TestUpdateRefusedKeepsHistory(t *testing.T) {
	path := testfile.Config(t, updPools(2, ""))
	opt := updFixedNow(store.History{})
	if _, err := Update(t.Context(), path, opt, updSetQueueLength("Pool0", "2000")); err != nil {
		t.Fatal(err)
	}
	dir := store.DefaultHistoryDir(path)
	before := testfile.Names(t, dir)
	_, err := Update(t.Context(), path, opt, updSetQueueLength("Pool1", "5"))
	if _, ok := errors.AsType[*CheckError](err); !ok {
		t.Fatalf("Update = %v, want a *CheckError", err)
	}
	if diff := cmp.Diff(before, testfile.Names(t, dir)); diff != "" {
		t.Errorf("history directory after a refused edit (-before +after):\n%s", diff)
	}
}

// updT0 is the time of the first snapshot of a test.
var updT0 = time.Date(2026, 11, 21, 23, 59, 59, 123456789, time.UTC)

// updIsTemp reports whether name, a file name without directory, is that of a
// temporary file of a write of the file named base.
func updIsTemp(name, base string) bool {
	return strings.HasPrefix(name, "."+base+".tmp-")
}

// updLock takes the lock of path, failing the test if it cannot.
func updLock(t *testing.T, ctx context.Context, path string) func() error {
	t.Helper()
	unlock, err := store.Lock(ctx, path, store.LockWait{})
	if err != nil {
		t.Fatal(err)
	}
	return unlock
}
