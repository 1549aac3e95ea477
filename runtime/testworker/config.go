//go:build unix

package testworker

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// config is the test worker's behaviour, read from its environment.
type config struct {
	port             string
	startDelay       time.Duration
	exitAtOnce       int   // -1: do not
	crashAfter       int64 // 0: never
	pingHangAfter    int64 // -1: never
	unhealthyAfter   int64 // 0: never
	heapMB           int64 // MB of heap held for the worker's life: suspend's page-out has them to move
	ignoreTerm       bool
	forkGrandchild   bool
	grandchildSetsid bool
	echoEnv          []string
}

// parseConfig reads the configuration from the environment getenv reads.
func parseConfig(getenv func(string) string) (config, error) {
	cfg := config{
		port:             getenv("ASPNETCORE_PORT"),
		ignoreTerm:       getenv("TW_IGNORE_SIGTERM") == "1",
		forkGrandchild:   getenv("TW_FORK_GRANDCHILD") == "1",
		grandchildSetsid: getenv("TW_GRANDCHILD_SETSID") == "1",
	}
	if cfg.port == "" {
		cfg.port = getenv("PORT")
	}
	if cfg.port == "" {
		return cfg, errors.New("neither ASPNETCORE_PORT nor PORT is set")
	}
	if names := getenv("TW_ECHO_ENV"); names != "" {
		cfg.echoEnv = strings.Split(names, ",")
	}
	var errs []error
	if v := getenv("TW_START_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		errs = append(errs, wrap("TW_START_DELAY", err))
		cfg.startDelay = d
	}
	exitAtOnce, err := intEnv(getenv, "TW_EXIT_AT_ONCE", -1)
	cfg.exitAtOnce = int(exitAtOnce)
	errs = append(errs, err)
	cfg.crashAfter, err = intEnv(getenv, "TW_CRASH_AFTER", 0)
	errs = append(errs, err)
	cfg.pingHangAfter, err = intEnv(getenv, "TW_PING_HANG_AFTER", -1)
	errs = append(errs, err)
	cfg.unhealthyAfter, err = intEnv(getenv, "TW_UNHEALTHY_AFTER", 0)
	errs = append(errs, err)
	cfg.heapMB, err = intEnv(getenv, "TW_HEAP_MB", 0)
	errs = append(errs, err)
	return cfg, errors.Join(errs...)
}

// intEnv reads a non-negative integer variable, def when it is not set.
func intEnv(getenv func(string) string, name string, def int64) (int64, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err == nil && n < 0 {
		err = errors.New("negative")
	}
	return n, wrap(name, err)
}

// wrap gives err the variable's name; nil stays nil.
func wrap(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}
