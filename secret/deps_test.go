package secret

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportsNoPoolctlPackage checks that secret, and what it imports, depends on no
// poolctl package but internal ones: the caller, not secret, knows configurations.
func TestImportsNoPoolctlPackage(t *testing.T) {
	const module = "github.com/poolctl/poolctl/"
	seen := map[string]bool{}
	var walk func(name, dir string)
	walk = func(name, dir string) {
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range pkg.Imports {
			rel, ok := strings.CutPrefix(path, module)
			if !ok || seen[rel] {
				continue
			}
			seen[rel] = true
			if !strings.HasPrefix(rel, "internal/") {
				t.Errorf("%s imports %s: secret may import only the module's internal packages", name, path)
				continue
			}
			walk(rel, filepath.Join("..", filepath.FromSlash(rel)))
		}
	}
	walk("secret", ".")
}
