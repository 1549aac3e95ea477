//go:build linux

package cgroup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrNotSupported is returned by operations this machine cannot perform: no usable
// cgroup, a controller that is missing, or a kernel without process_madvise.
var ErrNotSupported = errors.New("not supported")

// Manager creates and controls the cgroups of poolctl's workers.
type Manager struct {
	root string // "/" or a test tree
	plan plan
	ok   bool
	why  string
	// instance names this runtime's directory under each <mount>/poolctl, which
	// holds its groups; locks hold it (see claim).
	instance string
	locks    []*os.File
}

// New probes the machine below root ("" = "/") and returns a Manager; one whose
// Available is false when no cgroup can be created. It fails only when root's
// /proc/self/cgroup or /proc/mounts cannot be read or parsed.
func New(root string) (*Manager, error) {
	if root == "" {
		root = "/"
	}
	ps, why, err := probe(root)
	if err != nil {
		return nil, err
	}
	instance, err := newInstanceName()
	if err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	m := &Manager{root: root, instance: instance}
	var failed []string
	for _, p := range ps {
		if err := m.prepare(p); err != nil {
			failed = append(failed, err.Error())
			continue
		}
		m.sweep(p)
		if err := m.claim(p); err != nil {
			failed = append(failed, err.Error())
			continue
		}
		m.plan, m.ok, m.why = p, true, m.describe(p, failed)
		return m, nil
	}
	if len(failed) > 0 {
		why = strings.Join(failed, "; ")
	}
	m.why = "no writable cgroup: " + why
	return m, nil
}

// Available tells whether the Manager can create groups, and describes where or why not.
func (m *Manager) Available() (ok bool, why string) { return m.ok, m.why }

// Version is the cgroup version the Manager uses: 1, 2, or 0 when it is not Available.
func (m *Manager) Version() int {
	if !m.ok {
		return 0
	}
	return m.plan.version
}

// CanFreeze tells whether the Manager's groups can be frozen.
func (m *Manager) CanFreeze() bool { return m.ok && m.plan.freezer != "" }

// CanLimitCPU tells whether the Manager's groups take a CPU quota and weight.
func (m *Manager) CanLimitCPU() bool { return m.ok && m.plan.cpu != "" }

// Create makes the cgroup name (e.g. "pool-Shop-1234") of one worker, for holding,
// freezing and killing its processes, and moves pids into it; an existing group of
// that name is reused. On cgroup v1 the group leaves out the cpu hierarchy unless
// cpu shares the freezer's directory or is the only one (see plan.roles): there a
// cgroup is scheduled as one task, and every worker of the runtime would share the
// CPU time of one process against the processes outside. v2 has one directory for
// every controller, and its groups are scheduled as groups.
func (m *Manager) Create(name string, pids ...int) (*Group, error) {
	return m.create(name, false, pids)
}

// CreateCPU makes the cgroup name that caps its processes' CPU (a pool's cpu.limit)
// and moves pids into it: on cgroup v1 in the cpu and cpuacct hierarchies only, so
// that each process stays in its worker's group (Create) for freezing and killing; on
// v2 as Create does.
func (m *Manager) CreateCPU(name string, pids ...int) (*Group, error) {
	return m.create(name, true, pids)
}

// create makes the group name, a CPU group (CreateCPU) or a worker's (Create).
func (m *Manager) create(name string, cpu bool, pids []int) (*Group, error) {
	if !m.ok {
		return nil, fmt.Errorf("cgroup: create %s: %w: %s", name, ErrNotSupported, m.why)
	}
	if !goodName(name) {
		return nil, fmt.Errorf("cgroup: create %q: bad name", name)
	}
	if cpu && m.plan.cpu == "" {
		return nil, fmt.Errorf("cgroup: create %s: %w: no cpu controller", name, ErrNotSupported)
	}
	if err := m.prepare(m.plan); err != nil {
		return nil, fmt.Errorf("cgroup: create %s: %w", name, err)
	}
	g := m.group(name, cpu)
	for _, d := range g.dirs {
		err := os.Mkdir(d, 0o755)
		if errors.Is(err, os.ErrNotExist) { // the runtime's directory went: make it again
			if err = makeParent(filepath.Dir(d), m.plan.version == 2 && m.plan.cpu != ""); err == nil {
				err = os.Mkdir(d, 0o755)
			}
		}
		if err != nil && !errors.Is(err, os.ErrExist) {
			_ = g.Remove()
			return nil, fmt.Errorf("cgroup: create %s: %w", name, err)
		}
	}
	for _, pid := range pids {
		if err := g.Add(pid); err != nil {
			_ = g.Remove()
			return nil, fmt.Errorf("cgroup: create %s: %w", name, err)
		}
	}
	return g, nil
}

// goodName reports whether name can name a group: one path element.
func goodName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\x00\n")
}

// Close removes the runtime's directories and the poolctl directories New created,
// when no group is left in them, and lets go of the runtime's locks.
func (m *Manager) Close() error {
	if !m.ok {
		return nil
	}
	var errs []error
	dirs := m.parents(m.plan)
	if m.instance != "" {
		dirs = append(m.instanceDirs(m.plan), dirs...)
	}
	defer m.release()
	for _, d := range dirs {
		err := unix.Rmdir(d)
		if err != nil && err != unix.ENOENT && err != unix.EBUSY && err != unix.ENOTEMPTY {
			errs = append(errs, fmt.Errorf("cgroup: close: rmdir %s: %w", d, err))
		}
	}
	return errors.Join(errs...)
}

// group describes the group name under the Manager's plan: a CPU group (CreateCPU)
// or a worker's (Create).
func (m *Manager) group(name string, cpu bool) *Group {
	g := &Group{name: name, version: m.plan.version}
	dir := func(mount string) string {
		if mount == "" {
			return ""
		}
		d := filepath.Join(m.root, mount, parentName, m.instance, name)
		if !slices.Contains(g.dirs, d) {
			g.dirs = append(g.dirs, d)
		}
		return d
	}
	freezer, cpuctl, cpuacct := m.plan.roles(cpu)
	g.freezer, g.cpu, g.cpuacct = dir(freezer), dir(cpuctl), dir(cpuacct)
	return g
}

// parents lists the distinct <mount>/poolctl directories of plan p.
func (m *Manager) parents(p plan) []string {
	var ds []string
	for _, mount := range []string{p.freezer, p.cpu, p.cpuacct} {
		d := filepath.Join(m.root, mount, parentName)
		if mount != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	return ds
}

// prepare makes plan p's poolctl directories, checks that they are cgroups and, on
// v2 with cpu, passes the cpu controller down to them. It may run more than once.
func (m *Manager) prepare(p plan) error {
	for _, d := range m.parents(p) {
		if err := makeParent(d, p.version == 2 && p.cpu != ""); err != nil {
			return fmt.Errorf("cgroup v%d: %w", p.version, err)
		}
	}
	return nil
}

// makeParent creates the poolctl directory d, checks its filesystem, and enables
// the cpu controller for its children when delegateCPU (v2).
func makeParent(d string, delegateCPU bool) error {
	if delegateCPU {
		if err := enableController(filepath.Dir(d), ctlCPU); err != nil {
			return err
		}
	}
	created := true
	if err := os.Mkdir(d, 0o755); errors.Is(err, os.ErrExist) {
		created = false
	} else if err != nil {
		return err
	}
	err := checkCgroupFS(d)
	if err == nil && delegateCPU {
		err = enableController(d, ctlCPU)
	}
	if err != nil && created {
		_ = unix.Rmdir(d)
	}
	return err
}

// enableController writes "+c" to dir's cgroup.subtree_control unless c is enabled.
func enableController(dir, c string) error {
	file := filepath.Join(dir, "cgroup.subtree_control")
	cur, err := readFile(file)
	if err != nil {
		return err
	}
	if hasWord(cur, c) {
		return nil
	}
	return writeFile(file, "+"+c)
}

// checkCgroupFS fails unless d is on a cgroup or cgroup2 filesystem.
func checkCgroupFS(d string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(d, &st); err != nil {
		return &os.PathError{Op: "statfs", Path: d, Err: err}
	}
	if st.Type != unix.CGROUP_SUPER_MAGIC && st.Type != unix.CGROUP2_SUPER_MAGIC {
		return fmt.Errorf("%s is not on a cgroup filesystem (type %#x)", d, st.Type)
	}
	return nil
}

// describe says where plan p puts the groups, what it lacks, and which better plans
// failed.
func (m *Manager) describe(p plan, failed []string) string {
	var s string
	if p.version == 2 {
		s = "cgroup v2 at " + filepath.Join(m.root, p.freezer, parentName)
	} else {
		var parts []string
		for _, c := range [][2]string{{ctlFreezer, p.freezer}, {ctlCPU, p.cpu}, {ctlCPUAcct, p.cpuacct}} {
			if c[1] != "" {
				parts = append(parts, c[0]+" at "+filepath.Join(m.root, c[1], parentName))
			}
		}
		s = "cgroup v1: " + strings.Join(parts, ", ")
	}
	if p.note != "" {
		s += " (" + p.note + ")"
	}
	for _, f := range failed {
		s += "; not used: " + f
	}
	return s
}
