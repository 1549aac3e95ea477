//go:build linux

package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/poolctl/poolctl/internal/testpki"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/internal/testwait"
	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
)

// These commands let scripts follow a poolctl run in the background through its
// admin socket:
//
//	waitworkers SOCK N           wait (up to 60 s) until N workers are ready
//	waitrequests SOCK N          wait (up to 60 s) until N requests are in flight
//	savepids SOCK VAR            set $VAR to the pids of every worker's shim and
//	                             programs, and of every other process in a worker's
//	                             process group
//	gone PID...                  wait (up to 30 s) until none of the processes exists
//	cpevent SOCK ID SRC DST      copy SRC to DST and wait (up to 60 s) for the event ID
//	                             of the runtime, which a watcher reports
//	mkfifo PATH...               make a FIFO at each path
//	mkcerts DIR NAME[+]...       write certificates signed by a test CA (see cmdMkcerts)
//	tlsserial VAR ADDR NAME      set $VAR to the serial of the certificate ADDR shows
//
// The waits poll the admin status or /proc where no event says what they wait for;
// their deadlines are generous, since a busy machine is slow.

// poll calls cond every 20 ms until it holds; once within has passed it fails the
// script with failure's message.
func poll(ts *testscript.TestScript, within time.Duration, cond func() bool, failure func() string) {
	if !testwait.Until(within, 20*time.Millisecond, cond) {
		ts.Fatalf("%s", failure())
	}
}

func cmdWaitWorkers(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitworkers SOCK N")
	}
	want, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("waitworkers: %v", err)
	}
	c := admin.NewClient(ts.MkAbs(args[0]))
	ready := 0
	var err2 error
	poll(ts, 60*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ws, err := c.Workers(ctx)
		ready, err2 = 0, err
		for _, w := range ws {
			if w.State == "Ready" {
				ready++
			}
		}
		return err == nil && ready >= want
	}, func() string { return fmt.Sprintf("waitworkers: %d ready workers, want %d (%v)", ready, want, err2) })
}

func cmdWaitRequests(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitrequests SOCK N")
	}
	want, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("waitrequests: %v", err)
	}
	c := admin.NewClient(ts.MkAbs(args[0]))
	n := 0
	poll(ts, 60*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rs, err := c.Requests(ctx)
		n = len(rs)
		return err == nil && n >= want
	}, func() string { return fmt.Sprintf("waitrequests: %d requests in flight, want %d", n, want) })
}

func cmdSavePIDs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: savepids SOCK VAR")
	}
	ws, err := admin.NewClient(ts.MkAbs(args[0])).Workers(context.Background())
	if err != nil {
		ts.Fatalf("savepids: %v", err)
	}
	var pids []string
	for _, w := range ws {
		pids = append(pids, strconv.Itoa(w.PID))
		for _, a := range w.Apps {
			pids = append(pids, strconv.Itoa(a.PID))
		}
		pids = append(pids, groupMembers(w.PID)...)
	}
	ts.Setenv(args[1], strings.Join(pids, " "))
}

func cmdGone(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: gone PID...")
	}
	var pids []string
	for _, a := range args {
		pids = append(pids, strings.Fields(a)...)
	}
	var alive []string
	poll(ts, 30*time.Second, func() bool {
		alive = nil
		for _, p := range pids {
			if b, err := os.ReadFile("/proc/" + p + "/stat"); err == nil && !strings.Contains(string(b), ") Z ") {
				alive = append(alive, p)
			}
		}
		return len(alive) == 0
	}, func() string { return fmt.Sprintf("gone: processes %v still exist", alive) })
}

// groupMembers returns the pids of the processes in process group pgid.
func groupMembers(pgid int) []string {
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces, so count from ')'.
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 2 && fields[2] == strconv.Itoa(pgid) {
			out = append(out, e.Name())
		}
	}
	return out
}

func cmdCpEvent(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: cpevent SOCK ID SRC DST")
	}
	id, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("cpevent: %v", err)
	}
	sock := ts.MkAbs(args[0])
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://admin/v1/events", nil)
	resp, err := c.Do(req) // the runtime subscribes before it answers
	if err != nil {
		ts.Fatalf("cpevent: %v", err)
	}
	defer resp.Body.Close()
	b, err := os.ReadFile(ts.MkAbs(args[2]))
	if err != nil {
		ts.Fatalf("cpevent: %v", err)
	}
	if err := os.WriteFile(ts.MkAbs(args[3]), b, 0o666); err != nil {
		ts.Fatalf("cpevent: %v", err)
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var e event.Event
		if err := dec.Decode(&e); err != nil {
			ts.Fatalf("cpevent: no event %d: %v", id, err)
		}
		if e.ID == id {
			return
		}
	}
}

// cmdMkfifo makes a FIFO at each path, as mkfifo(1) does.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: mkfifo PATH...")
	}
	for _, name := range args {
		ts.Check(syscall.Mkfifo(ts.MkAbs(name), 0o600))
	}
}

// platformScriptCmds returns the script commands that follow a poolctl run, which
// builds on Linux only.
func platformScriptCmds() map[string]func(*testscript.TestScript, bool, []string) {
	return map[string]func(*testscript.TestScript, bool, []string){
		"waitworkers":  cmdWaitWorkers,
		"waitrequests": cmdWaitRequests,
		"savepids":     cmdSavePIDs,
		"gone":         cmdGone,
		"cpevent":      cmdCpEvent,
		"mkfifo":       cmdMkfifo,
		"mkcerts":      cmdMkcerts,
		"tlsserial":    cmdTLSSerial,
		"cpupolicy":    cmdCPUPolicy,
	}
}

// cmdCPUPolicy checks that every program of every worker of the run at SOCK, each of
// its threads, has the scheduling policy POLICY (batch or other), and every shim the
// policy of the test itself.
func cmdCPUPolicy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || (args[1] != "batch" && args[1] != "other") {
		ts.Fatalf("usage: cpupolicy SOCK batch|other")
	}
	want := map[string]uint32{"batch": unix.SCHED_BATCH, "other": unix.SCHED_NORMAL}[args[1]]
	own, err := unix.SchedGetAttr(0, 0)
	ts.Check(err)
	ws, err := admin.NewClient(ts.MkAbs(args[0])).Workers(context.Background())
	ts.Check(err)
	n := 0
	for _, w := range ws {
		if p := threadPolicies(ts, w.PID); len(p) != 1 || p[0] != own.Policy {
			ts.Fatalf("cpupolicy: shim %d: policies %v, want the test's %d", w.PID, p, own.Policy)
		}
		for _, a := range w.Apps {
			if p := threadPolicies(ts, a.PID); len(p) != 1 || p[0] != want {
				ts.Fatalf("cpupolicy: program %d: policies %v, want %d (%s)", a.PID, p, want, args[1])
			}
			n++
		}
	}
	if n == 0 {
		ts.Fatalf("cpupolicy: no worker program to look at")
	}
}

// threadPolicies returns the distinct scheduling policies of the threads of pid.
func threadPolicies(ts *testscript.TestScript, pid int) []uint32 {
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	ts.Check(err)
	var out []uint32
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		ts.Check(err)
		attr, err := unix.SchedGetAttr(tid, 0)
		if err != nil {
			continue // the thread ended meanwhile
		}
		if !slices.Contains(out, attr.Policy) {
			out = append(out, attr.Policy)
		}
	}
	return out
}

// cmdMkcerts writes certificates as the certificate store reads them, signed by the
// script's test CA ($WORK/ca.pem and ca-key.pem, made at the first call): for each
// NAME, DIR/NAME.pem holds the certificate chain and its private key (mode 0600).
// NAME is a host ("shop.example.com"), a wildcard file name ("_.example.com": the
// certificate is for *.example.com) or an IP-bound one ("0.0.0.0!8443": for
// 127.0.0.1). A "+" after NAME gives the certificate serial 2 (a replacement), else
// it is 1.
//
//	mkcerts DIR NAME[+]...
func cmdMkcerts(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkcerts DIR NAME...")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o700))
	ca := scriptCA(ts)
	for _, name := range args[1:] {
		l := testpki.Leaf{CommonName: name, Serial: 1}
		if n, ok := strings.CutSuffix(name, "+"); ok {
			name, l.CommonName, l.Serial = n, n, 2
		}
		switch {
		case strings.Contains(name, "!"):
			l.IPs = []net.IP{net.IPv4(127, 0, 0, 1)}
		case strings.HasPrefix(name, "_."):
			l.DNSNames = []string{"*" + name[1:]}
		default:
			l.DNSNames = []string{name}
		}
		cert, key, err := ca.Sign(l)
		ts.Check(err)
		keyPEM, err := testpki.KeyPEM(key)
		ts.Check(err)
		ts.Check(os.WriteFile(filepath.Join(dir, name+".pem"), append(testpki.CertPEM(cert), keyPEM...), 0o600))
	}
}

// scriptCA returns the script's test CA, made and written to $WORK/ca.pem (and its
// key to ca-key.pem) at the first call.
func scriptCA(ts *testscript.TestScript) *testpki.CA {
	certFile, keyFile := ts.MkAbs("ca.pem"), ts.MkAbs("ca-key.pem")
	if certPEM, err := os.ReadFile(certFile); err == nil {
		ca, err := testpki.ParseCA(certPEM, []byte(ts.ReadFile("ca-key.pem")))
		ts.Check(err)
		return ca
	}
	ca, err := testpki.NewCA()
	ts.Check(err)
	certPEM, keyPEM, err := ca.PEM()
	ts.Check(err)
	ts.Check(os.WriteFile(certFile, certPEM, 0o644))
	ts.Check(os.WriteFile(keyFile, keyPEM, 0o600))
	return ca
}

// cmdTLSSerial connects to ADDR over TLS, sending SERVERNAME by SNI ("-" for none),
// trusting only the script's test CA, and sets $VAR to the serial of the
// certificate the server showed.
//
//	tlsserial VAR ADDR SERVERNAME
func cmdTLSSerial(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: tlsserial VAR ADDR SERVERNAME")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(ts.ReadFile("ca.pem"))) {
		ts.Fatalf("tlsserial: no CA in ca.pem")
	}
	cfg := &tls.Config{RootCAs: pool, ServerName: args[2]}
	if args[2] == "-" {
		cfg.ServerName = "127.0.0.1" // verified against the IP address; no SNI is sent for it
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", args[1], cfg)
	if err != nil {
		ts.Fatalf("tlsserial: %v", err)
	}
	defer conn.Close()
	ts.Setenv(args[0], conn.ConnectionState().PeerCertificates[0].SerialNumber.String())
}
