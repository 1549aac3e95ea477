// Package validate checks applicationHost.config files the way IIS would load them, and
// beyond: every schema validator of the target IIS version, the mistakes IIS only finds
// at run time, and operations and security advice. Each finding is a Diagnostic, plain
// data with a stable rule ID; the printers in package printers turn them into
// text, JSON, SARIF and GitHub annotations.
package validate
