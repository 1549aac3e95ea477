// Command firstbyte times first requests, in microseconds, for bench/run.sh's cold
// start and bench/suspend.sh's resume, with one client for every figure so that the
// ratios compare like with like:
//
//	firstbyte get URL             one GET on a new connection: the time to the
//	                              response's first byte
//	firstbyte spawn PORT CMD...   start CMD with ASPNETCORE_PORT=PORT and GET
//	                              http://127.0.0.1:PORT/ every 100 µs until it
//	                              answers: the time from the start to that first
//	                              byte (the program's own cold start); then CMD is
//	                              killed
package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"
)

// pollEvery is how often spawn tries the program's port.
const pollEvery = 100 * time.Microsecond

// giveUp bounds every measurement.
const giveUp = 30 * time.Second

func main() {
	d, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "firstbyte:", err)
		os.Exit(1)
	}
	fmt.Println(d.Microseconds())
}

func run(args []string) (time.Duration, error) {
	switch {
	case len(args) == 2 && args[0] == "get":
		return get(args[1])
	case len(args) >= 3 && args[0] == "spawn":
		return spawn(args[1], args[2:])
	}
	return 0, errors.New("usage: firstbyte get URL, or firstbyte spawn PORT CMD")
}

// get times one GET of url on a new connection, to the first byte of the response.
func get(url string) (time.Duration, error) {
	hostPath, ok := strings.CutPrefix(url, "http://")
	if !ok {
		return 0, fmt.Errorf("%s: only http:// URLs", url)
	}
	host, path, _ := strings.Cut(hostPath, "/")
	start := time.Now()
	if err := request(host, "/"+path, start.Add(giveUp)); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// spawn starts cmd with ASPNETCORE_PORT=port and times it until GET / answers.
func spawn(port string, argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "ASPNETCORE_PORT="+port)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline := start.Add(giveUp)
	for {
		err := request("127.0.0.1:"+port, "/", deadline)
		if err == nil {
			return time.Since(start), nil
		}
		if time.Now().After(deadline) {
			return 0, err
		}
		sleep(pollEvery)
	}
}

// request sends GET path to host on a new connection and reads to the end of the
// status line: the response's first byte has come.
func request(host, path string, deadline time.Time) error {
	c, err := net.DialTimeout("tcp", host, time.Until(deadline))
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(deadline)
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("%s: read the status line: %w", host, err)
	}
	if !strings.HasPrefix(line, "HTTP/1.1 ") {
		return fmt.Errorf("%s: not an HTTP/1.1 response: %q", host, line)
	}
	return nil
}
