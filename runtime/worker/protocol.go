//go:build linux

package worker

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The shim's exit codes (see the package documentation).
const (
	exitStopped     = 0
	exitStartFailed = 2
	exitCrashed     = 3
	exitKilled      = 4
)

// reportFD is the shim's file descriptor for its report pipe.
const reportFD = 3

// Why a shim ended, in its exit report.
const (
	causeStop   = "stop"   // it was sent SIGTERM (or SIGHUP) by the runtime
	causeParent = "parent" // the runtime died
	causeCrash  = "crash"  // a program exited unasked
)

// instructions is what Start writes to the shim's stdin.
type instructions struct {
	Parent     int                 `json:"parent"`
	GraceKill  time.Duration       `json:"graceKill"`
	Credential *syscall.Credential `json:"credential,omitempty"`
	Affinity   *Affinity           `json:"affinity,omitempty"` // applied to the thread that starts the programs
	Batch      bool                `json:"batch,omitempty"`    // SCHED_BATCH for the programs (Config.Batch)
	Programs   []program           `json:"programs"`
}

// program is one program for the shim to start.
type program struct {
	Name      string   `json:"name"`
	Path      string   `json:"path"`
	Argv      []string `json:"argv"`
	Dir       string   `json:"dir,omitempty"`
	Env       []string `json:"env"`
	StdoutLog string   `json:"stdoutLog,omitempty"`
}

// report is one JSON line the shim writes on its report pipe.
type report struct {
	PIDs  []int     `json:"pids,omitempty"`
	Error string    `json:"error,omitempty"`
	Exit  *shimExit `json:"exit,omitempty"`
}

// shimExit says how a shim ended.
type shimExit struct {
	Cause  string `json:"cause"`
	App    string `json:"app,omitempty"`    // the program that exited unasked
	PID    int    `json:"pid,omitempty"`    // its pid
	Status string `json:"status,omitempty"` // "exited with code 3", "was killed by signal 9 (killed)"
	Killed bool   `json:"killed"`           // SIGKILL was needed after GraceKill
}

// newInstructions builds the shim's instructions for cfg, with each app's port.
func newInstructions(cfg Config, ports []int) instructions {
	grace := cfg.GraceKill
	if grace <= 0 {
		grace = defaultGraceKill
	}
	in := instructions{Parent: os.Getpid(), GraceKill: grace, Credential: cfg.Credential, Affinity: cfg.Affinity, Batch: cfg.Batch}
	base := os.Environ()
	for i, app := range cfg.Apps {
		port := strconv.Itoa(ports[i])
		env := concat(base, cfg.Env, app.Env, []string{"ASPNETCORE_PORT=" + port, "PORT=" + port})
		in.Programs = append(in.Programs, program{
			Name:      app.Name,
			Path:      app.Path,
			Argv:      append([]string{app.Path}, app.Args...),
			Dir:       app.Dir,
			Env:       dedupEnv(env),
			StdoutLog: app.StdoutLog,
		})
	}
	return in
}

// concat joins lists into a new slice.
func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// dedupEnv keeps the last value of every variable, in the place of its first
// appearance: C's getenv returns the first, and the last one written must win.
func dedupEnv(env []string) []string {
	last := make(map[string]int, len(env))
	for i, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		last[name] = i
	}
	out := make([]string, 0, len(last))
	seen := make(map[string]bool, len(last))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !seen[name] {
			seen[name] = true
			out = append(out, env[last[name]])
		}
	}
	return out
}

// readReport reads one report line.
func readReport(r *bufio.Reader) (report, error) {
	line, err := r.ReadBytes('\n')
	if len(line) == 0 && err != nil {
		return report{}, err
	}
	var rep report
	if err := json.Unmarshal(line, &rep); err != nil {
		return report{}, fmt.Errorf("shim report %q: %w", line, err)
	}
	return rep, nil
}

// readExit reads report lines until the pipe closes (the shim exited) and returns the
// exit report, nil when there is none.
func readExit(r *bufio.Reader) *shimExit {
	var exit *shimExit
	for {
		line, err := r.ReadBytes('\n')
		var rep report
		if json.Unmarshal(line, &rep) == nil && rep.Exit != nil {
			exit = rep.Exit
		}
		if err != nil {
			return exit
		}
	}
}
