//go:build linux

package cgroup

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Controller names used on cgroup v1 (and "cpu" on v2).
const (
	ctlFreezer = "freezer"
	ctlCPU     = "cpu"
	ctlCPUAcct = "cpuacct"
)

// parentName is the directory, under each hierarchy's mount point, that holds the
// workers' groups: <mount>/poolctl/<name>.
const parentName = "poolctl"

// mount is one cgroup filesystem from /proc/mounts.
type mount struct {
	dir         string   // mount point, as the kernel shows it (not prefixed by root)
	v2          bool     // cgroup2
	controllers []string // v1: the controllers bound to this hierarchy
}

// selfCgroup is what /proc/self/cgroup says: the v1 controllers the kernel has
// (one line per hierarchy) and whether the process is in a v2 hierarchy ("0::").
type selfCgroup struct {
	v1 map[string]string // controller -> the process's path in its hierarchy
	v2 bool
}

// plan is one way to place the workers' groups: a version and, per role, the
// mount point that serves it ("" = the role is not available).
type plan struct {
	version int
	freezer string
	cpu     string
	cpuacct string
	note    string // what is missing, for Available's reason
}

// roles returns the mount points of a group's roles under plan p: a CPU group's
// (cpu) or a worker's. On v1 a CPU group has the cpu and cpuacct hierarchies, and a
// worker's group the freezer's alone, else cpuacct's alone, so that a process in both
// is scheduled and counted by its CPU group; it takes cpu's hierarchy only where cpu
// shares the freezer's directory or is all there is (holding a worker's processes
// comes first). On v2 every group has every role the hierarchy offers.
func (p plan) roles(cpu bool) (freezer, cpuctl, cpuacct string) {
	switch {
	case p.version == 2:
		return p.freezer, p.cpu, p.cpuacct
	case cpu:
		return "", p.cpu, p.cpuacct
	case p.freezer != "" && p.freezer != p.cpu:
		return p.freezer, "", ""
	case p.freezer == "" && p.cpuacct != "" && p.cpuacct != p.cpu:
		return "", "", p.cpuacct
	}
	return p.freezer, p.cpu, p.cpuacct
}

// parseSelfCgroup reads the format of /proc/PID/cgroup: "ID:controllers:path".
func parseSelfCgroup(data []byte) (selfCgroup, error) {
	s := selfCgroup{v1: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			return s, fmt.Errorf("bad line %q", line)
		}
		if f[0] == "0" && f[1] == "" {
			s.v2 = true
			continue
		}
		for _, c := range strings.Split(f[1], ",") {
			if c != "" && !strings.HasPrefix(c, "name=") {
				s.v1[c] = f[2]
			}
		}
	}
	return s, sc.Err()
}

// parseMounts reads the format of /proc/mounts and keeps the cgroup filesystems.
func parseMounts(data []byte) []mount {
	var ms []mount
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		switch f[2] {
		case "cgroup2":
			ms = append(ms, mount{dir: unescapeMount(f[1]), v2: true})
		case "cgroup":
			ms = append(ms, mount{dir: unescapeMount(f[1]), controllers: v1Controllers(f[3])})
		}
	}
	return ms
}

// v1Controllers picks the controller names out of a v1 cgroup mount's options.
func v1Controllers(opts string) []string {
	var cs []string
	for _, o := range strings.Split(opts, ",") {
		switch o {
		case ctlFreezer, ctlCPU, ctlCPUAcct:
			cs = append(cs, o)
		}
	}
	return cs
}

// unescapeMount undoes /proc/mounts' octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// plans lists, best first, the ways this machine could hold the workers' groups:
// cgroup v2 with the cpu controller; cgroup v1 (freezer, cpu, cpuacct, whichever
// exist); cgroup v2 without cpu (freeze only). v2cpu tells whether the v2
// hierarchy's root offers the cpu controller. Why explains an empty list.
func plans(self selfCgroup, ms []mount, v2cpu func(dir string) bool) (ps []plan, why string) {
	v2dir, v1dirs := pickMounts(self, ms)
	hasV1 := v1dirs[ctlFreezer] != "" || v1dirs[ctlCPU] != ""
	if v2dir != "" && v2cpu(v2dir) {
		ps = append(ps, plan{version: 2, freezer: v2dir, cpu: v2dir, cpuacct: v2dir})
	}
	if hasV1 {
		ps = append(ps, plan{version: 1, freezer: v1dirs[ctlFreezer], cpu: v1dirs[ctlCPU],
			cpuacct: v1dirs[ctlCPUAcct], note: v1Note(v1dirs)})
	}
	if v2dir != "" && len(ps) == 0 {
		ps = append(ps, plan{version: 2, freezer: v2dir, cpuacct: v2dir,
			note: "the cgroup v2 hierarchy at " + v2dir + " offers no cpu controller"})
	}
	if len(ps) == 0 {
		why = noCgroupReason(self, ms)
	}
	return ps, why
}

// pickMounts finds the v2 mount (when the process is in a v2 hierarchy) and, per v1
// controller the kernel has, the mount of its hierarchy.
func pickMounts(self selfCgroup, ms []mount) (v2dir string, v1dirs map[string]string) {
	v1dirs = map[string]string{}
	for _, m := range ms {
		if m.v2 {
			if self.v2 && v2dir == "" {
				v2dir = m.dir
			}
			continue
		}
		for _, c := range m.controllers {
			if _, ok := self.v1[c]; ok && v1dirs[c] == "" {
				v1dirs[c] = m.dir
			}
		}
	}
	return v2dir, v1dirs
}

// v1Note names the v1 controllers that are missing.
func v1Note(dirs map[string]string) string {
	var missing []string
	for _, c := range []string{ctlFreezer, ctlCPU, ctlCPUAcct} {
		if dirs[c] == "" {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "no cgroup v1 " + strings.Join(missing, ", ") + " controller"
}

// noCgroupReason says why no plan was possible.
func noCgroupReason(self selfCgroup, ms []mount) string {
	if len(ms) == 0 {
		return "no cgroup filesystem is mounted"
	}
	if !self.v2 && len(self.v1) == 0 {
		return "the process is in no cgroup hierarchy"
	}
	return "neither a cgroup v2 hierarchy nor a cgroup v1 freezer or cpu controller is mounted"
}

// probe reads root's /proc/self/cgroup and /proc/mounts and returns the plans.
func probe(root string) ([]plan, string, error) {
	data, err := os.ReadFile(filepath.Join(root, "proc/self/cgroup"))
	if err != nil {
		return nil, "", fmt.Errorf("cgroup: probe: %w", err)
	}
	self, err := parseSelfCgroup(data)
	if err != nil {
		return nil, "", fmt.Errorf("cgroup: probe: %s: %w", filepath.Join(root, "proc/self/cgroup"), err)
	}
	data, err = os.ReadFile(filepath.Join(root, "proc/mounts"))
	if err != nil {
		return nil, "", fmt.Errorf("cgroup: probe: %w", err)
	}
	v2cpu := func(dir string) bool {
		b, err := os.ReadFile(filepath.Join(root, dir, "cgroup.controllers"))
		return err == nil && hasWord(string(b), ctlCPU)
	}
	ps, why := plans(self, parseMounts(data), v2cpu)
	return ps, why, nil
}

// hasWord tells whether the space-separated list s holds w.
func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}
