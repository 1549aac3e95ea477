package secret

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestKeyFileRoundTrip(t *testing.T) {
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sub", "key")
	if err := WriteKeyFile(path, k); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" { // there the DACL protects it: ReadKeyFile checks it below
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode = %v, %v; want 0600", fi.Mode(), err)
		}
		if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
			t.Errorf("directory mode = %v, want 0700", di.Mode())
		}
	}
	back, err := ReadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID() != k.ID() || back.raw != k.raw {
		t.Error("the key read back differs")
	}
	if err := WriteKeyFile(path, k); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("second WriteKeyFile = %v, want a refusal", err)
	}
}

func TestReadKeyFileErrors(t *testing.T) {
	dir := t.TempDir()
	k := testKey(7)
	good := string(k.MarshalText())
	tests := []struct{ name, content, want string }{
		{"empty", "", "no key in it"},
		{"comments only", "# nothing\n", "no key in it"},
		{"bad magic", "poolctl-key-v2 x y\n", `:1: want "poolctl-key-v1"`},
		{"short key", "poolctl-key-v1 " + k.ID() + " QUJD\n", ":1: the key is not 32 base64-encoded bytes"},
		{"wrong ID", strings.Replace(good, k.ID(), "0000000000000000", 1), "the file is damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadKeyFile(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadKeyFile = %v, want an error naming the file with %q", err, tt.want)
			}
		})
	}
	_, err := ReadKeyFile(filepath.Join(dir, "missing"))
	if !errors.Is(err, ErrNoKeyFile) || !strings.Contains(err.Error(), "poolctl key generate --out") {
		t.Errorf("missing key file: %v", err)
	}
}

func TestKeyPath(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if p, how := KeyPath("/k", getenv); p != "/k" || how != "--key-file" {
		t.Errorf("flag: %s, %s", p, how)
	}
	env[KeyEnv] = "/env/key"
	if p, how := KeyPath("", getenv); p != "/env/key" || how != "$POOLCTL_KEY_FILE" {
		t.Errorf("env: %s, %s", p, how)
	}
	delete(env, KeyEnv)
	env["XDG_CONFIG_HOME"] = "/xdg"
	p, how := KeyPath("", getenv)
	want := "/xdg/poolctl/key"
	if os.Geteuid() == 0 {
		want = "/etc/poolctl/key"
	}
	if p != want || how != "default" {
		t.Errorf("default: %s, %s; want %s", p, how, want)
	}
}

func TestDefaultKeyPathPerOS(t *testing.T) {
	tests := []struct {
		name string
		path func(getenv func(string) string) string
		env  map[string]string
		want string
	}{
		{"Unix root", func(g func(string) string) string { return unixKeyPath(true, g) }, map[string]string{"HOME": "/root"}, "/etc/poolctl/key"},
		{"Unix XDG", func(g func(string) string) string { return unixKeyPath(false, g) }, map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/a"}, "/xdg/poolctl/key"},
		{"Unix HOME", func(g func(string) string) string { return unixKeyPath(false, g) }, map[string]string{"HOME": "/home/a"}, "/home/a/.config/poolctl/key"},
		{"Unix nothing", func(g func(string) string) string { return unixKeyPath(false, g) }, nil, ".config/poolctl/key"},
		{"Windows ProgramData", windowsKeyPath, map[string]string{"ProgramData": `C:\ProgramData`, "ALLUSERSPROFILE": `D:\All`}, `C:\ProgramData\poolctl\key`},
		{"Windows ProgramData with a trailing backslash", windowsKeyPath, map[string]string{"ProgramData": `C:\ProgramData\`}, `C:\ProgramData\poolctl\key`},
		{"Windows ALLUSERSPROFILE", windowsKeyPath, map[string]string{"ALLUSERSPROFILE": `C:\ProgramData`}, `C:\ProgramData\poolctl\key`},
		{"Windows nothing", windowsKeyPath, nil, `poolctl\key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.name, "Unix") && filepath.Separator != '/' {
				t.Skip("Unix paths")
			}
			if got := tt.path(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
