//go:build linux

package host

import (
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/internal/testbuf"
	"github.com/poolctl/poolctl/runtime/event"
)

// TestBatchRefused runs TestBatchRefusedRuntime in a test process that refuses
// sched_setattr, as a container's seccomp filter may.
func TestBatchRefused(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestBatchRefusedRuntime$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), denyBatchEnv+"=1", raceQuick)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestBatchRefusedRuntime") {
		t.Fatalf("the runtime under a filter that refuses sched_setattr: %v\n%s", err, out)
	}
}

// TestBatchRefusedRuntime: where the workers cannot be given SCHED_BATCH, the runtime
// says so (event 9028, with the reason) and its workers start all the same, with its
// own policy. It runs in the process TestBatchRefused starts.
func TestBatchRefusedRuntime(t *testing.T) {
	if os.Getenv(denyBatchEnv) == "" {
		t.Skip("TestBatchRefused runs it, in a process that refuses sched_setattr")
	}
	var log testbuf.Buffer
	s := startRuntime(t, func(e, d string) string { return config(e, d, "/") }, func(o *Options) {
		o.WorkerBatch = true
		o.Log = slog.New(slog.NewJSONHandler(&log, nil))
	})
	s.await(t, event.WorkerStarted)
	if code := s.get(t, "/"); code != http.StatusOK {
		t.Errorf("GET / = %d, want 200: the worker starts with the runtime's policy", code)
	}
	if got := log.String(); !strings.Contains(got, `"event":9028`) || !strings.Contains(got, "operation not permitted") {
		t.Errorf("the log has no event 9028 with the reason:\n%s", got)
	}
}
