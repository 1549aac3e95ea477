//go:build linux

package main

import (
	_ "embed"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

//go:embed demo/applicationHost.config
var demoTemplate string

// The ports the demo's two sites listen on, on 127.0.0.1, unless demoPortsEnv says
// otherwise.
const (
	demoPort  = 8080
	demoPort2 = 8081
)

// demoPortsEnv moves the demo's two sites to other ports: "PORT,PORT2". A testing aid,
// so that tests do not need 8080 and 8081.
const demoPortsEnv = "POOLCTL_DEMO_PORTS"

// demoPrefix starts the name of every demo directory in the temporary directory, and
// demoMark is the file in it that says which poolctl run wrote it: its pid and the
// process's start time, so that a directory whose runtime is gone can be told from
// one in use.
const (
	demoPrefix = "poolctl-demo-"
	demoMark   = "poolctl-demo.pid"
)

// demo is the demo configuration of one poolctl run: its directory, removed when the
// run ends, and the command that runs poolctl again, for the commands it prints.
type demo struct {
	dir     string
	command string
}

// remove removes what the demo wrote.
func (d *demo) remove() error {
	if err := os.RemoveAll(d.dir); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// startDemo removes the directories of earlier demos that are gone (see
// removeStaleDemos), checks that the demo's ports are free, and writes the demo
// configuration, with this machine's paths, to a new temporary directory. Run as root,
// the pools run as ApplicationPoolIdentity; otherwise as the user who runs poolctl, the
// one identity an unprivileged runtime can take.
func startDemo(g *globalOptions, exe string) (*demo, string, error) {
	removeStaleDemos(os.TempDir())
	ports, err := demoPorts(g.getenv(demoPortsEnv))
	if err != nil {
		return nil, "", err
	}
	if err := demoPortsFree(ports); err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp("", demoPrefix)
	if err != nil {
		return nil, "", fmt.Errorf("demo: %w", err)
	}
	d := &demo{dir: dir, command: demoCommand(exe, exec.LookPath, goSourceHere())}
	path, err := d.write(exe, ports)
	if err != nil {
		d.remove()
		return nil, "", err
	}
	return d, path, nil
}

// write writes the demo's files into its directory and returns the configuration's
// path.
func (d *demo) write(exe string, ports [2]int) (string, error) {
	if err := writeDemoMark(d.dir); err != nil {
		return "", err
	}
	ident := `identityType="ApplicationPoolIdentity"`
	if os.Geteuid() == 0 {
		// The pools' identities must reach the directory and run the worker: go run
		// builds poolctl in a directory only its user may enter, so the demo runs a
		// copy.
		if err := os.Chmod(d.dir, 0o755); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		var err error
		if exe, err = copyExecutable(exe, filepath.Join(d.dir, "poolctl")); err != nil {
			return "", err
		}
	} else {
		u, err := user.Current()
		if err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		ident = fmt.Sprintf(`identityType="SpecificUser" userName="%s"`, u.Username)
	}
	for _, sub := range []string{"www", "api", "fragile"} {
		if err := os.Mkdir(filepath.Join(d.dir, sub), 0o755); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
	}
	text := strings.NewReplacer(
		"{{DIR}}", d.dir, "{{POOLCTL}}", exe, "{{IDENTITY}}", ident,
		"{{PORT}}", strconv.Itoa(ports[0]), "{{PORT2}}", strconv.Itoa(ports[1]),
	).Replace(demoTemplate)
	path := filepath.Join(d.dir, "applicationHost.config")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	return path, nil
}

// demoPorts returns the demo's ports: those of $POOLCTL_DEMO_PORTS ("PORT,PORT2") when
// set, else 8080 and 8081.
func demoPorts(env string) ([2]int, error) {
	if env == "" {
		return [2]int{demoPort, demoPort2}, nil
	}
	a, b, ok := strings.Cut(env, ",")
	p1, err1 := strconv.ParseUint(a, 10, 16)
	p2, err2 := strconv.ParseUint(b, 10, 16)
	if !ok || err1 != nil || err2 != nil || p1 == 0 || p2 == 0 || p1 == p2 {
		return [2]int{}, fmt.Errorf("demo: $%s=%q: want two different ports, PORT,PORT2", demoPortsEnv, env)
	}
	return [2]int{int(p1), int(p2)}, nil
}

// demoPortsFree reports an error when a demo port is taken.
func demoPortsFree(ports [2]int) error {
	for _, port := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return fmt.Errorf("demo: port %d is taken (%v); give a configuration with -c instead", port, err)
		}
		l.Close()
	}
	return nil
}

// writeDemoMark writes the mark that says this process wrote the directory dir.
func writeDemoMark(dir string) error {
	start, ok := procStartTime(os.Getpid())
	if !ok {
		start = "?"
	}
	mark := strconv.Itoa(os.Getpid()) + " " + start + "\n"
	if err := os.WriteFile(filepath.Join(dir, demoMark), []byte(mark), 0o644); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// removeStaleDemos removes the directories that earlier demos left in tmp when they
// were killed: those that are provably poolctl's and not in use. A directory is one
// when its name starts with poolctl-demo-, it belongs to this user, and its mark names
// a process that no longer runs (no process has the pid, or the one that has it
// started at another time). Anything else is left alone.
func removeStaleDemos(tmp string) {
	matches, _ := filepath.Glob(filepath.Join(tmp, demoPrefix+"*"))
	for _, dir := range matches {
		if staleDemo(dir) {
			os.RemoveAll(dir)
		}
	}
}

// staleDemo reports whether dir is a demo directory of this user whose poolctl run is
// gone.
func staleDemo(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, demoMark))
	if err != nil {
		return false
	}
	pidText, start, ok := strings.Cut(strings.TrimSpace(string(b)), " ")
	pid, err := strconv.Atoi(pidText)
	if !ok || err != nil || pid <= 0 {
		return false
	}
	now, alive := procStartTime(pid)
	return !alive || now != start
}

// procStartTime returns the start time of process pid (field 22 of /proc/PID/stat, in
// clock ticks since boot), and false when there is no such process.
func procStartTime(pid int) (string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", false
	}
	s := string(b)
	// pid (comm) state ppid ...: comm may hold spaces, so count from the last ')'.
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	const startField = 22 - 3 // fields after the comm start at field 3
	if len(fields) <= startField {
		return "", false
	}
	return fields[startField], true
}

// demoCommand returns how the user runs this poolctl again, for the commands the demo
// prints: "poolctl" when that is what $PATH finds, "go run ./cmd/poolctl" when this
// is a binary go run built and the source is in the working directory, else the
// program's absolute path.
func demoCommand(exe string, lookPath func(string) (string, error), sourceHere bool) string {
	if p, err := lookPath("poolctl"); err == nil && sameFile(p, exe) {
		return "poolctl"
	}
	if sourceHere && builtByGo(exe) {
		return "go run ./cmd/poolctl"
	}
	return shellWord(exe)
}

// sameFile reports whether the paths a and b name the same file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// builtByGo reports whether exe is a binary that go run built: it lies in a go-build
// directory (a temporary one, or the build cache).
func builtByGo(exe string) bool {
	for _, part := range strings.Split(filepath.Dir(exe), string(filepath.Separator)) {
		if strings.HasPrefix(part, "go-build") {
			return true
		}
	}
	return false
}

// goSourceHere reports whether the working directory holds poolctl's source, so that
// "go run ./cmd/poolctl" works there.
func goSourceHere() bool {
	_, err := os.Stat(filepath.Join("cmd", "poolctl", "main.go"))
	return err == nil
}

// shellWord returns s as one word of a POSIX shell: as it is when it has nothing the
// shell would read, else in single quotes.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// demoHelp is what poolctl run prints when it runs the demo: command runs poolctl,
// admin is the admin socket, sites the addresses of the demo's two sites.
func demoHelp(command, admin string, sites []net.Addr) string {
	site, site2 := "127.0.0.1:"+strconv.Itoa(demoPort), "127.0.0.1:"+strconv.Itoa(demoPort2)
	if len(sites) == 2 {
		site, site2 = sites[0].String(), sites[1].String()
	}
	return fmt.Sprintf(`poolctl run: the demo configuration (no -c, no $%s, no ./%s).

Try, in another terminal:
  curl http://%[3]s/              # DemoAppPool starts a worker on demand
  curl http://%[3]s/whoami        # the worker's pid, uid and port
  curl http://%[3]s/api/          # ApiPool's worker, always running
  %[5]s pools --admin %[6]s
  %[5]s workers --admin %[6]s
  kill PID                                 # a worker's PID from poolctl workers: it is replaced
  curl http://%[4]s/crash         # three times: rapid-fail protection stops FragilePool
  %[5]s pool start FragilePool --admin %[6]s
Stop with Ctrl-C: every worker stops with it, and the demo's files are removed.
`, configEnv, defaultConfig, site, site2, command, shellWord(admin))
}

// copyExecutable copies the program at from to the new file to, mode 0755.
func copyExecutable(from, to string) (string, error) {
	src, err := os.Open(from)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return "", fmt.Errorf("demo: %w", err)
	}
	if err := dst.Close(); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	return to, nil
}
