//go:build linux

package supervisor

import (
	"os"
	"strconv"
	"strings"

	"github.com/poolctl/poolctl/runtime/admin"
)

// clockTicks is the unit of /proc/PID/stat's CPU times: USER_HZ, 100 on Linux.
const clockTicks = 100

// usage returns the memory and CPU time of the processes, from /proc; a process that
// is gone counts nothing.
func usage(pids []int) (admin.Memory, float64) {
	var m admin.Memory
	var cpu float64
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid)
		m.Virtual += procField(dir+"/status", "VmSize:") << 10
		m.Resident += procField(dir+"/status", "VmRSS:") << 10
		rollup := dir + "/smaps_rollup"
		m.Private += (procField(rollup, "Private_Clean:") + procField(rollup, "Private_Dirty:")) << 10
		cpu += cpuSeconds(dir + "/stat")
	}
	return m, cpu
}

// cpuSeconds returns utime + stime of a /proc/PID/stat file, in seconds, or 0.
func cpuSeconds(path string) float64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces: count the
	// fields after its closing parenthesis (field 3 is the first).
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return float64(utime+stime) / clockTicks
}
