//go:build linux

package supervisor

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/spec"
)

// actionTimeLimit bounds how long an orphanActionExe or autoShutdownExe may run.
const actionTimeLimit = time.Minute

// runAction runs exe with params in the background, as WAS runs orphanActionExe and
// autoShutdownExe: %1% in params becomes pid, and pid is the first argument when params
// do not mention %1% (for orphanActionExe; autoShutdownExe has no process, pid 0).
func (p *pool) runAction(exe, params string, pid int, what string) {
	if strings.TrimSpace(exe) == "" {
		return
	}
	args, err := spec.SplitWords(strings.ReplaceAll(params, "%1%", strconv.Itoa(pid)))
	if err != nil {
		p.emit(event.ActionRun, "error", what+" not run", pid, err.Error())
		return
	}
	if pid != 0 && !strings.Contains(params, "%1%") {
		args = append([]string{strconv.Itoa(pid)}, args...)
	}
	p.sup.wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeLimit)
		defer cancel()
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Stdout, cmd.Stderr = p.sup.opt.Output, p.sup.opt.Output
		err := cmd.Run()
		level, reason := "info", "exit status 0"
		if err != nil {
			level, reason = "error", err.Error()
		}
		p.emit(event.ActionRun, level, what+" ran: "+exe, pid, reason)
	})
}
