//go:build linux

package numa

// The values of cpu.numaNodeAssignment.
const (
	// MostAvailableMemory places a worker on the node with the most free memory.
	MostAvailableMemory = "MostAvailableMemory"
	// WindowsScheduling leaves a worker's placement to the kernel.
	WindowsScheduling = "WindowsScheduling"
)

// Place returns the ID of the node for a new worker by assignment
// (cpu.numaNodeAssignment) among the nodes that have CPUs and are not taken (by ID),
// with MostAvailableMemory the one with the most free memory (ties: the lowest ID), and
// ok=false when there is none or for WindowsScheduling (or any other assignment), where
// the kernel places the worker.
func Place(nodes []Node, taken map[int]bool, assignment string) (node int, ok bool) {
	if assignment != MostAvailableMemory {
		return 0, false
	}
	best := -1
	for i, n := range nodes {
		if taken[n.ID] || len(n.CPUs) == 0 {
			continue
		}
		if best < 0 || n.MemFreeKB > nodes[best].MemFreeKB ||
			(n.MemFreeKB == nodes[best].MemFreeKB && n.ID < nodes[best].ID) {
			best = i
		}
	}
	if best < 0 {
		return 0, false
	}
	return nodes[best].ID, true
}
