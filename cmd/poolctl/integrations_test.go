package main

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// readRepoYAML decodes the file name at the repository's root into v.
func readRepoYAML(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// actionStep is a step of action.yml.
type actionStep struct {
	ID, Run, Uses string
	Env           map[string]string
}

// TestActionYAML checks action.yml against what it runs: a composite action whose
// expressions name only declared inputs, whose steps that run a script of
// .github/action set exactly the variables the script reads, and whose outputs come
// from the lint step.
func TestActionYAML(t *testing.T) {
	var action struct {
		Inputs  map[string]struct{ Default string }
		Outputs map[string]struct{ Value string }
		Runs    struct {
			Using string
			Steps []actionStep
		}
	}
	readRepoYAML(t, "action.yml", &action)
	raw, _ := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(string(raw), -1) {
		if _, ok := action.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses inputs.%s, which it does not declare", m[1])
		}
	}
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", action.Runs.Using)
	}
	scripts := map[string][]byte{}
	for _, step := range action.Runs.Steps {
		m := regexp.MustCompile(`\$GITHUB_ACTION_PATH/\.github/action/([a-z]+\.sh)`).FindStringSubmatch(step.Run)
		if m == nil {
			continue
		}
		script, err := os.ReadFile(filepath.Join("..", "..", ".github", "action", m[1]))
		if err != nil {
			t.Fatal(err)
		}
		scripts[step.ID+" "+m[1]] = script
		if got, want := slices.Sorted(maps.Keys(step.Env)), poolctlVars(script); !slices.Equal(got, want) {
			t.Errorf("the step running %s sets %q, the script reads %q", m[1], got, want)
		}
	}
	lint, ok := scripts["lint lint.sh"]
	if _, install := scripts[" install.sh"]; !ok || !install {
		t.Fatalf("steps running scripts: %v; want the install step and the lint step (id lint)", slices.Sorted(maps.Keys(scripts)))
	}
	for name, o := range action.Outputs {
		if !strings.Contains(o.Value, "steps.lint.outputs."+name) || !bytes.Contains(lint, []byte(name+"=")) {
			t.Errorf("output %s is not the lint step's %s, or the script never writes it", name, name)
		}
	}
}

// poolctlVars returns the POOLCTL_ variables a script reads, sorted.
func poolctlVars(script []byte) []string {
	var vars []string
	for _, m := range regexp.MustCompile(`\$\{?(POOLCTL_[A-Z_]+)`).FindAllStringSubmatch(string(script), -1) {
		vars = append(vars, m[1])
	}
	slices.Sort(vars)
	return slices.Compact(vars)
}

// TestPreCommitHook checks the hook of .pre-commit-hooks.yaml: its files pattern
// picks applicationHost.config files only, and its entry, given two of them as
// pre-commit gives them, runs poolctl lint and fails on the one with errors.
func TestPreCommitHook(t *testing.T) {
	var hooks []struct {
		ID, Entry, Language, Files string
		PassFilenames              bool `yaml:"pass_filenames"`
	}
	readRepoYAML(t, ".pre-commit-hooks.yaml", &hooks)
	if len(hooks) != 1 || hooks[0].ID != "poolctl-lint" || hooks[0].Language != "golang" || !hooks[0].PassFilenames {
		t.Fatalf("hooks = %+v, want one poolctl-lint hook in golang that takes the file names", hooks)
	}
	h := hooks[0]
	files := regexp.MustCompile(h.Files)
	for name, want := range map[string]bool{
		"applicationHost.config": true, "iis/config/applicationHost.config": true,
		"ApplicationHost.config": true, "iis/APPLICATIONHOST.CONFIG": true, // Windows names ignore case
		"web.config": false, "applicationHost.config.bak": false, "myapplicationHost.config": false,
	} {
		if files.MatchString(name) != want {
			t.Errorf("files %q matches %s: %v, want %v", h.Files, name, !want, want)
		}
	}
	entry := strings.Fields(h.Entry)
	if len(entry) < 2 || entry[0] != "poolctl" || entry[1] != "lint" {
		t.Fatalf("entry %q does not run poolctl lint", h.Entry)
	}
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good", "applicationHost.config"), filepath.Join(dir, "bad", "applicationHost.config")
	for name, text := range map[string]string{
		good: `<configuration><system.applicationHost><applicationPools><add name="Shop" /></applicationPools></system.applicationHost></configuration>`,
		bad:  `<configuration><system.applicationHost><applicationPools><add name="Shop" queueLength="0" /></applicationPools></system.applicationHost></configuration>`,
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(append(entry[1:], good), strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Errorf("hook on a clean file: exit %d\n%s%s", code, &stdout, &stderr)
	}
	stdout.Reset()
	if code := run(append(entry[1:], good, bad), strings.NewReader(""), &stdout, &stderr); code != exitFindings || !strings.Contains(stdout.String(), "bad") {
		t.Errorf("hook on a clean file and one with an error: exit %d, want 1 naming the second\n%s%s", code, &stdout, &stderr)
	}
}

// TestActionInstall runs the Action's install step as a workflow without a version
// input runs it: it builds the action's own source, puts it on the job's PATH and
// prints its version.
func TestActionInstall(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	path := filepath.Join(tmp, "github_path")
	cmd := exec.Command("bash", filepath.Join(root, ".github", "action", "install.sh"))
	cmd.Env = append(os.Environ(), "POOLCTL_VERSION=", "GITHUB_ACTION_PATH="+root, "RUNNER_TEMP="+tmp, "GITHUB_PATH="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	dir, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(strings.TrimSpace(string(dir)), "poolctl")
	if v, err := exec.Command(bin, "--version").Output(); err != nil || !strings.HasPrefix(string(v), "poolctl version ") || !strings.Contains(string(out), string(v)) {
		t.Errorf("%s --version = %q, %v; install.sh said %q", bin, v, err, out)
	}
}
