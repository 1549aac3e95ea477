//go:build linux

package supervisor

import (
	"fmt"
	"runtime"
	"time"

	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/worker"
)

// cpuPeriod is the cgroup period of a Throttle quota.
const cpuPeriod = 100 * time.Millisecond

// cpuLimit enforces a pool's cpu.limit, in 1/1000 of a percent of all CPUs, over
// cpu.resetInterval, through a cgroup that holds all of the pool's workers.
type cpuLimit struct {
	group *cgroup.Group
	note  string    // why the limit is not enforced, for poolctl pools
	until time.Time // KillW3wp: no worker before then
}

// setupCPULimit makes the pool's cgroup when it has a cpu.limit, and caps it for
// Throttle (cpu quota) and ThrottleUnderLoad (cpu weight). Where the runtime cannot use
// cgroups it says so, in an event and in the pool's notes, and runs without the cap.
func (p *pool) setupCPULimit() {
	c := p.spec().CPU
	if c.Limit <= 0 {
		return
	}
	m := p.sup.opt.Cgroups
	if m == nil || !m.CanLimitCPU() {
		why := "no cgroup manager"
		if m != nil {
			_, why = m.Available()
		}
		p.setCPUNote("cpu.limit not enforced: cgroups unavailable (" + why + ")")
		p.emit(event.CgroupUnavailable, "warning", "cpu.limit not enforced: cgroups unavailable", 0, why)
		return
	}
	g, err := m.CreateCPU(cgroupName(p.spec().Name))
	if err == nil {
		err = p.capCPU(g)
	}
	if err != nil {
		p.setCPUNote("cpu.limit not enforced: " + err.Error())
		p.emit(event.CgroupUnavailable, "warning", "cpu.limit not enforced", 0, err.Error())
		return
	}
	p.mu.Lock()
	p.cpu.group = g
	p.mu.Unlock()
	p.sup.wg.Go(func() { p.watchCPU(g) })
}

// setCPUNote records why the CPU limit is not enforced.
func (p *pool) setCPUNote(note string) {
	p.mu.Lock()
	p.cpu.note = note
	p.mu.Unlock()
}

// capCPU sets the cap of Throttle and ThrottleUnderLoad on g.
func (p *pool) capCPU(g *cgroup.Group) error {
	share := float64(p.spec().CPU.Limit) / 100000 // of all CPUs
	switch p.spec().CPU.Action {
	case "Throttle":
		quota := time.Duration(share * float64(runtime.NumCPU()) * float64(cpuPeriod))
		return g.SetCPUMax(max(quota, time.Millisecond), cpuPeriod)
	case "ThrottleUnderLoad":
		// The weight, out of the default 100, is the share in percent: under load the
		// pool gets about its limit; idle CPUs are still its to use.
		return g.SetCPUWeight(max(int(share*100), 1))
	}
	return nil
}

// joinCPUGroup moves a new worker's processes into the pool's cgroup: its shim and
// everything the shim started.
func (p *pool) joinCPUGroup(proc *worker.Worker) {
	p.mu.Lock()
	g := p.cpu.group
	p.mu.Unlock()
	if g == nil {
		return
	}
	for _, pid := range append([]int{proc.PID()}, proc.Descendants()...) {
		if err := g.Add(pid); err != nil {
			p.emit(event.CgroupUnavailable, "warning", "worker not in the pool's cgroup", proc.PID(), err.Error())
			return
		}
	}
}

// watchCPU measures the pool's CPU use each resetInterval and acts when it passes the
// limit: NoAction logs an event, KillW3wp stops the workers and starts none until the
// interval ends. Throttle and ThrottleUnderLoad are the kernel's to enforce; passing the
// limit is logged too.
func (p *pool) watchCPU(g *cgroup.Group) {
	every := p.spec().CPU.ResetInterval
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	last, _ := g.CPUUsage()
	for {
		select {
		case <-p.sup.done:
			return
		case <-t.C:
		}
		used, err := g.CPUUsage()
		if err != nil {
			return
		}
		share := float64(used-last) / float64(every) / float64(runtime.NumCPU()) * 100000
		last = used
		if int64(share) > p.spec().CPU.Limit {
			p.overCPU(int64(share), every)
		}
	}
}

// overCPU acts on a pool that used share (1/1000 %) of the CPUs over the interval.
func (p *pool) overCPU(share int64, every time.Duration) {
	msg := fmt.Sprintf("used %s%% of the CPUs over resetInterval %s; cpu.limit is %s%%",
		percent(share), every, percent(p.spec().CPU.Limit))
	if p.spec().CPU.Action != "KillW3wp" {
		p.emit(event.CPULimitExceeded, "warning", "pool exceeded its CPU limit", 0, msg+" (action "+p.spec().CPU.Action+")")
		return
	}
	p.mu.Lock()
	p.cpu.until = p.sup.opt.Now().Add(every)
	victims := p.takeWorkersLocked()
	p.broadcast()
	p.mu.Unlock()
	// Said once the pool holds requests back, so that what follows the event sees it
	// (a request sent after the event got a stopping worker before).
	p.emit(event.CPULimitExceeded, "error", "pool exceeded its CPU limit: its workers are stopped until the interval ends", 0, msg)
	p.stopSlots(victims, true)
}

// cpuBlockedLocked reports whether KillW3wp keeps the pool from starting workers now.
func (p *pool) cpuBlockedLocked() bool {
	return !p.cpu.until.IsZero() && p.sup.opt.Now().Before(p.cpu.until)
}

// percent writes 1/1000 of a percent as a percentage: 50000 is "50".
func percent(v int64) string {
	return fmt.Sprintf("%g", float64(v)/1000)
}
