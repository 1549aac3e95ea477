package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func newTestRoot() *cobra.Command {
	return newRootCmd(streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard}, func(string) string { return "" })
}

func TestEveryCommandHasExample(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.Hidden && strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no Example section", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newTestRoot())
}

func TestCommandTree(t *testing.T) {
	var names []string
	for _, c := range newTestRoot().Commands() {
		if !c.Hidden {
			names = append(names, c.Name())
		}
	}
	want := "add appcmd apply completion convert decrypt delete diff encrypt help history identity key lint pool pools rekey requests run schema set show workers"
	if runtime.GOOS != "linux" { // the runtime's commands but a run that says it needs Linux
		want = "add appcmd apply completion convert decrypt delete diff encrypt help history key lint rekey run schema set show"
	}
	if got := strings.Join(names, " "); got != want {
		t.Errorf("commands = %q, want %q", got, want)
	}
}

// TestTreesAreIndependent checks that flag values live in the tree that parsed them,
// not in package state: a second tree starts from the defaults.
func TestTreesAreIndependent(t *testing.T) {
	first := newTestRoot()
	first.SetArgs([]string{"schema", "--target", "iis7.0", "--format", "json", "-c", "x.config"})
	if err := first.Execute(); err != nil {
		t.Fatal(err)
	}
	second := newTestRoot()
	for _, name := range []string{"target", "config"} {
		f := second.PersistentFlags().Lookup(name)
		if f.Value.String() != f.DefValue {
			t.Errorf("--%s of a new tree = %q, want the default %q", name, f.Value, f.DefValue)
		}
	}
	schemaCmd, _, err := second.Find([]string{"schema"})
	if err != nil {
		t.Fatal(err)
	}
	if got := schemaCmd.Flags().Lookup("format").Value.String(); got != "text" {
		t.Errorf("--format of a new tree = %q, want text", got)
	}
}

func TestRunExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		stdout     string // a substring of stdout
		stderr     string // stderr, exactly
		stderrPart string // a substring of stderr, when stderr varies
	}{
		{args: []string{"--version"}, code: exitOK, stdout: "poolctl version "},
		{args: nil, code: exitOK, stdout: "Available Commands:"},
		{args: []string{"help", "schema"}, code: exitOK, stdout: "poolctl schema [flags]"},
		{args: []string{"schema"}, code: exitOK, stdout: "processModel.idleTimeout"},
		{args: []string{"--nope"}, code: exitFailure, stderr: "poolctl: unknown flag: --nope\nRun 'poolctl --help' for usage.\n"},
		{args: []string{"schema", "--target"}, code: exitFailure, stderrPart: "flag needs an argument: --target"},
		{args: []string{"schema", "--target", "iis9"}, code: exitFailure, stderrPart: `invalid argument "iis9" for "--target" flag`},
		{args: []string{"nope"}, code: exitFailure, stderrPart: `poolctl: unknown command "nope" for "poolctl"`},
		{args: []string{"show", "-c", "does-not-exist.config"}, code: exitFailure, stderr: "poolctl: config file does-not-exist.config: no such file or directory\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tc.stdout, stdout.String())
			}
			switch {
			case tc.stderrPart != "":
				if !strings.Contains(stderr.String(), tc.stderrPart) {
					t.Errorf("stderr does not contain %q:\n%s", tc.stderrPart, stderr.String())
				}
				if n := strings.Count(stderr.String(), "poolctl: "); n != 1 {
					t.Errorf("stderr has %d errors, want 1:\n%s", n, stderr.String())
				}
			case stderr.String() != tc.stderr:
				t.Errorf("stderr = %q, want %q", stderr.String(), tc.stderr)
			}
		})
	}
}

func TestReport(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code int
		out  string
	}{
		{"findings", &exitError{code: exitFindings}, exitFindings, ""},
		{"failure", &exitError{code: exitFailure, err: errors.New("boom")}, exitFailure, "poolctl: boom\n"},
		{"wrapped", fmt.Errorf("context: %w", &exitError{code: exitFindings, err: errors.New("2 differences")}), exitFindings, "poolctl: context: 2 differences\n"},
		{"usage", errors.New("unknown flag: --x"), exitFailure, "poolctl: unknown flag: --x\nRun 'poolctl --help' for usage.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if code := report(&buf, newTestRoot(), tc.err); code != tc.code {
				t.Errorf("code = %d, want %d", code, tc.code)
			}
			if buf.String() != tc.out {
				t.Errorf("printed %q, want %q", buf.String(), tc.out)
			}
		})
	}
}

func TestWithExitCode(t *testing.T) {
	plain := withExitCode(func(*cobra.Command, []string) error { return errors.New("cannot read") })
	ee, ok := errors.AsType[*exitError](plain(nil, nil))
	if !ok || ee.code != exitFailure {
		t.Errorf("a plain error became %#v, want an exitError with code %d", ee, exitFailure)
	}
	findings := &exitError{code: exitFindings}
	kept := withExitCode(func(*cobra.Command, []string) error { return findings })
	if err := kept(nil, nil); err != findings {
		t.Errorf("an exitError became %v, want it unchanged", err)
	}
	if err := withExitCode(func(*cobra.Command, []string) error { return nil })(nil, nil); err != nil {
		t.Errorf("success became %v", err)
	}
}
