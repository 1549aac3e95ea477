package printers

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/poolctl/poolctl/apply"

	"github.com/poolctl/poolctl/parse"
)

// Texts printed in place of an encrypted attribute's values.
const (
	diffSecretDiffers = "differs (not shown)"
	diffSecretSet     = "set (not shown)"
)

// diffDeclaredNote ends the last line when the pools' declared values were compared.
const diffDeclaredNote = " (declared values)"

// WriteDiffText writes d for a reader: "no differences" when it is empty, else a
// "--- A" and "+++ B" header, one line for the defaults and for each pool ("~" changed,
// "+" added, "-" removed) with its positions, indented lines for its attributes and
// collection items, each value followed by its origin ("pool", "applicationPoolDefaults"
// with the file:line:col where it is written, or "default"), and a summary line.
// Encrypted values are never written.
func WriteDiffText(w io.Writer, d *apply.Difference) error {
	var b bytes.Buffer
	if d.Equal() {
		b.WriteString("no differences" + diffModeNote(d) + "\n")
	} else {
		fmt.Fprintf(&b, "--- %s\n+++ %s\n", diffShown(d.A), diffShown(d.B))
		if d.Defaults != nil {
			writeDiffEntryText(&b, "applicationPoolDefaults", d.Defaults)
		}
		for i := range d.Pools {
			writeDiffEntryText(&b, fmt.Sprintf("pool %q", d.Pools[i].Name), &d.Pools[i])
		}
		b.WriteString(diffSummary(d) + diffModeNote(d) + "\n")
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

// writeDiffEntryText writes one entry: its header line, then its attributes and items.
func writeDiffEntryText(b *bytes.Buffer, label string, e *apply.EntryDiff) {
	fmt.Fprintf(b, "%s %s%s\n", e.Change.Symbol(), label, diffPositions(e.PosA, e.PosB))
	for _, a := range e.Attrs {
		fmt.Fprintf(b, "    %s: %s\n", a.Path, diffAttrText(a, e.Change))
	}
	for _, it := range e.Items {
		fmt.Fprintf(b, "    %s %s %s (%s)\n", it.Change.Symbol(), it.Collection, diffItemLabel(it),
			diffOrigins(it.Change, diffOrigin(it.OriginA, it.PosA), diffOrigin(it.OriginB, it.PosB)))
		for _, a := range it.Attrs {
			name := strings.TrimPrefix(a.Path, it.Collection+"[].")
			fmt.Fprintf(b, "        %s: %s\n", name, diffAttrText(a, it.Change))
		}
	}
}

// diffPositions returns the valid positions of an entry as " (a:1:2, b:3:4)", or "".
func diffPositions(ps ...parse.Pos) string {
	var valid []string
	for _, p := range ps {
		if p.IsValid() {
			valid = append(valid, diffShown(p.String()))
		}
	}
	if len(valid) == 0 {
		return ""
	}
	return " (" + strings.Join(valid, ", ") + ")"
}

// diffModeNote returns what ends the last line: diffDeclaredNote for a comparison of
// declared values, else "".
func diffModeNote(d *apply.Difference) string {
	if d.Declared {
		return diffDeclaredNote
	}
	return ""
}

// diffAttrText returns what changed in an attribute of an entry or item of kind k, each
// value with its origin: "old (origin) → new (origin)" for a change, the one value of an
// added or removed entry, and no value at all for a secret: "differs (not shown), origin
// → origin".
func diffAttrText(a apply.AttrDiff, k apply.DiffKind) string {
	oa, ob := diffOrigin(a.OriginA, a.PosA), diffOrigin(a.OriginB, a.PosB)
	switch {
	case a.Secret && k == apply.DiffChanged:
		return diffSecretDiffers + ", " + diffOrigins(k, oa, ob)
	case a.Secret:
		return diffSecretSet + ", " + diffOrigins(k, oa, ob)
	case k == apply.DiffAdded:
		return diffShown(a.New) + " (" + ob + ")"
	case k == apply.DiffRemoved:
		return diffShown(a.Old) + " (" + oa + ")"
	}
	return diffShown(a.Old) + " (" + oa + ") → " + diffShown(a.New) + " (" + ob + ")"
}

// diffOrigin returns where a value comes from, as printed: "default", or the origin and
// the position where it is written ("pool b.config:4:37").
func diffOrigin(o parse.Origin, p parse.Pos) string {
	if o == parse.FromSchema || !p.IsValid() {
		return parse.FromSchema.String()
	}
	return o.String() + " " + diffShown(p.String())
}

// diffOrigins returns the origins of the sides that an entry or item of kind k has:
// "oa → ob" for a change, the one origin otherwise.
func diffOrigins(k apply.DiffKind, oa, ob string) string {
	switch k {
	case apply.DiffAdded:
		return ob
	case apply.DiffRemoved:
		return oa
	}
	return oa + " → " + ob
}

// diffItemLabel returns an item's key as printed, with its directive when it is not an add:
// "03:00:00", "<remove> TEMP", "<clear>".
func diffItemLabel(it apply.ItemDiff) string {
	switch {
	case it.Directive == "":
		return diffShown(it.Key)
	case it.Key == "":
		return "<" + it.Directive + ">"
	}
	return "<" + it.Directive + "> " + diffShown(it.Key)
}

// diffSummary returns the last line: the number of pools added, removed and changed,
// and whether the defaults changed.
func diffSummary(d *apply.Difference) string {
	n := make(map[apply.DiffKind]int, 3)
	for _, e := range d.Pools {
		n[e.Change]++
	}
	s := fmt.Sprintf("pools: %d added, %d removed, %d changed", n[apply.DiffAdded], n[apply.DiffRemoved], n[apply.DiffChanged])
	if d.Defaults != nil {
		s += "; applicationPoolDefaults changed"
	}
	return s
}

// diffShown returns s as it can stand on a line of the text form: quoted when it is
// empty, has spaces at its ends, holds a character that is not printable (a control or
// formatting character, a space other than U+0020) or is not valid UTF-8, as it is
// otherwise.
func diffShown(s string) string {
	if s == "" || strings.TrimSpace(s) != s || !utf8.ValidString(s) || strings.ContainsFunc(s, diffNotPrintable) {
		return strconv.Quote(s)
	}
	return s
}

// diffNotPrintable reports whether strconv.Quote would escape r.
func diffNotPrintable(r rune) bool { return !strconv.IsPrint(r) }
