//go:build unix

package saferead

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "app.config")
	if err := os.WriteFile(regular, []byte("<configuration/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.config")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, wantErr string
	}{
		{"regular file", regular, ""},
		{"symlink to a regular file", link, ""},
		{"FIFO without a writer does not block", fifo, "is a FIFO, not a regular file"},
		{"directory", dir, "is a directory, not a regular file"},
		{"character device", "/dev/zero", "is a character device, not a regular file"},
		{"missing", filepath.Join(dir, "none"), "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(tt.path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				f.Close()
				return
			}
			if err == nil {
				f.Close()
				t.Fatalf("Open(%s) succeeded, want %q", tt.path, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Open(%s) = %v, want %q", tt.path, err, tt.wantErr)
			}
		})
	}
}

func TestReadAll(t *testing.T) {
	tests := []struct {
		name    string
		r       io.Reader
		limit   int64
		want    int
		tooLong bool
	}{
		{"under the limit", strings.NewReader("abc"), 4, 3, false},
		{"exactly the limit", strings.NewReader("abcd"), 4, 4, false},
		{"one byte over", strings.NewReader("abcde"), 4, 0, true},
		{"endless input stops at the limit", endless{}, 1 << 20, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadAll(tt.r, "stdin", tt.limit)
			var tl *TooLargeError
			if tt.tooLong {
				if !errors.As(err, &tl) || tl.Name != "stdin" || tl.Limit != tt.limit {
					t.Fatalf("ReadAll = %d bytes, %v; want a TooLargeError for stdin", len(got), err)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("ReadAll = %d bytes, %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, bytes.Repeat([]byte("x"), 10), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(small, 10); err != nil || len(b) != 10 {
		t.Errorf("ReadFile at the limit = %d bytes, %v", len(b), err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(small, 9); !errors.As(err, &tl) {
		t.Errorf("ReadFile over the limit: %v, want a TooLargeError", err)
	}
	if _, err := ReadFile("/dev/zero", 1<<20); err == nil || !strings.Contains(err.Error(), "character device") {
		t.Errorf("ReadFile(/dev/zero) = %v, want it refused as a character device", err)
	}
}
