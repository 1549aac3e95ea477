// Package browser finds the headless browser of the tests that render pages: Debian's
// Chromium, which install.sh in this folder installs (make test runs it).
package browser

import (
	"errors"
	"os/exec"
)

// ErrNone is Find's error when no Chromium or Chrome is on PATH.
var ErrNone = errors.New("no chromium on PATH: run internal/browser/install.sh (make test does)")

// Find returns the path of a Chromium or Chrome on PATH.
func Find() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNone
}
