// Command loadconfig parses an applicationHost.config and resolves the effective
// configuration of every pool (every attribute and collection) and the pool of every
// application, the work that bench/parse.sh times against xmllint --noout.
package main

import (
	"fmt"
	"os"

	"github.com/poolctl/poolctl/parse"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: loadconfig FILE")
		os.Exit(2)
	}
	n, err := resolve(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadconfig:", err)
		os.Exit(1)
	}
	if os.Getenv("LOADCONFIG_VERBOSE") != "" {
		fmt.Fprintf(os.Stderr, "%d pools, %d settings, %d collection items, %d applications\n", n.pools, n.settings, n.items, n.apps)
	}
}

type counts struct{ pools, settings, items, apps int }

func resolve(path string) (counts, error) {
	var n counts
	c, err := parse.Load(path, parse.LoadOptions{})
	if err != nil {
		return n, err
	}
	for _, p := range c.Pools() {
		n.pools++
		for _, s := range p.Settings() {
			if s.Origin != parse.FromSchema {
				n.settings++
			}
		}
		for _, cp := range p.CollectionPaths() {
			items, _ := p.Collection(cp)
			n.items += len(items)
		}
	}
	for _, a := range c.Applications() {
		if c.Pool(a.Pool) != nil {
			n.apps++
		}
	}
	return n, nil
}
