//go:build linux

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/poolctl/poolctl/internal/saferead"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/supervisor"
)

// watchInterval is how often run looks at its configuration file.
const watchInterval = time.Second

// watcher reloads poolctl run's configuration when its file changes (its content, by
// SHA-256) and on SIGHUP. load lints and builds the new configuration.
type watcher struct {
	path string
	load func() (*spec.Spec, error)
}

// run watches until ctx ends, applying each accepted configuration with apply and
// reporting rejected ones as events: the running configuration stays.
func (w watcher) run(ctx context.Context, apply func(*spec.Spec) error, sup *supervisor.Supervisor) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	tick := time.NewTicker(watchInterval)
	defer tick.Stop()
	last := fileSum(w.path)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		case <-tick.C:
			if sum := fileSum(w.path); sum == nil || bytes.Equal(sum, last) {
				continue
			}
		}
		last = fileSum(w.path)
		sp, err := w.load()
		if err == nil {
			err = apply(sp)
		}
		if err != nil {
			sup.Emit(event.ConfigRejected, "error", "configuration change refused; the running configuration stays", err.Error())
		}
	}
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
