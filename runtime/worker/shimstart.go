//go:build linux

package worker

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// startAll starts every program, in order, and stops at the first that cannot start.
// With an Affinity or Batch, it starts them from a thread that has them, so that they
// inherit them (see withThread); it must run on a goroutine that lives as long as the
// shim, its main goroutine.
func (sh *shim) startAll() error {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return fmt.Errorf("shim: %w", err)
	}
	defer devnull.Close()
	return withThread(sh.in.Affinity, sh.in.Batch, func() error {
		for _, p := range sh.in.Programs {
			pid, err := startProgram(p, sh.in.Credential, devnull)
			if err != nil {
				return err
			}
			sh.pids = append(sh.pids, pid)
			sh.running = append(sh.running, true)
			sh.live++
		}
		return nil
	})
}

// startProgram starts p in the shim's process group, as cred, with stdin from devnull
// and its output to its log file or to the shim's stdout.
func startProgram(p program, cred *syscall.Credential, devnull *os.File) (int, error) {
	out := os.Stdout
	if p.StdoutLog != "" {
		f, err := openLog(p.StdoutLog)
		if err != nil {
			return 0, fmt.Errorf("app %q: stdout log: %w", p.Name, err)
		}
		defer f.Close()
		out = f
	}
	path, err := lookPath(p.Path, p.Env)
	if err != nil {
		return 0, fmt.Errorf("app %q: %w", p.Name, err)
	}
	if p.Dir != "" {
		if _, err := os.Stat(p.Dir); err != nil {
			return 0, fmt.Errorf("app %q: working directory: %w", p.Name, err)
		}
	}
	pid, err := syscall.ForkExec(path, p.Argv, &syscall.ProcAttr{
		Dir:   p.Dir,
		Env:   p.Env,
		Files: []uintptr{devnull.Fd(), out.Fd(), out.Fd()},
		// Pdeathsig is set in the child after it has taken the credential, which
		// would otherwise clear it: a program does not outlive a killed shim.
		Sys: &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		return 0, fmt.Errorf("app %q: start %s%s: %w", p.Name, p.Path, credentialText(cred), err)
	}
	return pid, nil
}

// openLog opens a stdout log file for appending, creating it and its directory.
func openLog(name string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
}

// lookPath finds a program named without a slash in the PATH of env (else the
// shim's); a name with a slash is used as it is, relative to the working directory.
func lookPath(name string, env []string) (string, error) {
	if name == "" {
		return "", errors.New("no program path")
	}
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := os.Getenv("PATH")
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		cand := filepath.Join(dir, name)
		if fi, err := os.Stat(cand); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return cand, nil
		}
	}
	return "", fmt.Errorf("%s: executable file not found in $PATH", name)
}
