package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// editOptions are the flags of the commands that change the configuration file: set,
// add, delete and apply.
type editOptions struct {
	write writeOptions
	force bool
}

// addFlags declares the flags on cmd.
func (o *editOptions) addFlags(cmd *cobra.Command) {
	o.write.addFlags(cmd)
	cmd.Flags().BoolVar(&o.force, "force", false, "write an edit even when lint finds errors in it")
}

// editFunc makes the changes of one command with an editor of the file's pools.
type editFunc func(ed *apply.Editor) error

// runEdit changes the configuration file with f under the write layer's lock and
// writes the changes atomically with a history copy of the previous content, unless
// the whole file as they leave it has lint errors it had not before (apply.Update's
// check; --force skips it). It prints the changes, or "No changes.", and returns
// whether it wrote.
func runEdit(cmd *cobra.Command, g *globalOptions, o *editOptions, f editFunc) (bool, error) {
	path, how := g.configPath()
	heapForInput(fileSize(path), g.getenv)
	target, err := g.schema(g.target)
	if err != nil {
		return false, err
	}
	key, err := g.key()
	if err != nil {
		return false, err
	}
	var changes []apply.Change
	var notes []string
	change := func(doc *parse.Document) error {
		ed, err := apply.NewEditor(doc, target)
		if err != nil {
			return err
		}
		if err := g.seal(ed, key); err != nil {
			return err
		}
		if err := f(ed); err != nil {
			return err
		}
		changes, notes = ed.Changes, ed.Notes
		return nil
	}
	var res apply.UpdateResult
	path, err = inSectionFile(path, func(path, main string) (err error) {
		opt, err := checkedUpdate(&o.write, g, key, o.force, cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		opt.Main = main
		res, err = apply.Update(cmd.Context(), path, opt, change)
		return err
	})
	if err != nil {
		return false, editError(fileError(path, how, err))
	}
	for _, n := range notes {
		fmt.Fprintf(cmd.ErrOrStderr(), "poolctl: note: %s\n", n)
	}
	return res.Changed, reportEdit(cmd.OutOrStdout(), path, changes, res)
}

// inSectionFile runs f on the configuration file path (main empty) and, when the
// applicationPools section is in a configSource file, once more on that file (main
// path, which the check of an edit lints with it). It returns the file f ran on last.
func inSectionFile(path string, f func(path, main string) error) (string, error) {
	err := f(path, "")
	cse, ok := errors.AsType[*apply.ConfigSourceError](err)
	if !ok {
		return path, err
	}
	main := path
	if path, err = cse.Path(); err != nil {
		return path, err
	}
	return path, f(path, main)
}

// checkedUpdate returns the update options of the write flags w, with the input limit
// and lock wait of g (its notice going to stderr) and the check of every write for the
// target version of g, skipped when force.
func checkedUpdate(w *writeOptions, g *globalOptions, key *secret.Key, force bool, stderr io.Writer) (apply.UpdateOptions, error) {
	opt := w.updateOptions(key)
	ro, err := g.readOptions()
	if err != nil {
		return opt, err
	}
	if opt.Wait, err = g.lockWait(stderr); err != nil {
		return opt, err
	}
	opt.Read = ro
	opt.Lint.Target = g.target
	opt.Force = force
	return opt, nil
}

// editError turns a refused edit into poolctl's message and exit code 1: the edit was
// understood, and lint found errors in it.
func editError(err error) error {
	ce, ok := errors.AsType[*apply.CheckError](err)
	if !ok {
		return err
	}
	return &exitError{code: exitFindings, err: fmt.Errorf("refused, nothing was written (--force writes it anyway): lint finds errors the edit brings:\n%s", indentLines(ce.Error()))}
}

// reportEdit prints the changes and what was written.
func reportEdit(w io.Writer, path string, changes []apply.Change, res apply.UpdateResult) error {
	if err := printers.WritePlan(w, changes); err != nil {
		return err
	}
	if !res.Changed {
		return nil
	}
	msg := fmt.Sprintf("Wrote %s.", path)
	if res.Snapshot.Path != "" {
		msg = fmt.Sprintf("Wrote %s; the previous content is %s.", path, res.Snapshot.Path)
	}
	_, err := fmt.Fprintln(w, msg)
	return err
}

// indentLines indents each line of s by two spaces.
func indentLines(s string) string {
	var out []byte
	start := true
	for i := 0; i < len(s); i++ {
		if start {
			out = append(out, ' ', ' ')
		}
		out = append(out, s[i])
		start = s[i] == '\n'
	}
	return string(out)
}

// parseOps parses edits of a pool for the target version's commands; paths are read
// with the newest schema (and the file's schema extensions), so that lint says which
// version an attribute needs.
func parseOps(g *globalOptions, args []string) ([]apply.Op, error) {
	latest, err := g.schema(schema.IIS10)
	if err != nil {
		return nil, err
	}
	pool := latest.Pool()
	ops := make([]apply.Op, 0, len(args))
	for _, a := range args {
		op, err := apply.ParseOp(a, pool)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}
