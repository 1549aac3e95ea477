package printers

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/poolctl/poolctl/parse"
)

// WriteShowList writes one line per pool, with a header: name, .NET runtime version,
// pipeline mode, identity, autoStart and the number of applications that use it,
// each value the effective one.
func WriteShowList(w io.Writer, cfg *parse.Config, pools []*parse.Pool) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRUNTIME\tPIPELINE\tIDENTITY\tAUTOSTART\tAPPS")
	for _, p := range pools {
		text := func(path string) string { s, _ := p.Setting(path); return s.Text }
		runtime := text("managedRuntimeVersion")
		if runtime == "" {
			runtime = "No Managed Code"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", p.Name, runtime, text("managedPipelineMode"),
			text("processModel.identityType"), autoStartText(text("autoStart")), appCount(cfg, p.Name))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// autoStartText spells a boolean as IIS does.
func autoStartText(s string) string {
	if b, err := strconv.ParseBool(s); err == nil {
		return strconv.FormatBool(b)
	}
	return s
}

// appCount counts the applications that run in the pool name.
func appCount(cfg *parse.Config, name string) int {
	n := 0
	for _, app := range cfg.Applications() {
		if app.PoolOrigin != parse.PoolUnset && strings.EqualFold(app.Pool, name) {
			n++
		}
	}
	return n
}
