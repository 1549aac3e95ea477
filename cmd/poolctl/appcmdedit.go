package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/apply"
	"github.com/poolctl/poolctl/cmd/poolctl/appcmd"
	"github.com/poolctl/poolctl/schema"
)

// poolsSection is the section that appcmd's set config may name.
const poolsSection = "system.applicationHost/applicationPools"

// appcmdEdit runs add, set and delete apppool with poolctl's editor, and prints
// appcmd's message.
func appcmdEdit(cmd *cobra.Command, g *globalOptions, o *editOptions, l appcmd.Line) error {
	if l.ID == "" {
		if l.Verb == "add" {
			return fmt.Errorf("add apppool: give the pool's name: /name:NAME")
		}
		return fmt.Errorf("%s apppool: give the pool: NAME or /apppool.name:NAME", l.Verb)
	}
	if l.Verb == "delete" && len(l.Params) > 0 {
		return fmt.Errorf("delete apppool: %q: delete takes only the pool", l.Params[0])
	}
	ops, err := appcmdOps(g, l.Params)
	if err != nil {
		return err
	}
	name := l.ID
	err = appcmdRunEdit(cmd, g, o, func(ed *apply.Editor) error {
		switch l.Verb {
		case "add":
			p, err := ed.AddPool(l.ID)
			if err != nil {
				return appcmd.Duplicate(l.ID)
			}
			return applyOps(ed, p, apply.PoolScope(l.ID), ops)
		case "delete":
			if name, err = editorPool(ed, l.ID); err != nil {
				return err
			}
			return ed.DeletePool(l.ID)
		}
		if name, err = editorPool(ed, l.ID); err != nil {
			return err
		}
		return setOps(ed, l.ID, ops)
	})
	if err != nil {
		return err
	}
	msg := map[string]func(string) string{"add": appcmd.Added, "set": appcmd.Changed, "delete": appcmd.Deleted}[l.Verb]
	return printLine(cmd, msg(name))
}

// editorPool returns the name of the pool name as the file writes it, or appcmd's
// error when there is none.
func editorPool(ed *apply.Editor, name string) (string, error) {
	for _, n := range ed.PoolNames() {
		if strings.EqualFold(n, name) {
			return n, nil
		}
	}
	e := appcmd.NotFound(name)
	e.Detail = "pools: " + listNames(ed.PoolNames())
	return "", e
}

// appcmdOps reads appcmd's /attr:value, /+coll.[...] and /-coll.[...] as edits of a pool.
func appcmdOps(g *globalOptions, params []string) ([]apply.Op, error) {
	latest, err := g.schema(schema.IIS10)
	if err != nil {
		return nil, err
	}
	pool := latest.Pool()
	args := make([]string, len(params))
	for i, p := range params {
		c, err := appcmd.Canonical(pool, p)
		if err != nil {
			return nil, err
		}
		args[i] = c
	}
	return parseOps(g, args)
}

// appcmdRunEdit runs poolctl's edit with f, its list of changes going to stderr so
// that stdout has appcmd's lines only.
func appcmdRunEdit(cmd *cobra.Command, g *globalOptions, o *editOptions, f editFunc) error {
	out := cmd.OutOrStdout()
	cmd.SetOut(cmd.ErrOrStderr())
	defer cmd.SetOut(out)
	_, err := runEdit(cmd, g, o, f)
	return err
}

// appcmdSetConfig runs "set config -section:system.applicationHost/applicationPools".
func appcmdSetConfig(cmd *cobra.Command, g *globalOptions, o *editOptions, l appcmd.Line) error {
	if err := checkSection(l); err != nil {
		return err
	}
	params := make([]appcmd.ConfigParam, len(l.Params))
	opsOf := make([][]apply.Op, len(l.Params))
	for i, p := range l.Params {
		cp, err := appcmd.ParseConfigParam(p)
		if err != nil {
			return err
		}
		var args []string
		switch cp.Target {
		case appcmd.Defaults, appcmd.PoolAttr:
			args = []string{cp.Param}
		case appcmd.AddPool:
			for _, a := range cp.Attrs {
				args = append(args, "/"+a.Name+":"+a.Value)
			}
		}
		if opsOf[i], err = appcmdOps(g, args); err != nil {
			return err
		}
		params[i] = cp
	}
	err := appcmdRunEdit(cmd, g, o, func(ed *apply.Editor) error {
		for i, cp := range params {
			if err := applyConfigParam(ed, cp, opsOf[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return printLine(cmd, appcmd.AppliedSection(poolsSection))
}

// checkSection refuses what set config may not do here: another section, a path
// below the server level, or a commit path other than apphost.
func checkSection(l appcmd.Line) error {
	if l.Section == "" {
		return fmt.Errorf("set config: give -section:%s", poolsSection)
	}
	if !strings.EqualFold(l.Section, poolsSection) && !strings.EqualFold(l.Section, "applicationPools") {
		return &appcmd.Error{Message: fmt.Sprintf("Unknown config section %q.", l.Section),
			Detail: "poolctl appcmd edits only the section " + poolsSection}
	}
	if l.ID != "" {
		return fmt.Errorf("set config %q: the application pools are configured for the server only (MACHINE/WEBROOT/APPHOST): leave out the path", l.ID)
	}
	if c := strings.ToLower(l.Commit); c != "" && c != "apphost" && c != "machine/webroot/apphost" {
		return fmt.Errorf("set config: /commit:%s: the application pools are committed to applicationHost.config only (/commit:apphost)", l.Commit)
	}
	return nil
}

// applyConfigParam makes the edit of one set config parameter.
func applyConfigParam(ed *apply.Editor, cp appcmd.ConfigParam, ops []apply.Op) error {
	switch cp.Target {
	case appcmd.Defaults:
		return setOps(ed, "", ops)
	case appcmd.AddPool:
		p, err := ed.AddPool(cp.Pool)
		if err != nil {
			return appcmd.Duplicate(cp.Pool)
		}
		return applyOps(ed, p, apply.PoolScope(cp.Pool), ops)
	}
	if _, err := editorPool(ed, cp.Pool); err != nil {
		return &appcmd.Error{Message: "Cannot find requested collection element.", Detail: fmt.Sprintf("no pool %q (pools: %s)", cp.Pool, listNames(ed.PoolNames()))}
	}
	if cp.Target == appcmd.RemovePool {
		return ed.DeletePool(cp.Pool)
	}
	return setOps(ed, cp.Pool, ops)
}
