//go:build linux

package worker

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// thawDescendants thaws the cgroup v1 freezer groups that root's descendants are in.
// The runtime freezes an idle worker's programs in such a group (cgroup v2 lets a
// fatal signal through to a frozen task, v1 does not), so the shim, which stays
// unfrozen, thaws them before it signals them: otherwise a worker suspended when its
// runtime died could never be stopped. It is best effort: a group that is not frozen,
// or not a freezer, is left alone.
func thawDescendants(root int) {
	live, _ := tree(root)
	mount := freezerMount()
	if mount == "" {
		return
	}
	done := map[string]bool{}
	for _, pid := range live {
		path := freezerPath(pid)
		if path == "" || path == "/" || done[path] {
			continue
		}
		done[path] = true
		_ = os.WriteFile(filepath.Join(mount, path, "freezer.state"), []byte("THAWED"), 0)
	}
}

// freezerMount returns where the cgroup v1 freezer hierarchy is mounted, or "".
func freezerMount() string {
	f, err := os.Open("/proc/self/mounts")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 4 && fields[2] == "cgroup" && hasOption(fields[3], "freezer") {
			return fields[1]
		}
	}
	return ""
}

// hasOption reports whether the comma-separated mount options hold opt.
func hasOption(options, opt string) bool {
	for o := range strings.SplitSeq(options, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// freezerPath returns the freezer group of process pid, from /proc/PID/cgroup, or "".
func freezerPath(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 && hasOption(parts[1], "freezer") {
			return parts[2]
		}
	}
	return ""
}
