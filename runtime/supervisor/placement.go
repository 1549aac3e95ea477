//go:build linux

package supervisor

import (
	"slices"

	"github.com/poolctl/poolctl/runtime/numa"
	"github.com/poolctl/poolctl/runtime/worker"
)

// noNode is a worker's node when it is not placed on one.
const noNode = -1

// placeLocked chooses the NUMA node of a new worker of a NUMA garden
// (maxProcesses="0") with cpu.numaNodeAssignment: the node with the most free memory
// that has no worker yet, or noNode when placement is left to the kernel. The caller
// holds p.mu.
func (p *pool) placeLocked() int {
	if p.spec().MaxProcesses != 0 || len(p.sup.nodes) == 0 {
		return noNode
	}
	taken := map[int]bool{}
	for _, w := range p.workers {
		if w.node != noNode && w.state != wStopping && w.state != wOrphaned {
			taken[w.node] = true
		}
	}
	node, ok := numa.Place(p.sup.nodes, taken, p.spec().CPU.NUMANodeAssignment)
	if !ok {
		return noNode
	}
	return node
}

// affinity returns the CPU affinity and memory policy of a worker on node (or noNode):
// the node's CPUs and memory, bound (numaNodeAffinityMode Hard) or preferred (Soft),
// narrowed to smpProcessorAffinityMask and smpProcessorAffinityMask2 when
// smpAffinitized; nil when neither applies.
func (p *pool) affinity(node int) *worker.Affinity {
	var a worker.Affinity
	if i := slices.IndexFunc(p.sup.nodes, func(n numa.Node) bool { return n.ID == node }); node != noNode && i >= 0 {
		a.CPUs = p.sup.nodes[i].CPUs
		a.MemNodes = []int{node}
		a.MemPolicy = worker.MemPreferred
		if p.spec().CPU.NUMANodeAffinityMode == "Hard" {
			a.MemPolicy = worker.MemBind
		}
	}
	if c := p.spec().CPU; c.SMPAffinitized {
		mask := maskCPUs(c.SMPMask, c.SMPMask2)
		if a.CPUs == nil {
			a.CPUs = mask
		} else {
			a.CPUs = slices.DeleteFunc(slices.Clone(a.CPUs), func(cpu int) bool { return !slices.Contains(mask, cpu) })
		}
	}
	if a.CPUs == nil && a.MemNodes == nil {
		return nil
	}
	return &a
}

// maskCPUs returns the CPUs of smpProcessorAffinityMask (CPUs 0-31) and
// smpProcessorAffinityMask2 (CPUs 32-63).
func maskCPUs(mask, mask2 uint64) []int {
	var cpus []int
	for i := range 32 {
		if mask&(1<<i) != 0 {
			cpus = append(cpus, i)
		}
	}
	for i := range 32 {
		if mask2&(1<<i) != 0 {
			cpus = append(cpus, 32+i)
		}
	}
	return cpus
}
