// Package apply changes applicationHost.config files without losing a byte: semantic
// diffs between configurations, appcmd-style edits of pools, plans that make pools
// match a desired state, and Update, which makes an edit through a store transaction
// (atomic, locked, with history) after checking it and removing the secrets of the
// history copy.
package apply
