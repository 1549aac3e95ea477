//go:build !unix

package secret

import "io/fs"

// fileOwner reports no owner: outside Unix a file's owner is in its ACL, which
// the key file's permission check reads separately.
func fileOwner(fs.FileInfo) (int, bool) { return 0, false }
