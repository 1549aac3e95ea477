// Package apply changes applicationHost.config files without losing a byte: semantic
// diffs between configurations, appcmd-style edits of pools, plans that make pools
// match a desired state, and atomic, locked writes that keep a history of the
// previous content.
package apply
