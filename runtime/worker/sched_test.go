//go:build linux

package worker

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/internal/testseccomp"
)

// TestBatch starts workers with and without Config.Batch, and with it and an Affinity,
// and reads the kernel's view: with it, every thread of the program, and the
// grandchild it forks, have SCHED_BATCH at the runtime's nice value (and the CPUs of
// the Affinity); without it, the runtime's own policy. Every thread of the shim keeps
// the runtime's policy and CPUs either way.
func TestBatch(t *testing.T) {
	t.Parallel()
	own, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	ownCPUs := procStatus(t, "/proc/self", "Cpus_allowed_list")
	for _, tt := range []struct {
		name     string
		batch    bool
		affinity *Affinity
		want     uint32
	}{
		{"batch", true, nil, unix.SCHED_BATCH},
		{"inherited", false, nil, own.Policy},
		{"batch and CPU 0", true, &Affinity{CPUs: []int{0}}, unix.SCHED_BATCH},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t, twApp(t, "site/sched", "TW_FORK_GRANDCHILD=1"))
			cfg.Batch, cfg.Affinity = tt.batch, tt.affinity
			w := start(t, cfg)
			ready(t, w)
			app := "/proc/" + strconv.Itoa(w.AppPIDs()[0])
			grandchild := "/proc/" + strconv.Itoa(whoami(t, w, 0).Grandchild)
			for _, dir := range []string{app, grandchild} {
				threads, err := filepath.Glob(dir + "/task/*")
				if err != nil || len(threads) == 0 {
					t.Fatalf("%s: threads %v, %v", dir, threads, err)
				}
				for _, task := range threads {
					if p, nice := taskPolicy(t, task); p != tt.want || nice != own.Nice {
						t.Errorf("%s: policy %d, nice %d; want %d, %d", task, p, nice, tt.want, own.Nice)
					}
				}
			}
			if tt.affinity != nil {
				if got := procStatus(t, app, "Cpus_allowed_list"); got != "0" {
					t.Errorf("%s: Cpus_allowed_list = %q, want 0", app, got)
				}
			}
			for _, task := range shimTasks(t, w) {
				if p, _ := taskPolicy(t, task); p != own.Policy {
					t.Errorf("shim thread %s: policy %d, want the runtime's %d", task, p, own.Policy)
				}
				if got := procStatus(t, task, "Cpus_allowed_list"); got != ownCPUs {
					t.Errorf("shim thread %s: Cpus_allowed_list = %q, want the runtime's %q", task, got, ownCPUs)
				}
			}
		})
	}
}

// taskPolicy returns the scheduling policy and nice value of the thread at
// /proc/PID/task/TID.
func taskPolicy(t *testing.T, task string) (uint32, int32) {
	t.Helper()
	tid, err := strconv.Atoi(filepath.Base(task))
	if err != nil {
		t.Fatal(err)
	}
	attr, err := unix.SchedGetAttr(tid, 0)
	if err != nil {
		t.Fatalf("sched_getattr(%d): %v", tid, err)
	}
	return attr.Policy, attr.Nice
}

// TestBatchAvailable: the probe succeeds on this machine and leaves the calling
// thread's policy as it found it.
func TestBatchAvailable(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := BatchAvailable(); err != nil {
		t.Fatalf("BatchAvailable: %v", err)
	}
	after, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if after.Policy != before.Policy || after.Nice != before.Nice {
		t.Errorf("after the probe: policy %d, nice %d; want %d, %d", after.Policy, after.Nice, before.Policy, before.Nice)
	}
}

// TestBatchRefused runs the probe in a process whose seccomp filter refuses
// sched_setattr, as a container's may: BatchAvailable says so (poolctl run then
// reports event 9028 and starts its workers with its own policy).
func TestBatchRefused(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(testExe(t), "-test.run=^$")
	cmd.Env = append(os.Environ(), roleEnv+"=batch-refused", noRaceSleep)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "set the programs' policy to SCHED_BATCH: operation not permitted") {
		t.Errorf("BatchAvailable under a filter that refuses sched_setattr: %q", out)
	}
}

// batchRefusedRole makes sched_setattr fail with EPERM on every thread, as a seccomp
// filter may, then prints what BatchAvailable returns.
func batchRefusedRole() int {
	if err := testseccomp.Deny(unix.SYS_SCHED_SETATTR); err != nil {
		fmt.Println(err)
		return 1
	}
	fmt.Println("BatchAvailable:", BatchAvailable())
	return 0
}
