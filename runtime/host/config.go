//go:build linux

package host

import (
	"errors"
	"fmt"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
	"github.com/poolctl/poolctl/validate"
)

// loaded is one reading of the configuration file: the parse that lint checked, and
// the spec built from that same parse.
type loaded struct {
	cfg      *parse.Config
	spec     *spec.Spec
	warnings []spec.Warning
}

// load lints the file, refusing it on errors, and builds the spec from the parse lint
// checked: the file run runs is the file lint read.
func load(path string, target schema.Version, scale float64) (*loaded, error) {
	ds, cfg, err := validate.LintLoad(path, validate.Options{Target: target, For: secret.ForRun})
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	var errs []error
	for _, d := range ds {
		if d.Severity == validate.Error {
			errs = append(errs, fmt.Errorf("%s:%d:%d: %s %s", d.File, d.Line, d.Column, d.Rule, d.Message))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("run refuses a configuration that lint finds errors in:\n%w", errors.Join(errs...))
	}
	sp, warnings, err := spec.Build(cfg, spec.Options{TimeScale: scale})
	if err != nil {
		return nil, err
	}
	return &loaded{cfg: cfg, spec: sp, warnings: warnings}, nil
}
