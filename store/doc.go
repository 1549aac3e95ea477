// Package store writes configuration files so that nothing is lost: atomic
// replacement that keeps the file's owner and permissions, a lock that makes writers
// take turns, a history of previous contents, and the refusal of a write when the
// file changed since it was read. It is the only code of the configuration half that
// differs by operating system (the _unix and _windows files).
package store
