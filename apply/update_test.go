package apply

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
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
func updFixedNow(h History) UpdateOptions {
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
	path := updConfigFile(t, old)
	res, err := Update(t.Context(), path, updFixedNow(History{}), updSetQueueLength("Pool1", "2000"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(old, `"Pool1"`, `"Pool1" queueLength="2000"`, 1)
	if got := updRead(t, path); got != want {
		t.Errorf("file after Update:\n%s\nwant:\n%s", got, want)
	}
	wantRes := UpdateResult{Changed: true, Snapshot: Snapshot{
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
	if diff := cmp.Diff(wantFiles, updDirNames(t, filepath.Dir(path))); diff != "" {
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
			path := updConfigFile(t, updPools(2, "1000"))
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
			if !after.ModTime().Equal(before.ModTime()) || updInode(after) != updInode(before) {
				t.Errorf("file touched: mtime %v → %v, inode %d → %d", before.ModTime(), after.ModTime(), updInode(before), updInode(after))
			}
			if _, err := os.Stat(DefaultHistoryDir(path)); !os.IsNotExist(err) {
				t.Errorf("history saved: %v", err)
			}
			for _, name := range updDirNames(t, filepath.Dir(path)) {
				if updIsTemp(name, filepath.Base(path)) {
					t.Errorf("temporary file %s left behind", name)
				}
			}
		})
	}
}

// updInode returns the inode number of fi.
func updInode(fi os.FileInfo) uint64 { return fi.Sys().(*syscall.Stat_t).Ino }

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
				if !errors.Is(err, ErrChangedOnDisk) {
					t.Errorf("Update = %v, want ErrChangedOnDisk", err)
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
			path := updConfigFile(t, tt.file)
			_, err := Update(t.Context(), path, UpdateOptions{}, tt.change(path))
			tt.check(t, err)
			want := tt.want
			if want == "" {
				want = tt.file
			}
			if got := updRead(t, path); got != want {
				t.Errorf("file after Update:\n%s\nwant:\n%s", got, want)
			}
			if _, err := os.Stat(DefaultHistoryDir(path)); !os.IsNotExist(err) {
				t.Errorf("history saved: %v", err)
			}
			for _, name := range updDirNames(t, filepath.Dir(path)) {
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
	path := updConfigFile(t, updPools(1, ""))
	res, err := Update(t.Context(), path, UpdateOptions{History: History{Keep: -1}}, updSetQueueLength("Pool0", "50"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(UpdateResult{Changed: true}, res); diff != "" {
		t.Errorf("Update (-want +got):\n%s", diff)
	}
	if !strings.Contains(updRead(t, path), `queueLength="50"`) {
		t.Error("not written")
	}
	if _, err := os.Stat(DefaultHistoryDir(path)); !os.IsNotExist(err) {
		t.Errorf("history saved: %v", err)
	}
}

// TestUpdateWaitsForLock checks that Update does nothing while another holds the
// lock, and gives up when its context is done.
func TestUpdateWaitsForLock(t *testing.T) {
	old := updPools(1, "")
	path := updConfigFile(t, old)
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
	path := updConfigFile(t, v1)
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
	path := updConfigFile(t, updPools(1, ""))
	h := History{}
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

// updCountAttr returns how many <add> elements of the document src set queueLength.
func updCountAttr(t *testing.T, src []byte) int {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(src); err != nil {
		t.Fatal(err)
	}
	return len(doc.FindElements("//add[@queueLength]"))
}

// updWhich returns the index of the first of docs that equals got, or -1.
func updWhich(got []byte, docs ...[]byte) int {
	for i, d := range docs {
		if bytes.Equal(got, d) {
			return i
		}
	}
	return -1
}

// The environment of a child process of the tests: updChildEnv says what it does (see
// updRunChild), updChildFile names the file it works on, updChildArg is its argument and
// updChildKeep the Keep of its history.
const (
	updChildEnv  = "POOLCTL_APPLY_CHILD"
	updChildFile = "POOLCTL_APPLY_FILE"
	updChildArg  = "POOLCTL_APPLY_ARG"
	updChildKeep = "POOLCTL_APPLY_KEEP"
)

// TestMain runs the tests, or, in a child process of the tests (when updChildEnv is
// set), the child's routine instead.
func TestMain(m *testing.M) {
	if mode := os.Getenv(updChildEnv); mode != "" {
		os.Exit(updRunChild(mode))
	}
	os.Exit(m.Run())
}

// updRunChild runs the routine of a child process and returns its exit code:
//
//	lock    take the lock of the file, print "locked", wait for the end of stdin, unlock
//	toggle  print "ready", then forever Update the file, switching every pool's
//	        queueLength between 1000 and 2000, and print "wrote" after each Update
//	set     wait for the end of stdin, then Update the file once, setting
//	        queueLength="2000" on the pool that updChildArg names
func updRunChild(mode string) int {
	path := os.Getenv(updChildFile)
	keep, _ := strconv.Atoi(os.Getenv(updChildKeep))
	opt := UpdateOptions{History: History{Keep: keep}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	switch mode {
	case "lock":
		err = updChildLock(ctx, path)
	case "toggle":
		err = updChildToggle(ctx, path, opt)
	case "set":
		io.Copy(io.Discard, os.Stdin)
		_, err = Update(ctx, path, opt, updSetQueueLength(os.Getenv(updChildArg), "2000"))
	default:
		err = fmt.Errorf("unknown child mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func updChildLock(ctx context.Context, path string) error {
	unlock, err := Lock(ctx, path, LockWait{})
	if err != nil {
		return err
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	return unlock()
}

func updChildToggle(ctx context.Context, path string, opt UpdateOptions) error {
	fmt.Println("ready")
	for {
		if _, err := Update(ctx, path, opt, updToggle); err != nil {
			return err
		}
		fmt.Println("wrote")
	}
}

// updToggle switches the queueLength of every pool between 1000 and 2000, and the
// value of the environment variable BLOB between repeats of those numbers.
func updToggle(doc *parse.Document) error {
	pools := doc.Root().FindElements("//applicationPools/add")
	blob := doc.Root().FindElement("//environmentVariables/add[@name='BLOB']")
	if len(pools) == 0 || blob == nil {
		return errors.New("no pools or no BLOB")
	}
	v := "2000"
	if pools[0].SelectAttrValue("queueLength", "") == v {
		v = "1000"
	}
	for _, p := range pools {
		p.CreateAttr("queueLength", v)
	}
	blob.CreateAttr("value", strings.Repeat(v, len(blob.SelectAttrValue("value", ""))/len(v)))
	return nil
}

// updChild is a child process of the tests.
type updChild struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	stderr *bytes.Buffer
}

// updStartChild starts the test binary as a child process that runs mode's routine on
// the file path, with the environment variables env besides.
func updStartChild(t *testing.T, mode, path string, env ...string) *updChild {
	t.Helper()
	c := &updChild{cmd: exec.Command(os.Args[0], "-test.run=^$"), stderr: new(bytes.Buffer)}
	c.cmd.Env = append(os.Environ(), updChildEnv+"="+mode, updChildFile+"="+path,
		// A race-enabled binary that exits 0 would otherwise sleep a second.
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	c.cmd.Env = append(c.cmd.Env, env...)
	c.cmd.Stderr = c.stderr
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if c.stdout, err = c.cmd.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})
	return c
}

// updKillDocs returns the two documents the kill test switches between: pools with
// queueLength 1000 in the first, 2000 in the second, and an environment variable BLOB
// of blob bytes, repeats of the same number, so that the two differ all along.
func updKillDocs(pools, blob int) (a, b []byte) {
	return updKillDoc(pools, blob, "1000"), updKillDoc(pools, blob, "2000")
}

func updKillDoc(pools, blob int, q string) []byte {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n  <system.applicationHost>\n    <applicationPools>\n")
	fmt.Fprintf(&b, "      <add name=\"Pool0\" queueLength=\"%s\">\n        <environmentVariables>\n", q)
	fmt.Fprintf(&b, "          <add name=\"BLOB\" value=\"%s\" />\n", strings.Repeat(q, blob/len(q)))
	b.WriteString("        </environmentVariables>\n      </add>\n")
	for i := 1; i < pools; i++ {
		fmt.Fprintf(&b, "      <add name=\"Pool%d\" queueLength=\"%s\" />\n", i, q)
	}
	b.WriteString("    </applicationPools>\n  </system.applicationHost>\n</configuration>\n")
	return []byte(b.String())
}

// TestKillDuringWrites kills, again and again, a process that rewrites a file with
// Update as fast as it can, and checks that the file always holds one of the two
// documents it switches between, byte for byte, and so does every history snapshot.
//
// A process killed in the middle of WriteFile or History.Save leaves its temporary
// file behind: ".applicationHost.config.tmp-XXXX", beside the file or in the history
// directory. The test accepts those (and deletes them), but nothing else.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 100 processes")
	}
	const (
		iterations = 100
		keep       = 3
	)
	docA, docB := updKillDocs(updKillPools, updKillBlob)
	// A private file, as one with passwords is: no temporary copy may be wider.
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, docA, 0o600); err != nil {
		t.Fatal(err)
	}
	perUpdate := updTimeUpdates(t, path, keep)
	start := time.Now()
	var writes, temps int
	for i := range iterations {
		// Every tenth child is killed only after its first Update completed (it said
		// so), so that some are killed mid-way through a later one however slow a
		// busy machine makes the children.
		writes += updKillOnce(t, path, keep, i%10 == 0, rand.N(2*perUpdate))
		temps += updCheckAfterKill(t, path, docA, docB)
		if t.Failed() {
			return
		}
	}
	t.Logf("%d kills in %v (one Update: %v, documents of %d bytes): %d Updates completed, %d temporary files left behind",
		iterations, time.Since(start).Round(time.Millisecond), perUpdate, len(docA), writes, temps)
	if writes == 0 {
		t.Error("no child completed an Update: the kills came too early to test anything")
	}
	// Writers killed between saving a snapshot and pruning leave extra snapshots; the
	// next Update that completes prunes them.
	updTimeUpdates(t, path, keep)
	if snaps, err := (History{}).List(path); err != nil || len(snaps) != keep {
		t.Errorf("after a last Update, history holds %d snapshots, %v; want %d", len(snaps), err, keep)
	}
}

// The size of the kill test's documents: pools, and bytes of the environment variable
// BLOB.
const (
	updKillPools = 200
	updKillBlob  = 256 << 10
)

// updTimeUpdates returns how long an Update of the kill test's file takes, toggling it
// twice so that it comes back to what it was.
func updTimeUpdates(t *testing.T, path string, keep int) time.Duration {
	t.Helper()
	opt := UpdateOptions{History: History{Keep: keep}}
	start := time.Now()
	for range 2 {
		if _, err := Update(t.Context(), path, opt, updToggle); err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(start) / 2
}

// updKillOnce starts a toggling child, kills it at a random moment, wait after it is
// ready (or, afterWrite, after its first Update), and returns how many Updates it
// completed.
func updKillOnce(t *testing.T, path string, keep int, afterWrite bool, wait time.Duration) int {
	t.Helper()
	c := updStartChild(t, "toggle", path, updChildKeep+"="+strconv.Itoa(keep))
	r := bufio.NewReader(c.stdout)
	if line, err := r.ReadString('\n'); line != "ready\n" {
		c.cmd.Wait()
		t.Fatalf("child said %q, %v; stderr:\n%s", line, err, c.stderr)
	}
	written := 0
	if afterWrite {
		if line, err := r.ReadString('\n'); line != "wrote\n" {
			c.cmd.Wait()
			t.Fatalf("child said %q, %v; stderr:\n%s", line, err, c.stderr)
		}
		written++
	}
	kill := make(chan error, 1)
	time.AfterFunc(wait, func() { kill <- c.cmd.Process.Signal(syscall.SIGKILL) })
	if err := <-kill; err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	err := c.cmd.Wait()
	if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, not by SIGKILL; stderr:\n%s", err, c.stderr)
	}
	return written + strings.Count(string(rest), "wrote\n")
}

// updCheckAfterKill checks the file and its history after a writer was killed, deletes
// the temporary files it left behind and returns how many there were.
func updCheckAfterKill(t *testing.T, path string, docs ...[]byte) (temps int) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if updWhich(got, docs...) < 0 {
		t.Errorf("the file holds neither document: %d bytes", len(got))
	}
	base := filepath.Base(path)
	allowed := []string{base, "." + base + ".lock", base + ".history"}
	temps += updCheckDir(t, filepath.Dir(path), base, allowed, nil)
	temps += updCheckDir(t, DefaultHistoryDir(path), base, nil, func(name string, content []byte) {
		if updWhich(content, docs...) < 0 {
			t.Errorf("snapshot %s holds neither document: %d bytes", name, len(content))
		}
	})
	return temps
}

// updCheckDir checks the names in dir: each must be one of allowed, a temporary file
// of WriteFile for base (deleted and counted) or, when snapshot is not nil, a snapshot
// of base, which snapshot checks.
func updCheckDir(t *testing.T, dir, base string, allowed []string, snapshot func(name string, content []byte)) (temps int) {
	t.Helper()
	for _, name := range updDirNames(t, dir) {
		_, isSnap := parseID(strings.TrimPrefix(name, base+"."))
		switch {
		case updIsTemp(name, base):
			temps++
			// A temporary file is never readable by more users than the file (0600).
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Mode().Perm()&^0o600 != 0 {
				t.Errorf("temporary file %s has mode %04o, wider than the file's 0600", name, fi.Mode().Perm())
			}
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		case snapshot != nil && strings.HasPrefix(name, base+".") && isSnap:
			snapshot(name, []byte(updRead(t, filepath.Join(dir, name))))
		case !slices.Contains(allowed, name):
			t.Errorf("stray file %s in %s", name, dir)
		}
	}
	return temps
}

// TestConcurrentProcesses runs twenty processes that each Update the same file once,
// setting the queueLength of a different pool, and checks that every write landed and
// that the history holds each writer's view, newest first. With link, every other
// writer names the file through a symbolic link (and one more through a link to the
// link): they must still be serialized with the others, none exit 0 with its change
// lost, and the history is the file's one history.
func TestConcurrentProcesses(t *testing.T) {
	const writers = 20
	tests := []struct {
		name string
		keep int
		want int // snapshots
		link bool
	}{
		{name: "history keeps all", keep: 25, want: writers},
		{name: "default Keep", keep: 0, want: DefaultHistoryKeep},
		{name: "half through a symlink", keep: 25, want: writers, link: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := updConfigFile(t, updPools(writers, ""))
			names := []string{path}
			if tt.link {
				link, link2 := filepath.Join(filepath.Dir(path), "link.config"), filepath.Join(filepath.Dir(path), "link2.config")
				if err := os.Symlink(filepath.Base(path), link); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(link, link2); err != nil {
					t.Fatal(err)
				}
				names = append(names, link, path, link2)
			}
			start := time.Now()
			children := make([]*updChild, writers)
			for i := range children {
				children[i] = updStartChild(t, "set", names[i%len(names)], updChildArg+"=Pool"+strconv.Itoa(i), updChildKeep+"="+strconv.Itoa(tt.keep))
			}
			for _, c := range children {
				c.stdin.Close() // all go
			}
			for i, c := range children {
				if err := c.cmd.Wait(); err != nil {
					t.Errorf("child %d: %v; stderr:\n%s", i, err, c.stderr)
				}
			}
			t.Logf("%d processes in %v", writers, time.Since(start).Round(time.Millisecond))
			updCheckAllSet(t, path, writers)
			updCheckHistory(t, path, tt.want, writers)
		})
	}
}

// updCheckAllSet checks that each of the n pools of the file path has queueLength 2000.
func updCheckAllSet(t *testing.T, path string, n int) {
	t.Helper()
	doc, err := parse.ReadFile(path, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		e := doc.Root().FindElement(fmt.Sprintf("//add[@name='Pool%d']", i))
		if got := e.SelectAttrValue("queueLength", "(unset)"); got != "2000" {
			t.Errorf("Pool%d: queueLength %s, want 2000: a write was lost", i, got)
		}
	}
}

// updCheckHistory checks that the history of path holds want snapshots, newest
// first, of n serialized writers that each set one more attribute: the newest holds
// n-1 attributes, the next n-2, and so on.
func updCheckHistory(t *testing.T, path string, want, n int) {
	t.Helper()
	snaps, err := History{}.List(path)
	if err != nil {
		t.Fatal(err)
	}
	var got, wantCounts []int
	for i, s := range snaps {
		got = append(got, updCountAttr(t, []byte(updRead(t, s.Path))))
		wantCounts = append(wantCounts, n-1-i)
	}
	if len(snaps) != want {
		t.Errorf("history holds %d snapshots, want %d", len(snaps), want)
	}
	if diff := cmp.Diff(wantCounts, got); diff != "" {
		t.Errorf("attributes set in each snapshot, newest first (-want +got):\n%s", diff)
	}
}

// TestUpdateRefusedKeepsHistory: the history copy is written while the check runs; a
// refused edit removes it, leaving the history directory as it was.
func TestUpdateRefusedKeepsHistory(t *testing.T) {
	path := updConfigFile(t, updPools(2, ""))
	opt := updFixedNow(History{})
	if _, err := Update(t.Context(), path, opt, updSetQueueLength("Pool0", "2000")); err != nil {
		t.Fatal(err)
	}
	dir := DefaultHistoryDir(path)
	before := updDirNames(t, dir)
	_, err := Update(t.Context(), path, opt, updSetQueueLength("Pool1", "5"))
	if _, ok := errors.AsType[*CheckError](err); !ok {
		t.Fatalf("Update = %v, want a *CheckError", err)
	}
	if diff := cmp.Diff(before, updDirNames(t, dir)); diff != "" {
		t.Errorf("history directory after a refused edit (-before +after):\n%s", diff)
	}
}
