package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/validate"
)

// stdinName is the file name of standard input in diagnostics.
const stdinName = validate.StdinName

// lintInput is one file to lint: a path, or standard input.
type lintInput struct {
	path  string
	stdin bool
}

// lint lints the input; reading standard input or an unreadable file is an error, and
// so is an input larger than the limit of opt.Read. read is told the size of standard
// input once it is read, before it is linted.
func (in lintInput) lint(stdin io.Reader, opt validate.Options, read func(size int64)) ([]validate.Diagnostic, error) {
	if !in.stdin {
		ds, err := validate.LintFile(in.path, opt)
		return ds, limitHint(err)
	}
	src, err := readInput(stdin, "-", opt.Read)
	if err != nil {
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	read(int64(len(src)))
	return validate.LintBytes(stdinName, src, opt)
}

// lintInputs turns lint's arguments into files: each file as given, each directory's
// *.config files whose root element is <configuration> (configSource parts and other
// XML are linted through the file that names them), "-" for standard input, and the
// configuration file of the global flags when there are no arguments.
func lintInputs(g *globalOptions, args []string) ([]lintInput, error) {
	if len(args) == 0 {
		path, _ := g.configPath()
		if _, err := os.Stat(path); err != nil {
			_, err := g.load() // for its message, which says how the path was chosen
			return nil, err
		}
		return []lintInput{{path: path}}, nil
	}
	var inputs []lintInput
	for _, arg := range args {
		if arg == "-" {
			inputs = append(inputs, lintInput{stdin: true})
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			inputs = append(inputs, lintInput{path: arg})
			continue
		}
		found, err := configFiles(arg)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *.config file with a <configuration> root in this directory or below", arg)
		}
		inputs = append(inputs, found...)
	}
	return inputs, nil
}

// configFiles walks dir for *.config files (any letter case) whose root element is
// <configuration>, in lexical order.
func configFiles(dir string) ([]lintInput, error) {
	var out []lintInput
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".config") {
			return nil
		}
		if isConfigurationRoot(path) {
			out = append(out, lintInput{path: path})
		}
		return nil
	})
	slices.SortFunc(out, func(a, b lintInput) int { return strings.Compare(a.path, b.path) })
	return out, err
}

// isConfigurationRoot reports whether path is an XML file whose root is
// <configuration>, or a file too broken to tell: lint then reports why.
func isConfigurationRoot(path string) bool {
	doc, err := parse.ReadFile(path, parse.Options{})
	if err != nil {
		return true
	}
	r := doc.Root()
	return r == nil || r.FullTag() == "configuration"
}
