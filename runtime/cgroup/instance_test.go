//go:build linux

package cgroup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepsGoneRuntimes checks that a Manager removes the directories and empty
// groups of runtimes that are gone, and only those: a runtime killed with SIGKILL
// (whose locks the kernel let go), and one that let go of its locks; not one that is
// alive, nor a group that still holds a process.
func TestSweepsGoneRuntimes(t *testing.T) {
	live := realManager(t)
	liveGroup, err := live.Create("test-live")
	if err != nil {
		t.Fatal(err)
	}

	killed, killedDirs := startRoleSaying(t, "manager")
	if len(killedDirs) == 0 {
		t.Fatal("the killed runtime's group has no directory")
	}
	if err := killed.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = killed.Wait()

	released, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	releasedGroup, err := released.Create("test-released")
	if err != nil {
		t.Fatal(err)
	}
	sleeper := startRole(t, "sleep")
	busy, err := released.Create("test-busy", sleeper.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	released.release() // gone, as far as locks tell, with a process left in a group

	sweeper := realManager(t)
	for _, d := range killedDirs {
		if _, err := os.Stat(filepath.Dir(d)); !os.IsNotExist(err) {
			t.Errorf("the killed runtime's %s is still there (%v)", filepath.Dir(d), err)
		}
	}
	for _, d := range releasedGroup.dirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("the empty group of a runtime gone is still there: %v", err)
		}
	}
	for _, d := range busy.dirs {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("a group that holds a process was removed: %v", err)
		}
	}
	for _, d := range liveGroup.dirs {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("a live runtime's group was removed: %v", err)
		}
	}
	for _, d := range sweeper.instanceDirs(sweeper.plan) {
		if !strings.HasPrefix(filepath.Base(d), instancePrefix) {
			t.Errorf("runtime directory %s", d)
		}
	}
	// What is left of the released runtime goes once its group is empty.
	destroy(t, busy)
	sweeper.sweep(sweeper.plan)
	for _, d := range released.instanceDirs(released.plan) {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s is still there after its last group went (%v)", d, err)
		}
	}
	if g, err := live.Create("test-live"); err == nil {
		destroy(t, g)
	}
}

// TestCreateAfterRunDirRemoved checks that Create makes the runtime's directory again
// when something removed it.
func TestCreateAfterRunDirRemoved(t *testing.T) {
	m := realManager(t)
	for _, d := range m.instanceDirs(m.plan) {
		if err := os.Remove(d); err != nil {
			t.Fatal(err)
		}
	}
	g, err := m.Create("test-again")
	if err != nil {
		t.Fatal(err)
	}
	destroy(t, g)
}
