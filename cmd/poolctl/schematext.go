package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/schema"
)

// writeSchemaText writes the pool attributes of s as an aligned table, one attribute
// a row, with a header row. The columns that can be long, the default and the enum or
// flags names, come last.
func writeSchemaText(w io.Writer, s *schema.Schema) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PATH\tTYPE\tSINCE\tVALIDATION\tDEFAULT\tVALUES")
	for _, pa := range schema.Flatten(s.Pool()) {
		a := pa.Attribute
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			pa.Path, typeText(a), a.Since, printers.OrDash(validationText(a.Validation)), defaultText(a), printers.OrDash(valuesText(a)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// typeText returns the attribute's type, followed by "required" and "encrypted" when
// they apply: "string, required".
func typeText(a *schema.Attribute) string {
	t := a.Type.String()
	if a.Required {
		t += ", required"
	}
	if a.Encrypted {
		t += ", encrypted"
	}
	return t
}

// defaultText returns the attribute's default as the schema writes it, quoted when it
// is empty or holds a control character, or "-" when the schema gives none.
func defaultText(a *schema.Attribute) string {
	if !a.HasDefault {
		return "-"
	}
	return printers.Cell(a.Default)
}

// validationText describes a validator: "integerRange 10..65535", "timeSpanRange
// 0..2592000s step 60s", "applicationPoolName". An exclusive range reads "outside":
// "integerRange outside 0..0". It returns "" for no validator.
func validationText(v *schema.Validation) string {
	if v == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(v.Kind.String())
	switch v.Kind {
	case schema.IntegerRange, schema.TimeSpanRange:
		unit := ""
		if v.Kind == schema.TimeSpanRange {
			unit = "s"
		}
		b.WriteString(" ")
		if v.Exclude {
			b.WriteString("outside ")
		}
		fmt.Fprintf(&b, "%d..%d%s", v.Min, v.Max, unit)
		if v.Kind == schema.TimeSpanRange && v.Granularity > 0 {
			fmt.Fprintf(&b, " step %ds", v.Granularity)
		}
	}
	return b.String()
}

// valuesText lists an enum's names separated by "|" ("Integrated|Classic") and a
// flags attribute's names separated by "," ("Time,Requests,Schedule"), since flags
// combine. It returns "" for other types.
func valuesText(a *schema.Attribute) string {
	switch a.Type {
	case schema.Enum:
		return joinNames(a.Enum, "|")
	case schema.Flags:
		return joinNames(a.Flags, ",")
	}
	return ""
}

// joinNames joins the names of values with sep.
func joinNames(values []schema.EnumValue, sep string) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = v.Name
	}
	return strings.Join(names, sep)
}
