//go:build unix

package testworker

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testwait"
)

// The test binary runs Main when TW_TEST_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("TW_TEST_MAIN") == "1" {
		Main()
	}
	os.Exit(m.Run())
}

// env returns a getenv over vars, "NAME=value".
func env(vars ...string) func(string) string {
	return func(name string) string {
		for _, kv := range vars {
			if v, ok := strings.CutPrefix(kv, name+"="); ok {
				return v
			}
		}
		return ""
	}
}

func TestParseConfig(t *testing.T) {
	cfg, err := parseConfig(env("PORT=81", "TW_START_DELAY=2s", "TW_CRASH_AFTER=3", "TW_ECHO_ENV=A,B", "TW_IGNORE_SIGTERM=1"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.port != "81" || cfg.startDelay != 2*time.Second || cfg.crashAfter != 3 || !cfg.ignoreTerm ||
		cfg.exitAtOnce != -1 || cfg.pingHangAfter != -1 || cfg.unhealthyAfter != 0 || len(cfg.echoEnv) != 2 {
		t.Errorf("parseConfig = %+v", cfg)
	}
	if cfg, _ := parseConfig(env("ASPNETCORE_PORT=80", "PORT=81")); cfg.port != "80" {
		t.Errorf("port = %s, want ASPNETCORE_PORT's", cfg.port)
	}
	for _, bad := range [][]string{
		{},
		{"PORT=1", "TW_START_DELAY=soon"},
		{"PORT=1", "TW_CRASH_AFTER=-1"},
		{"PORT=1", "TW_PING_HANG_AFTER=x"},
	} {
		if _, err := parseConfig(env(bad...)); err == nil {
			t.Errorf("parseConfig(%q) succeeded", bad)
		}
	}
}

// testServer serves a handler for cfg; exits receives the codes it exits with.
func testServer(t *testing.T, cfg config, environ ...string) (*httptest.Server, <-chan int) {
	exits := make(chan int, 10)
	h := newHandler(cfg, func() []string { return environ }, func(code int) { exits <- code })
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = h.connState
	srv.Start()
	t.Cleanup(func() {
		close(h.quit)
		srv.Close()
	})
	return srv, exits
}

// request sends a request, a ping when ping is set, and returns the response's body
// and X-Poolctl-Unhealthy header.
func request(ctx context.Context, srv *httptest.Server, path string, ping bool) (body, unhealthy string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
	if err != nil {
		return "", "", err
	}
	if ping {
		req.Header.Set("X-Poolctl-Ping", "1")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), resp.Header.Get("X-Poolctl-Unhealthy"), err
}

func TestHello(t *testing.T) {
	srv, _ := testServer(t, config{pingHangAfter: -1})
	body, _, err := request(context.Background(), srv, "/api/values", false)
	if want := fmt.Sprintf("hello from testworker pid %d app /api/values\n", os.Getpid()); body != want || err != nil {
		t.Errorf("GET = %q, %v; want %q", body, err, want)
	}
}

// TestPings checks TW_UNHEALTHY_AFTER (from the Nth ping on) and TW_PING_HANG_AFTER
// (pings after the Nth hang, other requests do not).
func TestPings(t *testing.T) {
	srv, _ := testServer(t, config{unhealthyAfter: 2, pingHangAfter: 3})
	for i, want := range []string{"", "testworker: told to", "testworker: told to"} {
		body, unhealthy, err := request(context.Background(), srv, "/", true)
		if body != "pong" || unhealthy != want || err != nil {
			t.Errorf("ping %d = %q, unhealthy %q, %v; want pong, %q", i+1, body, unhealthy, err, want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, _, err := request(ctx, srv, "/", true); err == nil {
		t.Error("ping 4 was answered")
	}
	if body, _, err := request(context.Background(), srv, "/", false); !strings.HasPrefix(body, "hello") || err != nil {
		t.Errorf("GET after a hung ping = %q, %v", body, err)
	}
}

// TestCrashAfter checks that TW_CRASH_AFTER exits once the Nth response (pings aside)
// has been sent, and /crash at once.
func TestCrashAfter(t *testing.T) {
	srv, exits := testServer(t, config{crashAfter: 2, pingHangAfter: -1})
	for i := range 2 {
		if _, _, err := request(context.Background(), srv, "/", true); err != nil {
			t.Fatal(err)
		}
		body, _, err := request(context.Background(), srv, "/", false)
		if !strings.HasPrefix(body, "hello") || err != nil {
			t.Fatalf("request %d = %q, %v", i+1, body, err)
		}
		select {
		case code := <-exits:
			if i == 0 || code != exitCrash {
				t.Fatalf("exit(%d) after request %d", code, i+1)
			}
		case <-time.After(map[int]time.Duration{0: 100 * time.Millisecond, 1: 10 * time.Second}[i]):
			if i == 1 {
				t.Fatal("no exit after request 2")
			}
		}
	}
	srv2, exits2 := testServer(t, config{pingHangAfter: -1})
	_, _, _ = request(context.Background(), srv2, "/crash", false)
	if code := <-exits2; code != exitCrash {
		t.Errorf("/crash: exit(%d)", code)
	}
}

func TestWhoamiAndSleep(t *testing.T) {
	srv, _ := testServer(t, config{pingHangAfter: -1, echoEnv: []string{"CHOSEN"}},
		"PORT=1", "ASPNETCORE_PORT=1", "TW_X=1", "POOLCTL_Y=2", "CHOSEN=3", "SECRET=4")
	body, _, err := request(context.Background(), srv, "/whoami", false)
	if err != nil {
		t.Fatal(err)
	}
	var me Whoami
	if err := json.Unmarshal([]byte(body), &me); err != nil {
		t.Fatal(err)
	}
	if me.PID != os.Getpid() || me.UID != os.Getuid() || len(me.Env) != 5 || me.Env["SECRET"] != "" || me.Env["CHOSEN"] != "3" {
		t.Errorf("whoami = %+v", me)
	}
	begin := time.Now()
	if body, _, err := request(context.Background(), srv, "/sleep?ms=50", false); body != "slept\n" || err != nil {
		t.Errorf("/sleep = %q, %v", body, err)
	}
	if d := time.Since(begin); d < 50*time.Millisecond {
		t.Errorf("/sleep?ms=50 took %v", d)
	}
	if body, _, _ := request(context.Background(), srv, "/sleep?ms=x", false); !strings.Contains(body, "milliseconds") {
		t.Errorf("/sleep?ms=x = %q", body)
	}
}

// startMain runs the test binary's Main with the variables env and a free port, and
// returns the process and its address once it listens.
func startMain(t *testing.T, env ...string) (*exec.Cmd, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append([]string{"TW_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0", "PORT=" + port}, env...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.Contains(line, "listening on") {
		t.Fatalf("first line %q, %v", line, err)
	}
	return cmd, "127.0.0.1:" + port
}

// TestMainSIGTERM checks that SIGTERM lets a request in flight finish, then exits 0.
func TestMainSIGTERM(t *testing.T) {
	cmd, addr := startMain(t)
	got := make(chan error, 1)
	local := make(chan string, 1)
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, a)
		if err == nil {
			local <- conn.LocalAddr().String()
		}
		return conn, err
	}}}
	go func() {
		resp, err := c.Get("http://" + addr + "/sleep?ms=300")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		got <- err
	}()
	waitInFlight(t, addr, <-local)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("request in flight: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
}

// TestMainIgnoresSIGTERM checks TW_IGNORE_SIGTERM.
func TestMainIgnoresSIGTERM(t *testing.T) {
	cmd, addr := startMain(t, "TW_IGNORE_SIGTERM=1")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitDelivered(t, cmd.Process.Pid, syscall.SIGTERM)
	if resp, err := http.Get("http://" + addr + "/"); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	} else {
		resp.Body.Close()
	}
}

// TestMainExitAtOnce checks TW_EXIT_AT_ONCE.
func TestMainExitAtOnce(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "TW_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0", "PORT=1", "TW_EXIT_AT_ONCE=5")
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 5 {
		t.Errorf("exit: %v, want code 5", err)
	}
}

// TestMainGrandchild checks TW_FORK_GRANDCHILD, with and without TW_GRANDCHILD_SETSID.
func TestMainGrandchild(t *testing.T) {
	for _, setsid := range []string{"", "1"} {
		cmd, addr := startMain(t, "TW_FORK_GRANDCHILD=1", "TW_GRANDCHILD_SETSID="+setsid)
		resp, err := http.Get("http://" + addr + "/whoami")
		if err != nil {
			t.Fatal(err)
		}
		var me Whoami
		err = json.NewDecoder(resp.Body).Decode(&me)
		resp.Body.Close()
		if err != nil || me.Grandchild == 0 {
			t.Fatalf("whoami = %+v, %v", me, err)
		}
		pgid, err := syscall.Getpgid(me.Grandchild)
		if want := map[string]int{"": me.PGID, "1": me.Grandchild}[setsid]; pgid != want || err != nil {
			t.Errorf("setsid=%q: grandchild's group = %d, %v; want %d", setsid, pgid, err, want)
		}
		_ = syscall.Kill(me.Grandchild, syscall.SIGKILL)
		_ = cmd.Process.Kill()
	}
}

// waitInFlight waits until the server at addr has accepted the connection from local
// and read what was sent on it (the request is in flight): the kernel's socket table
// shows the server's end with an inode (accepted) and nothing left to read. No event
// says so from another process: it polls, within a generous 10 s.
func waitInFlight(t *testing.T, addr, local string) {
	t.Helper()
	server, client := procNetAddr(t, addr), procNetAddr(t, local)
	poll(t, 10*time.Second, "the request in flight", func() bool {
		b, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			// sl local rem st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode
			if len(f) > 9 && f[1] == server && f[2] == client {
				return strings.HasSuffix(f[4], ":00000000") && f[9] != "0"
			}
		}
		return false
	})
}

// procNetAddr writes an IPv4 address the way /proc/net/tcp does.
func procNetAddr(t *testing.T, hostport string) string {
	t.Helper()
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil || !ap.Addr().Is4() {
		t.Fatalf("address %q: %v", hostport, err)
	}
	ip := ap.Addr().As4()
	return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], ap.Port())
}

// waitDelivered waits until sig is no longer pending for process pid: the process has
// received it. It polls /proc, within a generous 10 s.
func waitDelivered(t *testing.T, pid int, sig syscall.Signal) {
	t.Helper()
	bit := uint64(1) << (uint(sig) - 1)
	poll(t, 10*time.Second, "the signal delivered", func() bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			name, mask, ok := strings.Cut(line, ":")
			if ok && (name == "SigPnd" || name == "ShdPnd") {
				if m, _ := strconv.ParseUint(strings.TrimSpace(mask), 16, 64); m&bit != 0 {
					return false
				}
			}
		}
		return true
	})
}

// poll checks cond every 5 ms until it holds, or fails the test once within passed.
func poll(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if !testwait.Until(within, 5*time.Millisecond, cond) {
		t.Fatalf("%s: not within %s", what, within)
	}
}

// TestBreak checks that /break makes the worker answer 500 to everything after it,
// while its pings still pong.
func TestBreak(t *testing.T) {
	srv, _ := testServer(t, config{pingHangAfter: -1})
	if body, _, _ := request(context.Background(), srv, "/hello", false); !strings.HasPrefix(body, "hello") {
		t.Fatalf("/hello before /break = %q", body)
	}
	for _, path := range []string{"/break", "/hello", "/whoami"} {
		if body, _, _ := request(context.Background(), srv, path, false); !strings.Contains(body, "broken") {
			t.Errorf("%s after /break = %q, want the 500", path, body)
		}
	}
	if body, _, _ := request(context.Background(), srv, "/", true); body != "pong" {
		t.Errorf("ping after /break = %q, want pong", body)
	}
}

// TestHeap checks that TW_HEAP_MB makes the worker hold that much memory, resident.
func TestHeap(t *testing.T) {
	cfg, err := parseConfig(func(k string) string { return map[string]string{"PORT": "1", "TW_HEAP_MB": "8"}[k] })
	if err != nil || cfg.heapMB != 8 {
		t.Fatalf("parseConfig = %+v, %v", cfg, err)
	}
	h := newHandler(cfg, os.Environ, func(int) {})
	if len(h.heap) != 8<<20 || h.heap[pageSize*3] != 3 {
		t.Errorf("heap of %d bytes, page 3 holds %d: want 8 MB, every page written", len(h.heap), h.heap[pageSize*3])
	}
	if _, err := parseConfig(func(k string) string { return map[string]string{"PORT": "1", "TW_HEAP_MB": "-1"}[k] }); err == nil {
		t.Error("TW_HEAP_MB=-1 accepted")
	}
}
