//go:build unix

package parse

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/poolctl/poolctl/internal/saferead"
)

// TestReadFileNotRegular checks that a device or FIFO where a file is meant is
// refused at once: before, /dev/zero was read up to the limit (256 MiB) and a FIFO
// without a writer blocked for good.
func TestReadFileNotRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.config")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"character device", "/dev/zero", "/dev/zero is a character device, not a regular file"},
		{"FIFO without a writer", fifo, fifo + " is a FIFO, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFile(tt.path, Options{})
			if _, ok := errors.AsType[*saferead.NotRegularError](err); !ok || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadFile(%s) = %v, want %q", tt.path, err, tt.want)
			}
		})
	}
}
