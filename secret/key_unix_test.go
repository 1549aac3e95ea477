//go:build unix

package secret

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readKeyFileWithin runs ReadKeyFile(path) and fails the test if it does not return
// within a generous deadline: on the old code a FIFO key file blocked forever.
func readKeyFileWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := ReadKeyFile(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("ReadKeyFile(%s) still blocks after 30s", path)
		return nil
	}
}

func TestReadKeyFileRefusesWhatIsNotAKeyFile(t *testing.T) {
	dir := t.TempDir()
	good := testKey(7).MarshalText()
	tests := []struct {
		name     string
		make     func(t *testing.T, path string)
		wantRoot bool // only root can make it
		want     string
	}{
		{"FIFO", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
		}, false, "is a FIFO, not a regular file"},
		{"directory", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}, false, "is a directory, not a regular file"},
		{"symlink to dev zero", func(t *testing.T, path string) {
			if err := os.Symlink("/dev/zero", path); err != nil {
				t.Fatal(err)
			}
		}, false, "is a character device, not a regular file"},
		{"larger than 4 KiB", func(t *testing.T, path string) {
			big := append(bytes.Repeat([]byte("#\n"), 3000), good...)
			if err := os.WriteFile(path, big, 0o600); err != nil {
				t.Fatal(err)
			}
		}, false, "larger than 4096 bytes"},
		{"owned by another user", func(t *testing.T, path string) {
			if err := os.WriteFile(path, good, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(path, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, true, "belongs to uid 65534, not to this user (uid 0) or root; refusing to use it: run chown 0 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantRoot && os.Geteuid() != 0 {
				t.Skip("only root can give a file to another user")
			}
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			tt.make(t, path)
			err := readKeyFileWithin(t, path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadKeyFile = %v, want an error naming the file with %q", err, tt.want)
			}
		})
	}
}

func TestReadKeyFileRefusesWhatOthersMayReadOrWrite(t *testing.T) {
	dir := t.TempDir()
	good := testKey(7).MarshalText()
	tests := []struct {
		name string
		mode os.FileMode
		want string
	}{
		{"readable by others", 0o644, "other users may read it (mode 0644); refusing to use it: run chmod 600 "},
		{"writable by group", 0o620, "mode 0620"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if err := os.WriteFile(path, good, tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := ReadKeyFile(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadKeyFile = %v, want an error naming the file with %q", err, tt.want)
			}
		})
	}
}

func TestReadKeyFileFollowsASymlinkToAGoodKey(t *testing.T) {
	dir := t.TempDir()
	k := testKey(7)
	target := filepath.Join(dir, "key.real")
	if err := WriteKeyFile(target, k); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "key")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	back, err := ReadKeyFile(link)
	if err != nil || back.ID() != k.ID() {
		t.Fatalf("ReadKeyFile(symlink) = %v, %v; want key %s", back, err, k.ID())
	}
	if err := os.Chmod(target, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKeyFile(link); err == nil || !strings.Contains(err.Error(), "mode 0644") {
		t.Errorf("ReadKeyFile(symlink to a 0644 key) = %v, want the mode refused", err)
	}
}
