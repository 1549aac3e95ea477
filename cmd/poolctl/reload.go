//go:build linux

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// reloadOnHangup calls reload on each SIGHUP until ctx ends. A refused configuration is
// the runtime's event (9013); the running one stays.
func reloadOnHangup(ctx context.Context, reload func() error) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			reload()
		}
	}
}
