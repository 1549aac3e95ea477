package printers

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteShowText writes pools in show's text form: for each pool a header line, an
// aligned table of settings (path, value, origin, position), one line for each
// collection and one for the applications that use it, with a blank line between
// pools.
func WriteShowText(w io.Writer, pools []ShowPool) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	for i, p := range pools {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "pool %q (%s)\n", p.Name, p.Position)
		if len(p.Settings) == 0 {
			fmt.Fprintln(tw, "  (every setting is the schema default)")
		}
		for _, s := range p.Settings {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Path, Cell(s.Value), s.Origin, OrDash(s.Position))
		}
		for _, c := range p.Collections {
			fmt.Fprintf(tw, "  %s: %s\n", c.Path, itemsText(c.Items))
		}
		fmt.Fprintf(tw, "  used by: %s\n", applicationsText(p.Applications))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// itemsText lists collection items as "03:00:00 (pool), 15:00:00 (pool)", or says
// there are none.
func itemsText(items []ShowItem) string {
	if len(items) == 0 {
		return "(none)"
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("%s (%s)", Cell(it.Key), it.Origin)
	}
	return strings.Join(parts, ", ")
}

// applicationsText lists applications as "Default Web Site/, Shop/api (site
// applicationDefaults)", or says there are none.
func applicationsText(apps []ShowApplication) string {
	if len(apps) == 0 {
		return "no application"
	}
	parts := make([]string, len(apps))
	for i, a := range apps {
		parts[i] = a.Name
		if a.Via != "" {
			parts[i] += " (" + a.Via + ")"
		}
	}
	return strings.Join(parts, ", ")
}
