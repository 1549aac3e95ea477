// Command genconfig writes a synthetic applicationHost.config for benchmarks: by
// default 10,000 pools and 10,000 sites, with a UTF-8 BOM, CRLF line endings and
// customised processModel, recycling and failure elements on every pool.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/poolctl/poolctl/internal/synth"
)

func main() {
	pools := flag.Int("pools", 10000, "number of application pools")
	sites := flag.Int("sites", 10000, "number of sites")
	out := flag.String("o", "", "output file (default standard output)")
	flag.Parse()
	if err := run(*out, synth.Options{Pools: *pools, Sites: *sites}); err != nil {
		fmt.Fprintln(os.Stderr, "genconfig:", err)
		os.Exit(1)
	}
}

func run(out string, o synth.Options) error {
	if out == "" {
		return synth.Write(os.Stdout, o)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := synth.Write(f, o); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	return f.Close()
}
