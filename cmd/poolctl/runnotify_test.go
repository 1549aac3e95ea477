//go:build linux

package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testwait"
)

// notifyConfig is a site with an always-running pool served by the test worker.
const notifyConfig = `<configuration>
<system.applicationHost>
<applicationPools>
<add name="Always" startMode="AlwaysRunning"><processModel identityType="LocalSystem" /></add>
</applicationPools>
<sites><site name="S" id="1">
<application path="/" applicationPool="Always"><virtualDirectory path="/" physicalPath="DIR" /></application>
<bindings><binding protocol="http" bindingInformation="127.0.0.1:0:" /></bindings>
</site></sites>
</system.applicationHost>
<location path=""><system.webServer><aspNetCore processPath="poolctl" arguments="__testworker" /></system.webServer></location>
</configuration>
`

// TestRunNotifiesSystemd runs poolctl run as systemd would run a Type=notify service
// with a watchdog, on a test socket: READY=1 once the always-running pool's worker is
// ready, WATCHDOG=1 while the supervisor answers, RELOADING=1 and READY=1 around a
// SIGHUP reload, and STOPPING=1 on SIGTERM, in that order.
func TestRunNotifiesSystemd(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "applicationHost.config")
	os.WriteFile(cfg, []byte(strings.ReplaceAll(notifyConfig, "DIR", dir)), 0o644)
	sockPath := filepath.Join(dir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sockPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	msgs := make(chan string, 100)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(msgs)
				return
			}
			msgs <- string(buf[:n])
		}
	}()
	env := append(os.Environ(), "NOTIFY_SOCKET="+sockPath, "WATCHDOG_USEC=400000")
	r := startRunProc(t, "poolctl", dir, env, "run", "-c", cfg, "--admin", filepath.Join(dir, "admin.sock"))
	next := func(want string) string {
		t.Helper()
		deadline := time.After(time.Minute)
		for {
			select {
			case m, ok := <-msgs:
				if !ok {
					t.Fatalf("the notify socket closed before %q", want)
				}
				if strings.HasPrefix(m, want) {
					return m
				}
				if !strings.HasPrefix(m, "WATCHDOG=1") && !strings.HasPrefix(m, "STATUS=") {
					t.Fatalf("got %q before %q; stderr:\n%s", m, want, r.errText())
				}
			case <-deadline:
				t.Fatalf("no %q within a minute; stderr:\n%s", want, r.errText())
			}
		}
	}
	next("READY=1")
	// The worker is ready before READY=1; its event is logged just after it is.
	if !testwait.Until(10*time.Second, 10*time.Millisecond, func() bool { return strings.Contains(r.errText(), `"event":9003`) }) {
		t.Errorf("no worker of the always-running pool was ready at READY=1; stderr:\n%s", r.errText())
	}
	next("WATCHDOG=1")
	r.cmd.Process.Signal(syscall.SIGHUP)
	if m := next("RELOADING=1"); !strings.Contains(m, "MONOTONIC_USEC=") {
		t.Errorf("RELOADING message %q has no MONOTONIC_USEC", m)
	}
	next("READY=1")
	r.stop(time.Minute)
	next("STOPPING=1")
}
