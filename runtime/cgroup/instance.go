//go:build linux

package cgroup

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// instancePrefix starts the name of a runtime's directory under <mount>/poolctl.
const instancePrefix = "run-"

// newInstanceName returns the name of a new runtime's directory: its pid, for people,
// and random bytes, since runtimes in other pid namespaces may share the hierarchy.
func newInstanceName() (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%d-%s", instancePrefix, os.Getpid(), hex.EncodeToString(b[:])), nil
}

// instanceDirs lists plan p's directories of this Manager's runtime, one per distinct
// hierarchy: <mount>/poolctl/<instance>.
func (m *Manager) instanceDirs(p plan) []string {
	var ds []string
	for _, d := range m.parents(p) {
		ds = append(ds, filepath.Join(d, m.instance))
	}
	return ds
}

// claim makes the runtime's directories of plan p and holds an exclusive flock on
// each while the Manager lives: a runtime that finds one it can lock knows that its
// owner is gone (killed, say), whatever pid namespace it ran in, and removes it
// (sweep). A sweep may remove a directory between its mkdir and its lock; claim then
// makes it again.
func (m *Manager) claim(p plan) error {
	delegateCPU := p.version == 2 && p.cpu != ""
	for _, d := range m.instanceDirs(p) {
		var f *os.File
		var err error
		for range 3 {
			if f, err = claimDir(d, delegateCPU); err == nil || !errors.Is(err, errSwept) {
				break
			}
		}
		if err != nil {
			m.release()
			return fmt.Errorf("cgroup v%d: %w", p.version, err)
		}
		m.locks = append(m.locks, f)
	}
	return nil
}

// errSwept is claimDir's error when another runtime removed the directory before it
// was locked.
var errSwept = errors.New("removed before it was locked")

// claimDir makes the directory d (a cgroup, with the cpu controller passed on to its
// children when delegateCPU), locks it, and checks that the locked directory is the
// one at d.
func claimDir(d string, delegateCPU bool) (*os.File, error) {
	if err := makeParent(d, delegateCPU); err != nil {
		return nil, err
	}
	f, err := os.Open(d)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", d, errSwept)
		}
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", d, err)
	}
	held, err1 := f.Stat()
	there, err2 := os.Stat(d)
	if err1 != nil || err2 != nil || !os.SameFile(held, there) {
		f.Close()
		return nil, fmt.Errorf("%s: %w", d, errSwept)
	}
	return f, nil
}

// release lets go of the runtime's directories: another runtime's sweep may remove
// what is left of them.
func (m *Manager) release() {
	for _, f := range m.locks {
		f.Close()
	}
	m.locks = nil
}

// sweep removes, under each of plan p's poolctl directories, the directories of
// runtimes that are gone, with the groups they left (empty ones: a group that still
// holds a process is not removed, and its runtime's directory with it). It is best
// effort: what it cannot remove, a later sweep tries again.
func (m *Manager) sweep(p plan) {
	for _, parent := range m.parents(p) {
		entries, err := os.ReadDir(parent)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() && strings.HasPrefix(e.Name(), instancePrefix) && e.Name() != m.instance {
				sweepInstance(filepath.Join(parent, e.Name()))
			}
		}
	}
}

// sweepInstance removes the directory d of another runtime, with its groups, when no
// live runtime holds its lock.
func sweepInstance(d string) {
	f, err := os.Open(d)
	if err != nil {
		return
	}
	defer f.Close()
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		return // its runtime is alive
	}
	groups, _ := f.ReadDir(-1)
	for _, g := range groups {
		if g.IsDir() {
			_ = unix.Rmdir(filepath.Join(d, g.Name()))
		}
	}
	_ = unix.Rmdir(d)
}
