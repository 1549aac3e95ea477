package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/cmd/poolctl/appcmd"
	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/printers"
)

// appcmdList runs "list apppool": the file's pools, filtered, in one of appcmd's forms.
func appcmdList(cmd *cobra.Command, g *globalOptions, a *adminOptions, l appcmd.Line) error {
	cfg, err := g.load()
	if err != nil {
		return err
	}
	live, err := liveStates(cmd, g, a)
	if err != nil {
		return err
	}
	format, filters, err := listParams(l.Params)
	if err != nil {
		return err
	}
	var pools []appcmd.Pool
	for _, p := range cfg.Pools() {
		if l.ID != "" && !strings.EqualFold(p.Name, l.ID) {
			continue
		}
		ap := appcmdPool(p, live)
		match, unknown := ap.Matches(filters)
		if unknown != "" {
			return appcmd.UnknownAttribute(unknown)
		}
		if match {
			pools = append(pools, ap)
		}
	}
	if l.ID != "" && len(pools) == 0 && cfg.Pool(l.ID) == nil {
		return appcmdNotFound(l.ID, cfg)
	}
	out := cmd.OutOrStdout()
	switch {
	case format == "xml":
		return appcmd.WriteXML(out, pools)
	case format == "*":
		return appcmd.WriteDetail(out, pools)
	case format != "":
		return appcmd.WriteAttr(out, pools, format)
	}
	return appcmd.WriteList(out, pools)
}

// listParams splits list's parameters into the output form ("", "*", an attribute or
// "xml") and the attribute filters.
func listParams(params []string) (string, []appcmd.Filter, error) {
	format := ""
	var filters []appcmd.Filter
	for _, p := range params {
		low := strings.ToLower(p)
		switch {
		case low == "/xml":
			format = "xml"
		case low == "/text":
		case strings.HasPrefix(low, "/text:"):
			format = p[len("/text:"):]
		default:
			f, ok := appcmd.Split(p)
			if !ok {
				return "", nil, appcmd.UnknownAttribute(strings.TrimPrefix(p, "/"))
			}
			filters = append(filters, f)
		}
	}
	return format, filters, nil
}

// appcmdPool gathers what appcmd shows of p: live states by pool name (lower case),
// or nil to take the state from autoStart.
func appcmdPool(p *parse.Pool, live map[string]string) appcmd.Pool {
	text := func(path string) string { s, _ := p.Setting(path); return s.Text }
	state := "Started"
	if live != nil {
		if state = live[strings.ToLower(p.Name)]; state == "" {
			state = "Unknown"
		}
	} else if strings.EqualFold(text("autoStart"), "false") {
		state = "Stopped"
	}
	ap := appcmd.Pool{Name: p.Name, RuntimeVersion: text("managedRuntimeVersion"),
		PipelineMode: text("managedPipelineMode"), State: state, Config: appcmd.Element{Name: "add"}}
	for _, s := range p.Settings() {
		v := s.Text
		if s.Attr.Encrypted && v != "" {
			v = printers.Hidden
		}
		elem, name := &ap.Config, s.Path
		if i := strings.LastIndexByte(s.Path, '.'); i >= 0 {
			elem, name = descendElement(elem, s.Path[:i]), s.Path[i+1:]
		}
		elem.Attrs = append(elem.Attrs, appcmd.Attr{Name: name, Value: v})
	}
	for _, path := range p.CollectionPaths() {
		items, _ := p.Collection(path)
		coll := descendElement(&ap.Config, path)
		for _, it := range items {
			add := &appcmd.Element{Name: "add"}
			for _, at := range it.Element.Attr {
				add.Attrs = append(add.Attrs, appcmd.Attr{Name: at.Key, Value: at.Value})
			}
			coll.Children = append(coll.Children, add)
		}
	}
	return ap
}

// descendElement returns the element at a dotted path beneath e, adding those missing.
func descendElement(e *appcmd.Element, path string) *appcmd.Element {
	for seg := range strings.SplitSeq(path, ".") {
		e = e.Child(seg)
	}
	return e
}

// appcmdNotFound is appcmd's error for a pool that cfg does not have.
func appcmdNotFound(name string, cfg *parse.Config) error {
	e := appcmd.NotFound(name)
	e.Detail = "pools: " + poolNames(cfg)
	return e
}
