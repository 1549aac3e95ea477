package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testfile"

	"github.com/google/go-cmp/cmp"
)

// The environment of a child process of the tests: updChildEnv says what it does (see
// updRunChild), updChildFile names the file it works on, updChildArg is its argument and
// updChildKeep the Keep of its history.
const (
	updChildEnv  = "POOLCTL_STORE_CHILD"
	updChildFile = "POOLCTL_STORE_FILE"
	updChildArg  = "POOLCTL_STORE_ARG"
	updChildKeep = "POOLCTL_STORE_KEEP"
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
//	toggle  print "ready", then forever change the file, switching every "1000" and
//	        "2000" for the other, and print "wrote" after each commit
//	set     wait for the end of stdin, then change the file once, setting the line
//	        of the pool that updChildArg names to 2000
func updRunChild(mode string) int {
	path := os.Getenv(updChildFile)
	keep, _ := strconv.Atoi(os.Getenv(updChildKeep))
	opt := Options{History: History{Keep: keep}}
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
		_, err = updChange(ctx, path, opt, updSetQueueLength(os.Getenv(updChildArg), "2000"))
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

func updChildToggle(ctx context.Context, path string, opt Options) error {
	fmt.Println("ready")
	for {
		if _, err := updChange(ctx, path, opt, updToggle); err != nil {
			return err
		}
		fmt.Println("wrote")
	}
}

// updToggle switches every "1000" of old for "2000", or every "2000" for "1000".
func updToggle(old []byte) []byte {
	if bytes.Contains(old, []byte("2000")) {
		return bytes.ReplaceAll(old, []byte("2000"), []byte("1000"))
	}
	return bytes.ReplaceAll(old, []byte("1000"), []byte("2000"))
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

// TestConcurrentProcesses runs twenty processes that each change the same file once,
// setting the line of a different pool, and checks that every write landed and that
// the history holds each writer's view, newest first. With link, every other writer
// names the file through a symbolic link (and one more through a link to the link):
// they must still be serialized with the others, none exit 0 with its change lost,
// and the history is the file's one history.
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
			path := testfile.Config(t, updPools(writers, "1000"))
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
			if got := strings.Count(updRead(t, path), "=2000\n"); got != writers {
				t.Errorf("%d of %d pools set: a write was lost", got, writers)
			}
			updCheckHistory(t, path, tt.want, writers)
		})
	}
}

// updCheckHistory checks that the history of path holds want snapshots, newest
// first, of n serialized writers that each set one more pool: the newest holds n-1
// pools set, the next n-2, and so on.
func updCheckHistory(t *testing.T, path string, want, n int) {
	t.Helper()
	snaps, err := History{}.List(path)
	if err != nil {
		t.Fatal(err)
	}
	var got, wantCounts []int
	for i, s := range snaps {
		got = append(got, strings.Count(updRead(t, s.Path), "=2000\n"))
		wantCounts = append(wantCounts, n-1-i)
	}
	if len(snaps) != want {
		t.Errorf("history holds %d snapshots, want %d", len(snaps), want)
	}
	if diff := cmp.Diff(wantCounts, got); diff != "" {
		t.Errorf("pools set in each snapshot, newest first (-want +got):\n%s", diff)
	}
}
