//go:build linux

package numa

import (
	"path/filepath"
	"testing"
)

// TestPlace places workers one after another, as a garden with maxProcesses="0" starts
// them, on the fake trees: the most free memory first, ties to the lowest ID, never a
// taken node or one without CPUs, and nowhere once every node is taken.
func TestPlace(t *testing.T) {
	tests := []struct {
		tree       string
		assignment string
		want       []int // the nodes of successive workers; then ok=false
	}{
		{"one-node", MostAvailableMemory, []int{0}},
		{"two-node", MostAvailableMemory, []int{1, 0}},
		{"four-node", MostAvailableMemory, []int{1, 2, 3, 0}},
		{"memory-only-node", MostAvailableMemory, []int{0}},
		{"no-numa", MostAvailableMemory, []int{0}},
		{"four-node", WindowsScheduling, nil},
		{"four-node", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.tree+"/"+tt.assignment, func(t *testing.T) {
			nodes, err := Read(filepath.Join("testdata", tt.tree))
			if err != nil {
				t.Fatal(err)
			}
			taken := map[int]bool{}
			for i, want := range tt.want {
				got, ok := Place(nodes, taken, tt.assignment)
				if !ok || got != want {
					t.Fatalf("worker %d: Place = %d, %v; want %d, true", i, got, ok, want)
				}
				taken[got] = true
			}
			if got, ok := Place(nodes, taken, tt.assignment); ok {
				t.Errorf("Place with %v taken = %d, true; want ok=false", taken, got)
			}
		})
	}
}

// TestPlaceNotTaken checks that a node given back (its worker stopped) is chosen again,
// and that Place works with a nil taken map and without nodes.
func TestPlaceNotTaken(t *testing.T) {
	nodes := []Node{{ID: 0, CPUs: []int{0}, MemFreeKB: 10}, {ID: 1, CPUs: []int{1}, MemFreeKB: 20}}
	if got, ok := Place(nodes, nil, MostAvailableMemory); !ok || got != 1 {
		t.Errorf("Place(nil taken) = %d, %v; want 1, true", got, ok)
	}
	if got, ok := Place(nodes, map[int]bool{1: false, 0: true}, MostAvailableMemory); !ok || got != 1 {
		t.Errorf("Place(1 given back) = %d, %v; want 1, true", got, ok)
	}
	if got, ok := Place(nil, nil, MostAvailableMemory); ok {
		t.Errorf("Place(no nodes) = %d, true; want ok=false", got)
	}
}
