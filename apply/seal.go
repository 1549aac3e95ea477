package apply

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// Sealer encrypts and decrypts the values of encrypted attributes; *secret.Key is one.
type Sealer interface {
	Encrypt(clear string) (string, error)
	Decrypt(value string) (string, error)
}

// seal returns the text to write for an encrypted attribute given value: value itself
// when it is an envelope already, else value encrypted with the editor's Sealer, or
// clear text with a note when there is none. same is true when the attribute already
// holds value: the same envelope, the same clear text, or an envelope that decrypts to
// it. Without a Sealer, clear text is not written over an encrypted value: poolctl
// could neither tell whether it is the same nor keep it encrypted.
func (ed *Editor) seal(scope, path, old string, had bool, value string) (text string, same bool, err error) {
	if had && old == value {
		return value, true, nil
	}
	if secret.IsEncrypted(value) {
		return value, false, nil
	}
	oldEncrypted := had && secret.IsEncrypted(old)
	if ed.For == secret.ForIIS {
		return ed.sealForIIS(scope, path, old, oldEncrypted, value)
	}
	if ed.Sealer == nil {
		if oldEncrypted {
			return "", false, fmt.Errorf("%s: %s is encrypted; without a key poolctl cannot tell whether it is the new value, nor encrypt it: give the key file with --key-file or $%s", scope, path, secret.KeyEnv)
		}
		ed.Notes = append(ed.Notes, fmt.Sprintf("%s: %s is written in clear text: there is no key to encrypt it (poolctl key generate, then poolctl encrypt)", scope, path))
		return value, false, nil
	}
	if oldEncrypted {
		if clear, err := ed.Sealer.Decrypt(old); err == nil && clear == value {
			return old, true, nil
		}
	}
	enc, err := ed.Sealer.Encrypt(value)
	if err != nil {
		return "", false, fmt.Errorf("%s: %s: %w", scope, path, err)
	}
	return enc, false, nil
}

// sealForIIS is seal for a file that goes to IIS, which cannot decrypt poolctl's
// values: value is written in clear text, as IIS reads it, with a note that says how to
// set it on the server instead. Clear text is not written over a value IIS's provider
// encrypted: poolctl cannot tell whether it is the same.
func (ed *Editor) sealForIIS(scope, path, old string, oldEncrypted bool, value string) (string, bool, error) {
	if oldEncrypted && !secret.IsPoolctlValue(old) {
		env, _ := secret.ParseEnvelope(old)
		return "", false, fmt.Errorf("%s: %s is encrypted by %s; poolctl cannot tell whether it is the new value, and would undo IIS's encryption: set it on the IIS server with appcmd or IIS Manager", scope, path, env.Provider)
	}
	if value != "" {
		ed.Notes = append(ed.Notes, fmt.Sprintf("%s: %s is written in clear text, which IIS reads, for a file that goes to IIS (--for iis): "+
			"to keep it out of the file, leave it empty and set it on the IIS server with appcmd or IIS Manager, which encrypt it with IIS's provider; "+
			"a file for poolctl run: --for run encrypts it with poolctl's key", scope, path))
	}
	return value, false, nil
}

// HoldsPoolctlValue reports whether a pool or the defaults of the file has a value of
// poolctl's provider, from which secret.Auto takes the file to be for poolctl run.
func (ed *Editor) HoldsPoolctlValue() bool {
	for _, a := range secretAttrs(ed.doc) {
		if secret.IsPoolctlValue(a.value) {
			return true
		}
	}
	return false
}

// EncryptClear encrypts, with the editor's Sealer, every encrypted attribute written in
// clear text in the named pools (every pool when names is empty) and in the defaults.
func (ed *Editor) EncryptClear(names []string) error {
	if ed.Sealer == nil {
		return fmt.Errorf("no key to encrypt with: give the key file with --key-file or $%s (poolctl key generate makes one)", secret.KeyEnv)
	}
	return ed.eachSecret(names, func(e *etree.Element, scope, path, name, value string) error {
		if value == "" || secret.IsEncrypted(value) {
			return nil
		}
		enc, err := ed.Sealer.Encrypt(value)
		if err != nil {
			return err
		}
		ed.setSecret(e, scope, path, name, enc)
		return nil
	})
}

// Rekey re-encrypts every value that poolctl encrypted with the editor's Sealer, the
// old key, under next. A value that the old key cannot decrypt stops it, so that no
// value is left behind. Clear text and values of IIS's providers are left as they are,
// with a note.
func (ed *Editor) Rekey(next Sealer) error {
	if ed.Sealer == nil {
		return fmt.Errorf("no key to decrypt with: give the current key file with --key-file or $%s", secret.KeyEnv)
	}
	return ed.eachSecret(nil, func(e *etree.Element, scope, path, name, value string) error {
		env, ok := secret.ParseEnvelope(value)
		switch {
		case value == "" || ok && env.IsEmpty():
			return nil
		case !ok:
			ed.Notes = append(ed.Notes, fmt.Sprintf("%s: %s is clear text, left as it is (poolctl encrypt encrypts it)", scope, path))
			return nil
		case env.Provider != secret.Provider:
			ed.Notes = append(ed.Notes, fmt.Sprintf("%s: %s is encrypted by %s, left as it is", scope, path, env.Provider))
			return nil
		}
		clear, err := ed.Sealer.Decrypt(value)
		if err != nil {
			return fmt.Errorf("%s: %s: %w; nothing was re-encrypted", scope, path, err)
		}
		enc, err := next.Encrypt(clear)
		if err != nil {
			return err
		}
		ed.setSecret(e, scope, path, name, enc)
		return nil
	})
}

// setSecret writes an encrypted value and records the change.
func (ed *Editor) setSecret(e *etree.Element, scope, path, name, value string) {
	owner := e
	for owner.Parent() != nil && owner.FullTag() != "add" && owner.FullTag() != "applicationPoolDefaults" {
		owner = owner.Parent()
	}
	before := owner.Copy()
	e.CreateAttr(name, value)
	ed.Changes = append(ed.Changes, Change{Kind: Modified, Scope: scope, Path: path, Secret: true})
	ed.touch(owner, before)
}

// eachSecret calls f for every encrypted attribute written in the named pools (every
// pool when names is empty) and in the defaults, with its element, scope, dotted path,
// name and value.
func (ed *Editor) eachSecret(names []string, f func(e *etree.Element, scope, path, name, value string) error) error {
	type target struct {
		elem  *etree.Element
		scope string
	}
	var targets []target
	for c := range ed.section.ChildElementsSeq() {
		if c.FullTag() == "applicationPoolDefaults" && len(names) == 0 {
			targets = append(targets, target{c, DefaultsScope})
		}
	}
	if len(names) == 0 {
		names = ed.PoolNames()
	}
	for _, n := range names {
		p := ed.Pool(n)
		if p == nil {
			return fmt.Errorf("no pool %q", n)
		}
		written, _ := parse.Attr(p, "name")
		targets = append(targets, target{p, PoolScope(written)})
	}
	for _, t := range targets {
		for _, pa := range encryptedPaths(ed.pool) {
			elemPath, name := splitPath(pa)
			e := descend(t.elem, elemPath, false)
			if e == nil {
				continue
			}
			if v, ok := parse.Attr(e, name); ok {
				if err := f(e, t.scope, pa, name, v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// encryptedPaths returns the dotted paths of a pool's encrypted attributes, its
// collections' items aside.
func encryptedPaths(pool *schema.Element) []string {
	var out []string
	for _, pa := range schema.Flatten(pool) {
		if pa.Encrypted && !strings.Contains(pa.Path, "[]") {
			out = append(out, pa.Path)
		}
	}
	return out
}
