package main

import (
	_ "embed"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed demo/applicationHost.config
var demoTemplate string

// The ports the demo's two sites listen on, on 127.0.0.1.
const (
	demoPort  = 8080
	demoPort2 = 8081
)

// writeDemo writes the demo configuration, with this machine's paths, to a new
// temporary directory and returns the file's path. Run as root, the pools run as
// ApplicationPoolIdentity; otherwise as the user who runs poolctl, the one identity an
// unprivileged runtime can take.
func writeDemo(exe string) (string, error) {
	dir, err := os.MkdirTemp("", "poolctl-demo-")
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	// The pools' identities must reach the directory and run the worker: go run
	// builds poolctl in a directory only its user may enter, so the demo runs a copy.
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	if exe, err = copyExecutable(exe, filepath.Join(dir, "poolctl")); err != nil {
		return "", err
	}
	for _, sub := range []string{"www", "api", "fragile"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
	}
	ident := `identityType="ApplicationPoolIdentity"`
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		ident = fmt.Sprintf(`identityType="SpecificUser" userName="%s"`, u.Username)
	}
	text := strings.NewReplacer(
		"{{DIR}}", dir, "{{POOLCTL}}", exe, "{{IDENTITY}}", ident,
		"{{PORT}}", strconv.Itoa(demoPort), "{{PORT2}}", strconv.Itoa(demoPort2),
	).Replace(demoTemplate)
	path := filepath.Join(dir, "applicationHost.config")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	return path, nil
}

// demoPortsFree reports an error when a demo port is taken.
func demoPortsFree() error {
	for _, port := range []int{demoPort, demoPort2} {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return fmt.Errorf("demo: port %d is taken (%v); give a configuration with -c instead", port, err)
		}
		l.Close()
	}
	return nil
}

// demoHelp is what poolctl run prints when it runs the demo.
func demoHelp(admin string) string {
	return fmt.Sprintf(`poolctl run: the demo configuration (no -c, no $%s, no ./%s).

Try, in another terminal:
  curl http://127.0.0.1:%[3]d/              # DemoAppPool starts a worker on demand
  curl http://127.0.0.1:%[3]d/whoami        # the worker's pid, uid and port
  curl http://127.0.0.1:%[3]d/api/          # ApiPool's worker, always running
  poolctl pools --admin %[5]s
  poolctl workers --admin %[5]s
  kill PID                                 # a worker's PID from poolctl workers: it is replaced
  curl http://127.0.0.1:%[4]d/crash         # three times: rapid-fail protection stops FragilePool
  poolctl pool start FragilePool --admin %[5]s
Stop with Ctrl-C: every worker stops with it.
`, configEnv, defaultConfig, demoPort, demoPort2, admin)
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
