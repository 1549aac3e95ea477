package validate

import (
	"strings"
	"unicode"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
)

// suppressPrefix starts a comment that silences rules on the next line:
//
//	<!-- poolctl:disable PC301 -->
//	<processModel identityType="SpecificUser" userName="svc" password="secret" />
//
// Several rules are separated by commas or spaces; IDs and names both work.
const suppressPrefix = "poolctl:disable"

// applySuppressions drops findings on a line whose previous line ends with a
// poolctl:disable comment naming their rule.
func (p *pass) applySuppressions() {
	type key struct {
		file string
		line int
	}
	silenced := map[key]map[string]bool{}
	for _, doc := range p.cfg.Documents() {
		doc.Comments(func(c *etree.Comment, _, end parse.Pos) {
			ids, ok := suppressedRules(c.Data)
			if !ok {
				return
			}
			k := key{doc.Name, end.Line + 1}
			if silenced[k] == nil {
				silenced[k] = map[string]bool{}
			}
			for _, id := range ids {
				silenced[k][id] = true
			}
		})
	}
	out := p.diags[:0]
	for _, d := range p.diags {
		if !silenced[key{d.File, d.Line}][d.Rule] {
			out = append(out, d)
		}
	}
	p.diags = out
}

// suppressedRules parses a comment's text; ok is false when it is not a poolctl:disable
// comment. Unknown IDs are ignored.
func suppressedRules(text string) ([]string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(text), suppressPrefix)
	if !ok {
		return nil, false
	}
	var ids []string
	for _, f := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if r, ok := Lookup(f); ok {
			ids = append(ids, r.ID)
		}
	}
	return ids, true
}
