//go:build linux

package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"time"

	"github.com/poolctl/poolctl/internal/saferead"
	"github.com/poolctl/poolctl/parse"
)

// watchInterval is how often run looks at its configuration file.
const watchInterval = time.Second

// watchFile calls reload each time the content of the file at path differs (by
// SHA-256) from loaded(), the content last loaded, until ctx ends.
func watchFile(ctx context.Context, path string, loaded func() []byte, reload func() error) {
	tick := time.NewTicker(watchInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if sum := fileSum(path); sum != nil && !bytes.Equal(sum, loaded()) {
			reload() // a refused file is an event; the next change is tried again
		}
	}
}

// loadedSum returns the SHA-256 of the file as last loaded, refused or not.
func (r *Runtime) loadedSum() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sum
}

// fileSum returns the SHA-256 of the file's content, or nil when it cannot be read
// (an editor may be replacing it) or is not a regular file. It reads the file as a
// stream, at most one byte past parse's size limit: a bigger file is refused by load.
func fileSum(path string) []byte {
	f, err := saferead.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, parse.Options{}.Limit()+1)); err != nil {
		return nil
	}
	return h.Sum(nil)
}
