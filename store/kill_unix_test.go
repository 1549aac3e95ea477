//go:build unix

package store

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testfile"
)

// updKillDocs returns the two documents the kill test switches between: lines of
// 1000 in the first, 2000 in the second, and a blob of blob bytes, repeats of the same
// number, so that the two differ all along.
func updKillDocs(pools, blob int) (a, b []byte) {
	return updKillDoc(pools, blob, "1000"), updKillDoc(pools, blob, "2000")
}

func updKillDoc(pools, blob int, q string) []byte {
	return []byte(updPools(pools, q) + "BLOB=" + strings.Repeat(q, blob/len(q)) + "\n")
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

// TestKillDuringWrites kills, again and again, a process that rewrites a file through
// a Txn as fast as it can, and checks that the file always holds one of the two
// documents it switches between, byte for byte, and so does every history snapshot.
//
// A process killed in the middle of a commit leaves its temporary file behind:
// ".applicationHost.config.tmp-XXXX", beside the file or in the history directory.
// The test accepts those (and deletes them), but nothing else.
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
		// Every tenth child is killed only after its first commit completed (it said
		// so), so that some are killed mid-way through a later one however slow a
		// busy machine makes the children.
		writes += updKillOnce(t, path, keep, i%10 == 0, rand.N(2*perUpdate))
		temps += updCheckAfterKill(t, path, docA, docB)
		if t.Failed() {
			return
		}
	}
	t.Logf("%d kills in %v (one commit: %v, documents of %d bytes): %d commits completed, %d temporary files left behind",
		iterations, time.Since(start).Round(time.Millisecond), perUpdate, len(docA), writes, temps)
	if writes == 0 {
		t.Error("no child completed a commit: the kills came too early to test anything")
	}
	// Writers killed between saving a snapshot and pruning leave extra snapshots; the
	// next commit prunes them.
	updTimeUpdates(t, path, keep)
	if snaps, err := (History{}).List(path); err != nil || len(snaps) != keep {
		t.Errorf("after a last commit, history holds %d snapshots, %v; want %d", len(snaps), err, keep)
	}
}

// The size of the kill test's documents: pools, and bytes of the blob.
const (
	updKillPools = 200
	updKillBlob  = 256 << 10
)

// updTimeUpdates returns how long a commit of the kill test's file takes, toggling it
// twice so that it comes back to what it was.
func updTimeUpdates(t *testing.T, path string, keep int) time.Duration {
	t.Helper()
	opt := Options{History: History{Keep: keep}}
	start := time.Now()
	for range 2 {
		if _, err := updChange(t.Context(), path, opt, updToggle); err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(start) / 2
}

// updKillOnce starts a toggling child, kills it at a random moment, wait after it is
// ready (or, afterWrite, after its first commit), and returns how many commits it
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
	for _, name := range testfile.Names(t, dir) {
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
