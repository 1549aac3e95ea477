package desired

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// decodeDesiredJSON reads a JSON desired state into a tree with the position of every
// value and key. Positions come from byte offsets: json.Unmarshal's syntax check gives
// the offset of a syntax error, and json.Decoder.InputOffset the offset of every token
// of the (then valid) text.
func decodeDesiredJSON(name string, data []byte) (*desiredTree, error) {
	src := newDesiredSource(name, data, false)
	if err := desiredCheckUTF8(src); err != nil {
		return nil, err
	}
	body := bytes.TrimPrefix(data, []byte(desiredBOM))
	base := len(data) - len(body)
	if err := json.Unmarshal(body, new(json.RawMessage)); err != nil {
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		off := base + int(se.Offset)
		if !strings.HasPrefix(se.Error(), "unexpected end") {
			off-- // Offset counts the offending byte
		}
		return nil, desiredErrorAt(src.pos(off), "JSON syntax error: %v", se)
	}
	r := &desiredJSON{tree: newDesiredTree(src), dec: json.NewDecoder(bytes.NewReader(body)), base: base}
	r.dec.UseNumber()
	v, err := r.value(nil)
	if err != nil {
		return nil, err
	}
	r.tree.value = v
	return r.tree, nil
}

// desiredCheckUTF8 reports the first byte of src that is not valid UTF-8.
func desiredCheckUTF8(src *desiredSource) error {
	for i := 0; i < len(src.data); {
		r, n := utf8.DecodeRune(src.data[i:])
		if r == utf8.RuneError && n == 1 {
			return desiredErrorAt(src.pos(i), "invalid UTF-8: byte 0x%02X", src.data[i])
		}
		i += n
	}
	return nil
}

// desiredJSON reads the tokens of valid JSON text into a tree.
type desiredJSON struct {
	tree *desiredTree
	dec  *json.Decoder
	base int // the length of the byte order mark that the decoder does not see
}

// next returns the offset of the next token: Token reads the ':' and ',' before it.
func (r *desiredJSON) next() int {
	data := r.tree.src.data
	off := r.base + int(r.dec.InputOffset())
	for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

// token reads the next token, which the syntax check promises.
func (r *desiredJSON) token() (json.Token, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%s: reading JSON: %w", r.tree.src.name, err)
	}
	return tok, nil
}

// value reads the value at tokens.
func (r *desiredJSON) value(tokens []string) (any, error) {
	pos := r.tree.src.pos(r.next())
	if len(tokens) > desiredMaxDepth {
		return nil, desiredErrorAt(pos, "%svalues are nested more than %d deep", r.tree.where(tokens), desiredMaxDepth)
	}
	tok, err := r.token()
	if err != nil {
		return nil, err
	}
	r.tree.values[desiredPointer(tokens)] = pos
	switch tok {
	case json.Delim('{'):
		return r.object(tokens)
	case json.Delim('['):
		return r.array(tokens)
	}
	return tok, nil
}

// object reads the members of an object whose '{' was read.
func (r *desiredJSON) object(tokens []string) (any, error) {
	obj := map[string]any{}
	for r.dec.More() {
		pos := r.tree.src.pos(r.next())
		tok, err := r.token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		sub := append(slices.Clip(tokens), key)
		if err := r.tree.addKey(tokens, sub, pos); err != nil {
			return nil, err
		}
		if obj[key], err = r.value(sub); err != nil {
			return nil, err
		}
	}
	_, err := r.token() // '}'
	return obj, err
}

// array reads the elements of an array whose '[' was read.
func (r *desiredJSON) array(tokens []string) (any, error) {
	arr := []any{}
	for r.dec.More() {
		v, err := r.value(append(slices.Clip(tokens), strconv.Itoa(len(arr))))
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
	_, err := r.token() // ']'
	return arr, err
}
