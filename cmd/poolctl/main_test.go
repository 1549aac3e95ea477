package main

import (
	"encoding/json"
	"errors"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary stand in for the poolctl command in scripts. A poolctl
// run that a test runs in-process starts its shims as this binary (os.Executable)
// with the argument __shim: the binary is the shim then, not the tests again.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == "__shim" {
		main()
		return
	}
	testscript.Main(m, map[string]func(){"poolctl": main})
}

// TestScripts runs the end-to-end scripts in testdata/script. Besides testscript's
// own commands they have:
//
//	exits CODE COMMAND [ARGS...]  run COMMAND and require exit code CODE
//	validjson FILE                require FILE (or stdout, stderr) to be valid JSON
//	freeports VAR...              set each $VAR to a free TCP port of 127.0.0.1
//
// and, on Linux, those that follow a poolctl run (platformScriptCmds);
//
// and, on Linux, those that follow a poolctl run (platformScriptCmds),
// and $SAMPLE names testdata/sample/applicationHost.config of the repository,
// $ACTION_LINT the GitHub Action's lint step (.github/action/lint.sh), $SCHEMA
// contrib/schema/poolctl_schema.xml.
func TestScripts(t *testing.T) {
	sample, err := filepath.Abs(filepath.FromSlash(samplePath))
	if err != nil {
		t.Fatal(err)
	}
	actionLint, err := filepath.Abs(filepath.Join("..", "..", ".github", "action", "lint.sh"))
	if err != nil {
		t.Fatal(err)
	}
	poolctlSchema, err := filepath.Abs(filepath.Join("..", "..", "contrib", "schema", "poolctl_schema.xml"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SAMPLE", sample)
			env.Setenv("ACTION_LINT", actionLint)
			env.Setenv("SCHEMA", poolctlSchema)
			// A race-enabled binary that exits 0 sleeps a second (atexit_sleep_ms)
			// to let racing goroutines show themselves; poolctl has none, and the
			// scripts run it dozens of times.
			env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			return nil
		},
		Cmds: scriptCmds(),
	})
}

// cmdExits runs a command like exec and requires the exit code that its first
// argument names, so that a script can tell exit code 1 from 2.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad exit code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		ee, ok := errors.AsType[*exec.ExitError](err)
		if !ok {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// cmdValidJSON requires a file, or stdout or stderr, to hold one valid JSON value.
func cmdValidJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: validjson FILE")
	}
	valid := json.Valid([]byte(ts.ReadFile(args[0])))
	switch {
	case neg && valid:
		ts.Fatalf("%s is valid JSON", args[0])
	case !neg && !valid:
		ts.Fatalf("%s is not valid JSON", args[0])
	}
}

// scriptCmds returns the scripts' own commands: those of every OS and the
// platform's.
func scriptCmds() map[string]func(*testscript.TestScript, bool, []string) {
	cmds := map[string]func(*testscript.TestScript, bool, []string){
		"exits":     cmdExits,
		"validjson": cmdValidJSON,
		"freeports": cmdFreePorts,
		"expandenv": cmdExpandEnv,
	}
	maps.Copy(cmds, platformScriptCmds())
	return cmds
}

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

// TestTestBinaryIsTheShim checks that the test binary run with the argument __shim, as
// a poolctl run a test runs in-process starts its shims, is the shim (which, without
// its report pipe, says so and exits) rather than the whole test suite again, whose
// own poolctl runs would outlive it.
func TestTestBinaryIsTheShim(t *testing.T) {
	const probe = "POOLCTL_TEST_SHIM_PROBE"
	if os.Getenv(probe) != "" {
		t.Skip("the test suite run as a broken shim: no recursion")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), exe, "__shim")
	cmd.Env = append(os.Environ(), probe+"=1")
	out, err := cmd.CombinedOutput()
	const want = "poolctl: __shim is run by poolctl run, with a report pipe on fd 3\n"
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || string(out) != want {
		t.Fatalf("%s __shim: %v, output:\n%s\nwant exit status 2 and %q", exe, err, out, want)
	}
}
