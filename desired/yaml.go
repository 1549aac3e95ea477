package desired

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/poolctl/poolctl/parse"

	// go.yaml.in/yaml/v3 is the YAML organisation's maintained continuation of
	// gopkg.in/yaml.v3, which its author archived (read-only, no more fixes) in 2025; the
	// same API and the same YAML 1.2-leaning resolution (00:20:00 and yes are strings,
	// true is a boolean), now with a maintainer: the Go ecosystem's standard YAML module.
	yaml "go.yaml.in/yaml/v3"
)

// decodeDesiredYAML reads a YAML desired state into a tree with the position of every
// value and key, from the yaml.Node's Line and Column. Scalars keep the types yaml.v3
// resolves them to: a plain true is a boolean, a quoted "true" a string, 00:20:00 a
// string, 1000 an integer. The stream must hold one document. Anchors and aliases are
// refused: a value reached through an alias would stand at two places of the file, and
// a message about it could point at only one.
func decodeDesiredYAML(name string, data []byte) (*desiredTree, error) {
	src := newDesiredSource(name, data, true)
	if err := desiredCheckYAMLChars(src); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, desiredErrorAt(src.at(1, 1), "empty desired state: the YAML holds no document")
		}
		return nil, desiredYAMLError(src, err)
	}
	var more yaml.Node
	switch err := dec.Decode(&more); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, desiredYAMLError(src, err)
	default:
		return nil, desiredErrorAt(src.at(more.Line, more.Column), "a second YAML document starts here: a desired state is one document")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, desiredErrorAt(src.at(doc.Line, doc.Column), "the YAML holds no document")
	}
	t := newDesiredTree(src)
	v, err := (&desiredYAML{tree: t}).value(doc.Content[0], nil)
	if err != nil {
		return nil, err
	}
	t.value = v
	return t, nil
}

// desiredCheckYAMLChars reports the first byte of src that is not valid UTF-8 and the
// first character YAML does not allow, which yaml.v3 reports without a position.
func desiredCheckYAMLChars(src *desiredSource) error {
	if err := desiredCheckUTF8(src); err != nil {
		return err
	}
	for i, r := range string(src.data) {
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7E || r == 0x85 ||
			r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000) {
			return desiredErrorAt(src.pos(i), "character %U is not allowed in YAML", r)
		}
	}
	return nil
}

// desiredYAMLParserProblem reports whether msg is a problem of yaml.v3's parser (as
// opposed to its scanner), whose "line N" counts lines from 0 where the scanner's
// counts from 1.
func desiredYAMLParserProblem(msg string) bool {
	switch msg {
	case "did not find expected ',' or ']'", "did not find expected ',' or '}'",
		"did not find expected '-' indicator", "did not find expected <document start>",
		"did not find expected <stream-start>", "did not find expected key",
		"did not find expected node content", "found duplicate %TAG directive",
		"found duplicate %YAML directive", "found incompatible YAML document",
		"found undefined tag handle":
		return true
	}
	return false
}

// desiredYAMLError turns a yaml.v3 error into a *parse.Error. yaml.v3 words a syntax
// error "yaml: line N: problem", where N is the line where the construct that failed
// began (counted from 0 by the parser, from 1 by the scanner, and left out when it is
// the first), and gives no column: the error is at column 1 of that line. Errors
// about anchors have no position and are returned as they are, with the file's name.
func desiredYAMLError(src *desiredSource, err error) error {
	msg, _ := strings.CutPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, problem, _ := strings.Cut(rest, ": ")
		n, convErr := strconv.Atoi(num)
		if convErr != nil {
			return fmt.Errorf("%s: %w", src.name, err)
		}
		line, msg = n, problem
		if desiredYAMLParserProblem(msg) {
			line++
		}
	} else if strings.Contains(msg, "anchor") || strings.Contains(msg, "alias") {
		return fmt.Errorf("%s: YAML: %s", src.name, msg)
	}
	return desiredErrorAt(src.at(line, 1), "YAML syntax error: %s", msg)
}

// desiredYAML converts yaml.v3 nodes into a tree's generic values.
type desiredYAML struct {
	tree *desiredTree
}

// value converts the node n at tokens.
func (r *desiredYAML) value(n *yaml.Node, tokens []string) (any, error) {
	pos := r.tree.src.at(n.Line, n.Column)
	where := r.tree.where(tokens)
	switch {
	case len(tokens) > desiredMaxDepth:
		return nil, desiredErrorAt(pos, "%svalues are nested more than %d deep", where, desiredMaxDepth)
	case n.Kind == yaml.AliasNode || n.Anchor != "":
		return nil, desiredErrorAt(pos, "%sYAML anchors and aliases are not supported: a value reached through an alias would stand at two places of the file", where)
	}
	r.tree.values[desiredPointer(tokens)] = pos
	switch {
	case n.Kind == yaml.MappingNode && n.ShortTag() == "!!map":
		return r.mapping(n, tokens)
	case n.Kind == yaml.SequenceNode && n.ShortTag() == "!!seq":
		return r.sequence(n, tokens)
	case n.Kind == yaml.ScalarNode:
		return desiredYAMLScalar(n, pos, where)
	}
	return nil, desiredErrorAt(pos, "%sunsupported YAML tag %s", where, n.ShortTag())
}

// mapping converts a mapping node; its keys must be scalars, each once.
func (r *desiredYAML) mapping(n *yaml.Node, tokens []string) (any, error) {
	obj := map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		pos := r.tree.src.at(k.Line, k.Column)
		switch {
		case k.Kind == yaml.AliasNode || k.Anchor != "":
			return nil, desiredErrorAt(pos, "%sYAML anchors and aliases are not supported: a value reached through an alias would stand at two places of the file", r.tree.where(tokens))
		case k.Kind != yaml.ScalarNode:
			return nil, desiredErrorAt(pos, "%sa key must be a scalar, not a YAML %s", r.tree.where(tokens), k.ShortTag())
		case k.ShortTag() == "!!merge":
			return nil, desiredErrorAt(pos, "%sYAML merge keys (<<) are not supported", r.tree.where(tokens))
		}
		sub := append(slices.Clip(tokens), k.Value)
		if err := r.tree.addKey(tokens, sub, pos); err != nil {
			return nil, err
		}
		v, err := r.value(n.Content[i+1], sub)
		if err != nil {
			return nil, err
		}
		obj[k.Value] = v
	}
	return obj, nil
}

// sequence converts a sequence node.
func (r *desiredYAML) sequence(n *yaml.Node, tokens []string) (any, error) {
	arr := make([]any, 0, len(n.Content))
	for i, c := range n.Content {
		v, err := r.value(c, append(slices.Clip(tokens), strconv.Itoa(i)))
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
	return arr, nil
}

// desiredYAMLScalar converts a scalar by the tag yaml.v3 resolved: strings (and
// timestamps, kept as written) are strings, booleans booleans, integers and floats
// json.Numbers, null nil.
func desiredYAMLScalar(n *yaml.Node, pos parse.Pos, where string) (any, error) {
	switch tag := n.ShortTag(); tag {
	case "!!str", "!!timestamp":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, desiredYAMLDecodeError(err, pos, where, n.Value)
	case "!!int":
		return desiredYAMLInt(n, pos, where)
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, desiredYAMLDecodeError(err, pos, where, n.Value)
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, desiredErrorAt(pos, "%s%s is not a finite number", where, n.Value)
		}
		if v := n.Value; json.Valid([]byte(v)) && (v[0] == '-' || '0' <= v[0] && v[0] <= '9') {
			return json.Number(v), nil // as written, for messages
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	default:
		return nil, desiredErrorAt(pos, "%sunsupported YAML tag %s", where, tag)
	}
}

// desiredYAMLInt converts an integer scalar, in any base YAML allows, to a decimal
// json.Number.
func desiredYAMLInt(n *yaml.Node, pos parse.Pos, where string) (any, error) {
	var i int64
	if err := n.Decode(&i); err == nil {
		return json.Number(strconv.FormatInt(i, 10)), nil
	}
	var u uint64
	if err := n.Decode(&u); err != nil {
		return nil, desiredErrorAt(pos, "%sinteger %s is out of range", where, n.Value)
	}
	return json.Number(strconv.FormatUint(u, 10)), nil
}

// desiredYAMLDecodeError words an error decoding a resolved scalar.
func desiredYAMLDecodeError(err error, pos parse.Pos, where, value string) error {
	if err == nil {
		return nil
	}
	return desiredErrorAt(pos, "%sinvalid YAML scalar %q: %v", where, value, err)
}
