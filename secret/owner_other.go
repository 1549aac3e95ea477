//go:build !unix && !windows

package secret

import "io/fs"

// fileOwner reports no owner: this OS (Plan 9, WebAssembly) gives none in a
// FileInfo, so the key file's check reads its mode alone.
func fileOwner(fs.FileInfo) (int, bool) { return 0, false }
