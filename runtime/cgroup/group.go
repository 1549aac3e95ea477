//go:build linux

package cgroup

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// freezeTimeout bounds how long Freeze and Thaw wait for the kernel.
const freezeTimeout = 5 * time.Second

// removeTimeout bounds how long Remove waits for exiting processes to leave.
const removeTimeout = time.Second

// Group is one worker's cgroup: one directory per hierarchy the Manager uses.
type Group struct {
	name    string
	version int
	freezer string   // directory with the freezer ("" = none)
	cpu     string   // directory with the cpu controller ("" = none)
	cpuacct string   // directory with usage accounting ("" = none)
	dirs    []string // the distinct directories
}

// Name is the group's name, as given to Create.
func (g *Group) Name() string { return g.name }

// Rename gives the group another name in every hierarchy; its processes stay in it.
// cgroup v1 renames a cgroup in place; v2 does not (EPERM), and then, as on any error,
// the group keeps its name.
func (g *Group) Rename(name string) error {
	if !goodName(name) {
		return fmt.Errorf("cgroup %s: rename to %q: bad name", g.name, name)
	}
	moved := make(map[string]string, len(g.dirs))
	for _, d := range g.dirs {
		to := filepath.Join(filepath.Dir(d), name)
		if err := unix.Rename(d, to); err != nil {
			for from, back := range moved {
				_ = unix.Rename(from, back)
			}
			return fmt.Errorf("cgroup %s: rename to %s: %w", g.name, name, err)
		}
		moved[to] = d
	}
	renamed := func(d string) string {
		if d == "" {
			return ""
		}
		return filepath.Join(filepath.Dir(d), name)
	}
	g.freezer, g.cpu, g.cpuacct = renamed(g.freezer), renamed(g.cpu), renamed(g.cpuacct)
	for i, d := range g.dirs {
		g.dirs[i] = renamed(d)
	}
	g.name = name
	return nil
}

// Add moves the process pid (all its threads) into the group.
func (g *Group) Add(pid int) error {
	for _, d := range g.dirs {
		if err := writeFile(filepath.Join(d, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("cgroup %s: add %d: %w", g.name, pid, err)
		}
	}
	return nil
}

// Pids lists the processes in the group.
func (g *Group) Pids() ([]int, error) {
	s, err := readFile(filepath.Join(g.dirs[0], "cgroup.procs"))
	if err != nil {
		return nil, fmt.Errorf("cgroup %s: pids: %w", g.name, err)
	}
	var pids []int
	for _, f := range strings.Fields(s) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("cgroup %s: pids: %q: %w", g.name, f, err)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// Freeze freezes every process of the group and waits until the kernel says it is
// frozen; when that takes longer than freezeTimeout it thaws the group and fails.
func (g *Group) Freeze() error {
	if g.freezer == "" {
		return fmt.Errorf("cgroup %s: freeze: %w: no freezer", g.name, ErrNotSupported)
	}
	if err := g.setFrozen(true); err != nil {
		_ = g.setFrozen(false)
		return fmt.Errorf("cgroup %s: freeze: %w", g.name, err)
	}
	return nil
}

// Thaw lets the processes of a frozen group run again.
func (g *Group) Thaw() error {
	if g.freezer == "" {
		return fmt.Errorf("cgroup %s: thaw: %w: no freezer", g.name, ErrNotSupported)
	}
	if err := g.setFrozen(false); err != nil {
		return fmt.Errorf("cgroup %s: thaw: %w", g.name, err)
	}
	return nil
}

// setFrozen asks for the state and polls until the kernel reports it.
func (g *Group) setFrozen(frozen bool) error {
	file, want, check := g.freezeFiles(frozen)
	if err := writeFile(file, want); err != nil {
		return err
	}
	deadline := time.Now().Add(freezeTimeout)
	for wait := 100 * time.Microsecond; ; wait = min(2*wait, 20*time.Millisecond) {
		done, state, err := check()
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still %s after %v", state, freezeTimeout)
		}
		time.Sleep(wait)
		if g.version == 1 {
			// v1 retries the tasks it could not freeze yet on each write (as runc does).
			if err := writeFile(file, want); err != nil {
				return err
			}
		}
	}
}

// freezeFiles returns the file to write, the value, and a check that reads the state.
func (g *Group) freezeFiles(frozen bool) (file, value string, check func() (bool, string, error)) {
	if g.version == 1 {
		file, value = filepath.Join(g.freezer, "freezer.state"), "THAWED"
		if frozen {
			value = "FROZEN"
		}
		return file, value, func() (bool, string, error) {
			s, err := readFile(file)
			return s == value, s, err
		}
	}
	file, value = filepath.Join(g.freezer, "cgroup.freeze"), "0"
	if frozen {
		value = "1"
	}
	events := filepath.Join(g.freezer, "cgroup.events")
	return file, value, func() (bool, string, error) {
		s, err := readKey(events, "frozen")
		return s == value, "frozen " + s, err
	}
}

// SetCPUMax caps the group at quota of CPU time per period (period 0 = 100 ms);
// quota 0 removes the cap. A quota larger than the period allows more than one CPU.
func (g *Group) SetCPUMax(quota, period time.Duration) error {
	if period == 0 {
		period = 100 * time.Millisecond
	}
	if err := checkCPUMax(quota, period); err != nil {
		return fmt.Errorf("cgroup %s: cpu max: %w", g.name, err)
	}
	if g.cpu == "" {
		return fmt.Errorf("cgroup %s: cpu max: %w: no cpu controller", g.name, ErrNotSupported)
	}
	if err := g.writeCPUMax(quota.Microseconds(), period.Microseconds()); err != nil {
		return fmt.Errorf("cgroup %s: cpu max: %w", g.name, err)
	}
	return nil
}

// checkCPUMax enforces the kernel's bounds: period 1 ms to 1 s, quota at least 1 ms.
func checkCPUMax(quota, period time.Duration) error {
	if period < time.Millisecond || period > time.Second {
		return fmt.Errorf("period %v out of range 1ms..1s", period)
	}
	if quota < 0 || (quota > 0 && quota < time.Millisecond) {
		return fmt.Errorf("quota %v: want 0 (no limit) or at least 1ms", quota)
	}
	return nil
}

// writeCPUMax writes quota and period in microseconds (quota 0 = no limit).
func (g *Group) writeCPUMax(quota, period int64) error {
	if g.version == 2 {
		q := "max"
		if quota > 0 {
			q = strconv.FormatInt(quota, 10)
		}
		return writeFile(filepath.Join(g.cpu, "cpu.max"), q+" "+strconv.FormatInt(period, 10))
	}
	if quota == 0 {
		quota = -1
	}
	if err := writeFile(filepath.Join(g.cpu, "cpu.cfs_period_us"), strconv.FormatInt(period, 10)); err != nil {
		return err
	}
	return writeFile(filepath.Join(g.cpu, "cpu.cfs_quota_us"), strconv.FormatInt(quota, 10))
}

// SetCPUWeight sets the group's share of contended CPU, 1 to 10000 (100 is the
// default): cpu.weight on v2, cpu.shares = weight*1024/100 on v1.
func (g *Group) SetCPUWeight(weight int) error {
	if weight < 1 || weight > 10000 {
		return fmt.Errorf("cgroup %s: cpu weight %d out of range 1..10000", g.name, weight)
	}
	if g.cpu == "" {
		return fmt.Errorf("cgroup %s: cpu weight: %w: no cpu controller", g.name, ErrNotSupported)
	}
	file, value := filepath.Join(g.cpu, "cpu.weight"), weight
	if g.version == 1 {
		file, value = filepath.Join(g.cpu, "cpu.shares"), max(2, weight*1024/100)
	}
	if err := writeFile(file, strconv.Itoa(value)); err != nil {
		return fmt.Errorf("cgroup %s: cpu weight: %w", g.name, err)
	}
	return nil
}

// CPUWeight reads the group's weight back (on v1, from cpu.shares: shares*100/1024).
func (g *Group) CPUWeight() (int, error) {
	if g.cpu == "" {
		return 0, fmt.Errorf("cgroup %s: cpu weight: %w: no cpu controller", g.name, ErrNotSupported)
	}
	file := filepath.Join(g.cpu, "cpu.weight")
	if g.version == 1 {
		file = filepath.Join(g.cpu, "cpu.shares")
	}
	n, err := readInt(file)
	if err != nil {
		return 0, fmt.Errorf("cgroup %s: cpu weight: %w", g.name, err)
	}
	if g.version == 1 {
		n = max(1, n*100/1024)
	}
	return int(n), nil
}

// CPUUsage is the CPU time the group's processes have used since it was created.
func (g *Group) CPUUsage() (time.Duration, error) {
	if g.cpuacct == "" {
		return 0, fmt.Errorf("cgroup %s: cpu usage: %w: no cpuacct controller", g.name, ErrNotSupported)
	}
	if g.version == 1 {
		ns, err := readInt(filepath.Join(g.cpuacct, "cpuacct.usage"))
		if err != nil {
			return 0, fmt.Errorf("cgroup %s: cpu usage: %w", g.name, err)
		}
		return time.Duration(ns), nil
	}
	s, err := readKey(filepath.Join(g.cpuacct, "cpu.stat"), "usage_usec")
	if err != nil {
		return 0, fmt.Errorf("cgroup %s: cpu usage: %w", g.name, err)
	}
	us, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("cgroup %s: cpu usage: usage_usec %q: %w", g.name, s, err)
	}
	return time.Duration(us) * time.Microsecond, nil
}

// Remove deletes the group; it kills nothing, and fails while processes remain in it.
func (g *Group) Remove() error {
	var errs []error
	for _, d := range g.dirs {
		if err := removeDir(d); err != nil {
			errs = append(errs, fmt.Errorf("cgroup %s: remove: %w", g.name, err))
		}
	}
	return errors.Join(errs...)
}

// removeDir removes one cgroup directory, waiting removeTimeout for exiting
// processes; a missing directory is already removed.
func removeDir(d string) error {
	procs, err := readFile(filepath.Join(d, "cgroup.procs"))
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if n := len(strings.Fields(procs)); n > 0 {
		return fmt.Errorf("%s: processes remain (%d)", d, n)
	}
	deadline := time.Now().Add(removeTimeout)
	for {
		err := unix.Rmdir(d)
		if err == nil || err == unix.ENOENT {
			return nil
		}
		if err != unix.EBUSY || time.Now().After(deadline) {
			return fmt.Errorf("rmdir %s: %w", d, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// killTimeout bounds how long Kill keeps killing processes that are still in the group.
const killTimeout = 5 * time.Second

// Kill kills every process of the group, those that left the worker's process group
// or session included, and waits until the group is empty: on cgroup v2 it writes
// cgroup.kill where the kernel has it, else it freezes the group (so that nothing
// forks meanwhile), sends SIGKILL to every pid in cgroup.procs and thaws it (v1 holds
// a frozen task's SIGKILL until the thaw). A process it cannot signal is an error.
func (g *Group) Kill() error {
	kill := filepath.Join(g.dirs[0], "cgroup.kill")
	useKill := g.version == 2 && writeFile(kill, "1") == nil
	deadline := time.Now().Add(killTimeout)
	for wait := 100 * time.Microsecond; ; wait = min(2*wait, 20*time.Millisecond) {
		pids, err := g.Pids()
		if errors.Is(err, unix.ENOENT) || err == nil && len(pids) == 0 {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cgroup %s: kill: %w", g.name, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup %s: kill: %d processes remain after %v", g.name, len(pids), killTimeout)
		}
		if !useKill {
			g.killEach(pids)
		}
		time.Sleep(wait)
	}
}

// killEach sends SIGKILL to pids, with the group frozen when it has a freezer.
func (g *Group) killEach(pids []int) {
	frozen := g.freezer != "" && g.setFrozen(true) == nil
	if frozen {
		if more, err := g.Pids(); err == nil {
			pids = more // those forked before the freeze
		}
	}
	for _, pid := range pids {
		_ = unix.Kill(pid, unix.SIGKILL)
	}
	if g.freezer != "" {
		_ = g.setFrozen(false)
	}
}
