package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
	"github.com/poolctl/poolctl/store"
)

// secretAttr is an encrypted attribute written in a pool or in the defaults.
type secretAttr struct {
	elem  *etree.Element // the element that holds the attribute
	scope string         // DefaultsScope or PoolScope(name)
	path  string         // the attribute's dotted path
	name  string         // the attribute's name
	value string
}

// key identifies the attribute across two versions of a file: pool names compare as
// IIS compares them, without regard to case.
func (a secretAttr) key() string { return strings.ToLower(a.scope) + "\x00" + a.path }

// clear reports whether the value is a clear-text secret, which history must not keep.
func (a secretAttr) clear() bool { return a.value != "" && !secret.IsEncrypted(a.value) }

// holdsClearSecret reports whether doc has a clear-text secret that protectCopy
// would encrypt or redact.
func holdsClearSecret(doc *parse.Document) bool {
	return slices.ContainsFunc(secretAttrs(doc), secretAttr.clear)
}

// secretAttrs returns the encrypted attributes written in every <applicationPools>
// of doc (its root, in a configSource file, included).
func secretAttrs(doc *parse.Document) []secretAttr {
	paths := encryptedPaths(schema.MustFor(schema.IIS10).Pool())
	var out []secretAttr
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		if e.Tag != "applicationPools" {
			for c := range e.ChildElementsSeq() {
				walk(c)
			}
			return
		}
		for c := range e.ChildElementsSeq() {
			scope := DefaultsScope
			switch c.Tag {
			case "add":
				name, _ := parse.Attr(c, "name")
				scope = PoolScope(name)
			case "applicationPoolDefaults":
			default:
				continue
			}
			for _, pa := range paths {
				elemPath, name := splitPath(pa)
				if t := descend(c, elemPath, false); t != nil {
					if v, ok := parse.Attr(t, name); ok {
						out = append(out, secretAttr{elem: t, scope: scope, path: pa, name: name, value: v})
					}
				}
			}
		}
	}
	if root := doc.Root(); root != nil {
		walk(root)
	}
	return out
}

// protectCopy returns data, a content of path, with each clear-text secret encrypted
// for history with key (secret.HistoryProvider), or replaced by secret.Redacted when
// key is nil: a history copy never holds a secret in clear text. Encrypted and empty values stay as they are. changed reports
// whether there was anything to protect. Content that is not well-formed XML is kept
// as it is (Update never saves such content: it parses the file first), as poolctl
// cannot find its attributes.
func protectCopy(key *secret.Key, path string, data []byte) (out []byte, changed bool, err error) {
	doc, err := parse.ReadBytes(path, data, parse.Options{})
	if err != nil {
		return data, false, nil
	}
	for _, a := range secretAttrs(doc) {
		if !a.clear() {
			continue
		}
		v := secret.Redacted
		if key != nil {
			if v, err = key.EncryptForHistory(a.value); err != nil {
				return nil, false, fmt.Errorf("%s: %s: %w", a.scope, a.path, err)
			}
		}
		a.elem.CreateAttr(a.name, v)
		changed = true
	}
	if !changed {
		return data, false, nil
	}
	out, err = doc.Bytes()
	return out, true, err
}

// reveal returns data, the content of a history copy of path, as restore writes it:
// a value encrypted for history is decrypted with key; a redacted one takes the
// value cur, the file's current content, has at the same place, or is removed when
// cur has none there (a note says so, and what to do). A value encrypted for history
// without the key that encrypted it is an error: restore would otherwise lose it.
func reveal(key *secret.Key, data []byte, snap store.Snapshot, cur *parse.Document) (out []byte, notes []string, err error) {
	doc, err := parse.ReadBytes(snap.Path, data, parse.Options{})
	if err != nil {
		return nil, nil, err
	}
	now := map[string]string{}
	for _, a := range secretAttrs(cur) {
		now[a.key()] = a.value
	}
	changed := false
	for _, a := range secretAttrs(doc) {
		env, ok := secret.ParseEnvelope(a.value)
		switch {
		case !ok:
			continue
		case env.Provider == secret.HistoryProvider:
			clear, err := revealValue(key, a, snap)
			if err != nil {
				return nil, nil, err
			}
			a.elem.CreateAttr(a.name, clear)
		case env.Provider == secret.RedactedProvider:
			if v, ok := now[a.key()]; ok && !secret.IsHistoryValue(v) {
				a.elem.CreateAttr(a.name, v)
				notes = append(notes, fmt.Sprintf("%s: %s was not kept in snapshot %s (there was no key to encrypt it): the file's current value is kept", a.scope, a.path, snap.ID))
			} else {
				a.elem.RemoveAttr(a.name)
				notes = append(notes, fmt.Sprintf("%s: %s was not kept in snapshot %s (there was no key to encrypt it), and the file has none there now: it is left out; set it again", a.scope, a.path, snap.ID))
			}
		default:
			continue
		}
		changed = true
	}
	if !changed {
		return data, nil, nil
	}
	out, err = doc.Bytes()
	return out, notes, err
}

// revealValue decrypts a's value, encrypted for history, with key.
func revealValue(key *secret.Key, a secretAttr, snap store.Snapshot) (string, error) {
	id, _ := secret.KeyID(strings.Replace(a.value, secret.HistoryProvider, secret.Provider, 1))
	if key == nil {
		return "", fmt.Errorf("snapshot %s: %s: %s was encrypted for history with key %s, and there is no key: give it with --key-file or $%s; nothing was written", snap.ID, a.scope, a.path, id, secret.KeyEnv)
	}
	clear, err := key.DecryptHistory(a.value)
	if err != nil {
		return "", fmt.Errorf("snapshot %s: %s: %s: %w; nothing was written", snap.ID, a.scope, a.path, err)
	}
	return clear, nil
}

// CleanHistory protects the secrets of the snapshots of path in h that hold some in
// clear text (copies written before poolctl protected them), as Update protects a new
// copy with key, gives every snapshot mode 0600, and the default history folder
// (FILE.history, not one --history-dir names) mode 0700. It works under path's lock.
// Its notes name the copies it changed.
func CleanHistory(ctx context.Context, h store.History, key *secret.Key, path string) (notes []string, err error) {
	unlock, err := store.Lock(ctx, path, store.LockWait{})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	snaps, err := h.List(path)
	if err != nil || len(snaps) == 0 {
		return nil, err
	}
	// The folder beside the file is poolctl's own: an older poolctl made it 0755.
	if err := h.Tighten(path); err != nil {
		return nil, fmt.Errorf("clean history of %s: %w", path, err)
	}
	for _, s := range snaps {
		note, err := cleanOne(h, key, path, s)
		if err != nil {
			return notes, fmt.Errorf("clean history of %s: %w", path, err)
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	return notes, nil
}

// cleanOne cleans the snapshot s of path, and says what it did.
func cleanOne(h store.History, key *secret.Key, path string, s store.Snapshot) (string, error) {
	data, err := os.ReadFile(s.Path)
	if err != nil {
		return "", err
	}
	private, err := store.Private(s)
	if err != nil {
		return "", err
	}
	out, changed, err := protectCopy(key, path, data)
	if err != nil {
		return "", err
	}
	if !changed && private {
		return "", nil
	}
	if err := h.Rewrite(s, filepath.Base(path), out); err != nil {
		return "", err
	}
	if !changed {
		return fmt.Sprintf("%s is now readable by its owner only", s.Path), nil
	}
	return fmt.Sprintf("%s no longer holds a clear-text password", s.Path), nil
}
