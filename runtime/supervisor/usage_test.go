//go:build linux

package supervisor

import (
	"os"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/admin"
)

// TestUsageOfThisProcess reads the test's own memory and CPU time from /proc.
func TestUsageOfThisProcess(t *testing.T) {
	deadline := time.Now().Add(time.Minute)
	var cpu float64
	for n := 0; cpu == 0 && time.Now().Before(deadline); n++ {
		_, cpu = usage([]int{os.Getpid()}) // spins until a clock tick is counted
	}
	m, _ := usage([]int{os.Getpid()})
	if m.Resident <= 0 || m.Virtual < m.Resident || m.Private <= 0 {
		t.Errorf("memory = %+v, want resident and private above 0 and virtual at least resident", m)
	}
	if cpu <= 0 {
		t.Errorf("CPU seconds = %v, want above 0", cpu)
	}
	if m, cpu := usage([]int{1 << 30}); m != (admin.Memory{}) || cpu != 0 {
		t.Errorf("usage of a missing process = %+v, %v, want nothing", m, cpu)
	}
}
