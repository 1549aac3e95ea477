package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/secret"
)

// Known secrets: one written in clear text, one in <applicationPoolDefaults>, one
// encrypted with the test's key, and one that a desired state carries.
const (
	leakClear    = "Clear-Secret-1"
	leakDefaults = "Defaults-Secret-2"
	leakSealed   = "Sealed-Secret-3"
	leakDesired  = "Desired-Secret-4"
)

// TestNoCommandPrintsAPassword runs every command of the tree on a configuration that
// holds known passwords and requires that none appears in its output, standard error
// included; decrypt --show is the one exception, and prints only the password asked for.
func TestNoCommandPrintsAPassword(t *testing.T) {
	dir := t.TempDir()
	key, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "key")
	newKeyFile := filepath.Join(dir, "key.new")
	newKey, _ := secret.GenerateKey()
	for path, k := range map[string]*secret.Key{keyFile: key, newKeyFile: newKey} {
		if err := secret.WriteKeyFile(path, k); err != nil {
			t.Fatal(err)
		}
	}
	sealed, err := key.Encrypt(leakSealed)
	if err != nil {
		t.Fatal(err)
	}
	config := `<configuration>
    <system.applicationHost>
        <applicationPools>
            <applicationPoolDefaults><processModel password="` + leakDefaults + `" /></applicationPoolDefaults>
            <add name="Clear"><processModel identityType="SpecificUser" userName="u" password="` + leakClear + `" /></add>
            <add name="Sealed"><processModel identityType="SpecificUser" userName="u" password="` + sealed + `" /></add>
        </applicationPools>
        <sites><site name="S" id="1"><application path="/" applicationPool="Clear" /></site></sites>
    </system.applicationHost>
</configuration>
`
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	app := write("app.config", config)
	other := write("other.config", strings.ReplaceAll(config, leakClear, "changed"))
	desired := write("desired.yaml", "applicationPools:\n  - name: Clear\n    processModel:\n      password: "+leakDesired+"\n")
	secrets := []string{leakClear, leakDefaults, leakSealed, leakDesired}
	sock := filepath.Join(dir, "admin.sock")
	metabase := write("MetaBase.xml", `<configuration><IIsApplicationPool Location="/LM/W3SVC/AppPools/Svc" AppPoolIdentityType="3" WAMUserName="u" WAMUserPass="`+leakDesired+`"/></configuration>`)

	runs := [][]string{
		{"show"}, {"show", "--all", "--format", "json"}, {"show", "Sealed"},
		{"show", "--list"},
		{"appcmd", "list", "apppool", "/text:*"}, {"appcmd", "list", "apppool", "/text:processModel.password"}, {"appcmd", "list", "apppool", "/xml"},
		{"appcmd", "set", "apppool", "Clear", "/processModel.password:" + leakClear},
		{"lint", app}, {"lint", "--format", "json", app}, {"lint", "--format", "sarif", app}, {"lint", "--format", "github", app},
		{"schema"},
		{"diff", app, other}, {"diff", "--format", "json", app, other}, {"diff", "--effective", other, app},
		{"apply", desired, "--plan"}, {"apply", desired},
		{"set", "Clear", "processModel.password=" + leakDesired, "queueLength=2000"},
		{"set", "--defaults", "processModel.password=" + leakDefaults},
		{"set", "Clear", "processModel.idleTimeout=00:30:30"}, // refused: lint's message
		{"add", "pool", "New", "processModel.password=" + leakClear},
		{"delete", "pool", "New"},
		{"encrypt"},
		{"history", "list"}, {"history", "list", "--format", "json"},
		{"rekey", "--new-key", newKeyFile},
		{"decrypt", "Sealed"}, // without --show: refused
		{"key", "generate", "--out", filepath.Join(dir, "key3")},
		{"identity", "Clear"}, {"identity", "Sealed", "--format", "json"},
		{"convert", metabase}, {"convert", metabase, "--format", "json", "--fragment"}, {"convert", metabase, "--into", app},
		{"run", "--admin", sock, "--time-scale", "0.01"},
		{"pools", "--admin", sock}, {"workers", "--admin", sock}, {"requests", "--admin", sock},
		{"pool", "start", "Clear", "--admin", sock}, {"pool", "stop", "Clear", "--admin", sock}, {"pool", "recycle", "Clear", "--admin", sock},
		{"help"}, {"completion", "bash"},
	}
	// Some runs must say this, so that the test is not passed by commands that fail
	// before they get to the passwords.
	expect := map[string]string{
		"show": "(set, hidden)",
		"appcmd list apppool /text:processModel.password": "(set, hidden)",
		"lint " + app:                  "PC301",
		"diff " + app + " " + other:    "processModel.password: differs (not shown)",
		"apply " + desired + " --plan": "processModel.password (secret, not shown)",
		"encrypt":                      "processModel.password (secret, not shown)",
		"set Clear processModel.idleTimeout=00:30:30": "refused",
	}
	covered := map[string]bool{}
	for _, args := range runs {
		out, errOut := runPoolctl(t, dir, keyFile, args)
		covered[commandOf(args)] = true
		if want, ok := expect[strings.Join(args, " ")]; ok && !strings.Contains(out+errOut, want) {
			t.Errorf("poolctl %s: no %q in\n%s%s", strings.Join(args, " "), want, out, errOut)
		}
		for _, s := range secrets {
			if strings.Contains(out+errOut, s) {
				t.Errorf("poolctl %s printed the password %q:\n%s%s", strings.Join(args, " "), s, out, errOut)
			}
		}
	}
	// history restore of the oldest copy, which holds clear text: restoring prints no
	// password either.
	list, _ := runPoolctl(t, dir, keyFile, []string{"history", "list", "--format", "json"})
	var h struct{ Snapshots []struct{ ID string } }
	if err := json.Unmarshal([]byte(list), &h); err != nil || len(h.Snapshots) == 0 {
		t.Fatalf("history list: %v %q", err, list)
	}
	restore := []string{"history", "restore", h.Snapshots[len(h.Snapshots)-1].ID}
	out, errOut := runPoolctl(t, dir, keyFile, restore)
	covered[commandOf(restore)] = true
	for _, s := range secrets {
		if strings.Contains(out+errOut, s) {
			t.Errorf("history restore printed the password %q:\n%s%s", s, out, errOut)
		}
	}
	runPoolctl(t, dir, newKeyFile, []string{"apply", desired}) // the password again, under the new key

	// decrypt --show prints the one password asked for, and nothing else. After
	// rekey, the values are under the new key.
	out, errOut = runPoolctl(t, dir, newKeyFile, []string{"decrypt", "--show", "Clear"})
	covered["decrypt"] = true
	if out != leakDesired+"\n" || errOut != "" {
		t.Errorf("decrypt --show Clear = %q, stderr %q; want only the password", out, errOut)
	}
	requireEveryCommand(t, covered)
}

// runPoolctl runs poolctl in dir with the configuration app.config and the key file,
// and returns its standard output and error.
func runPoolctl(t *testing.T, dir, keyFile string, args []string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{configEnv: filepath.Join(dir, "app.config"), secret.KeyEnv: keyFile}
	root := newRootCmd(streams{in: strings.NewReader(""), out: &out, err: &errOut}, func(k string) string { return env[k] })
	root.SetArgs(args)
	// run serves until it is stopped: a deadline stops it, as SIGTERM would.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if cmd, err := root.ExecuteContextC(ctx); err != nil {
		report(&errOut, cmd, err)
	}
	return out.String(), errOut.String()
}

// commandOf returns the command path that args run: "set", "key generate".
func commandOf(args []string) string {
	var words []string
	c := newTestRoot()
	for _, a := range args {
		sub := findSub(c, a)
		if sub == nil {
			break
		}
		words = append(words, a)
		c = sub
	}
	return strings.Join(words, " ")
}

// findSub returns c's subcommand named name, or nil.
func findSub(c *cobra.Command, name string) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Name() == name {
			return sub
		}
	}
	return nil
}

// requireEveryCommand fails for each runnable command of the tree that no run covered,
// so that a new command is added to the test.
func requireEveryCommand(t *testing.T, covered map[string]bool) {
	var walk func(c *cobra.Command, path string)
	walk = func(c *cobra.Command, path string) {
		for _, sub := range c.Commands() {
			p := strings.TrimPrefix(path+" "+sub.Name(), " ")
			if sub.Runnable() && !sub.Hidden && !sub.HasSubCommands() && !covered[p] && !strings.HasPrefix(p, "completion ") && p != "help" {
				t.Errorf("no run of %q: add one to TestNoCommandPrintsAPassword", p)
			}
			walk(sub, p)
		}
	}
	walk(newTestRoot(), "")
}
