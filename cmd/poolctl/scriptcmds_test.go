package main

import (
	"net"
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// These commands of the scripts build everywhere:
//
//	freeports VAR...             set each $VAR to a free TCP port of 127.0.0.1
//	expandenv FILE...            replace $VAR and ${VAR} in the files with their values
//	mkfifo PATH...               make a FIFO at each path (unix only)

func cmdFreePorts(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: freeports VAR...")
	}
	// All listen at once, so that the ports differ.
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for _, name := range args {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			ts.Fatalf("freeports: %v", err)
		}
		lns = append(lns, ln)
		ts.Setenv(name, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
}

func cmdExpandEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: expandenv FILE...")
	}
	for _, name := range args {
		path := ts.MkAbs(name)
		b, err := os.ReadFile(path)
		if err != nil {
			ts.Fatalf("expandenv: %v", err)
		}
		if err := os.WriteFile(path, []byte(os.Expand(string(b), ts.Getenv)), 0o666); err != nil {
			ts.Fatalf("expandenv: %v", err)
		}
	}
}
