package main

import (
	"bytes"
	"os"
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

// TestActionYAML checks action.yml against what it runs: a composite action whose
// expressions name only declared inputs, whose lint step runs .github/action/lint.sh
// with exactly the variables the script reads, and whose outputs come from that step.
func TestActionYAML(t *testing.T) {
	var action struct {
		Inputs  map[string]struct{ Default string }
		Outputs map[string]struct{ Value string }
		Runs    struct {
			Using string
			Steps []struct {
				ID, Run, Uses string
				Env           map[string]string
			}
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
	i := slices.IndexFunc(action.Runs.Steps, func(s struct {
		ID, Run, Uses string
		Env           map[string]string
	}) bool {
		return s.ID == "lint"
	})
	if i < 0 {
		t.Fatal("no step with id lint")
	}
	lint := action.Runs.Steps[i]
	if !strings.Contains(lint.Run, "$GITHUB_ACTION_PATH/.github/action/lint.sh") {
		t.Errorf("the lint step runs %q, not .github/action/lint.sh", lint.Run)
	}
	script, err := os.ReadFile(filepath.Join("..", "..", ".github", "action", "lint.sh"))
	if err != nil {
		t.Fatal(err)
	}
	reads := regexp.MustCompile(`\$\{?(POOLCTL_[A-Z_]+)`).FindAllStringSubmatch(string(script), -1)
	var want []string
	for _, m := range reads {
		want = append(want, m[1])
	}
	slices.Sort(want)
	want = slices.Compact(want)
	var got []string
	for k := range lint.Env {
		got = append(got, k)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the lint step sets %q, the script reads %q", got, want)
	}
	for name, o := range action.Outputs {
		if !strings.Contains(o.Value, "steps.lint.outputs."+name) || !bytes.Contains(script, []byte(name+"=")) {
			t.Errorf("output %s is not the lint step's %s, or the script never writes it", name, name)
		}
	}
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
