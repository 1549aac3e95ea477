package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/poolctl/poolctl/internal/confdir"
	"github.com/poolctl/poolctl/internal/saferead"
)

// KeyEnv is the environment variable that names the key file when --key-file does not.
const KeyEnv = "POOLCTL_KEY_FILE"

// KeySize is the size of a key in bytes: AES-256.
const KeySize = 32

// Key is a 256-bit AES key. Its ID, the first eight bytes of the SHA-256 of the key in
// hex, goes into every value it encrypts, so that a value names the key it needs.
type Key struct {
	id  string
	raw [KeySize]byte
}

// ID returns the key's ID: 16 hex digits.
func (k *Key) ID() string { return k.id }

// newKey returns the key with the given bytes.
func newKey(raw [KeySize]byte) *Key {
	sum := sha256.Sum256(raw[:])
	return &Key{id: hex.EncodeToString(sum[:8]), raw: raw}
}

// GenerateKey returns a new random key.
func GenerateKey() (*Key, error) {
	var raw [KeySize]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return newKey(raw), nil
}

// keyFileMagic starts the key line of a key file.
const keyFileMagic = "poolctl-key-v1"

// MarshalText returns the key file content of k: a comment and one line
// "poolctl-key-v1 ID BASE64". It is the only way key material leaves a Key.
func (k *Key) MarshalText() []byte {
	return fmt.Appendf(nil, "# poolctl key: it decrypts the passwords poolctl encrypted. Keep it secret (mode 0600) and back it up.\n%s %s %s\n",
		keyFileMagic, k.id, base64.StdEncoding.EncodeToString(k.raw[:]))
}

// String names the key by its ID only, so that printing a Key shows no key material.
func (k *Key) String() string { return "key " + k.id }

// GoString is String, for %#v.
func (k *Key) GoString() string { return k.String() }

// parseKeyFile reads key file content; name is for errors.
func parseKeyFile(name string, data []byte) (*Key, error) {
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 || fields[0] != keyFileMagic {
			return nil, fmt.Errorf("key file %s:%d: want %q followed by the key's ID and base64 bytes", name, i+1, keyFileMagic)
		}
		raw, err := base64.StdEncoding.DecodeString(fields[2])
		if err != nil || len(raw) != KeySize {
			return nil, fmt.Errorf("key file %s:%d: the key is not %d base64-encoded bytes", name, i+1, KeySize)
		}
		k := newKey([KeySize]byte(raw))
		if k.id != fields[1] {
			return nil, fmt.Errorf("key file %s:%d: the key's ID is %s, but the file says %s: the file is damaged", name, i+1, k.id, fields[1])
		}
		return k, nil
	}
	return nil, fmt.Errorf("key file %s: no key in it", name)
}

// ErrNoKeyFile is wrapped by ReadKeyFile's error when the key file does not exist.
var ErrNoKeyFile = errors.New("no key file")

// maxKeyFile bounds a key file's size: one key line and a comment take about 200 bytes.
const maxKeyFile = 4 << 10

// ReadKeyFile reads the key file at path. A symlink is followed (configuration
// management often links the key into place), and every check is made on the file
// actually opened: it must be a regular file (a FIFO, device, directory or socket is
// refused without blocking), at most 4 KiB, and others may not read or change it (the
// error gives the command that fixes it): on Unix it is owned by this user or root,
// and neither its group nor others may read or write it; on Windows it is owned by
// this user, Administrators or SYSTEM, and its DACL lets no one else read or change
// it (checkKeyACL).
func ReadKeyFile(path string) (*Key, error) {
	f, err := saferead.Open(path)
	var notRegular *saferead.NotRegularError
	if errors.As(err, &notRegular) {
		return nil, fmt.Errorf("key file %s is %s, not a regular file; refusing to use it", path, saferead.Kind(notRegular.Mode))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("key file %s: %w (create one with: poolctl key generate --out %s)", path, ErrNoKeyFile, path)
	}
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	if err := checkKeyFile(path, f, fi); err != nil {
		return nil, err
	}
	data, err := saferead.ReadAll(f, path, maxKeyFile)
	var tooLarge *saferead.TooLargeError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("key file %s: larger than %d bytes; a key file is one short line", path, maxKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return parseKeyFile(path, data)
}

// checkKeyFile refuses the opened key file f, whose FileInfo is fi, unless it is a
// regular file that only those allowed may read (checkKeyAccess).
func checkKeyFile(path string, f *os.File, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("key file %s is %s, not a regular file; refusing to use it", path, saferead.Kind(fi.Mode()))
	}
	return checkKeyAccess(path, f, fi)
}

// WriteKeyFile writes k to a new file at path that only its owner may read (mode
// 0600 on Unix; on Windows a protected DACL that lets in the user poolctl runs as,
// Administrators and SYSTEM only), creating its directory (mode 0700) when missing. It never
// overwrites a file: a key that is lost cannot be recovered, and neither can the
// values it encrypted.
func WriteKeyFile(path string, k *Key) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("key file %s: %w", path, err)
	}
	f, err := createKeyFile(path)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("key file %s exists; refusing to overwrite a key (choose another path with --out)", path)
	}
	if err != nil {
		return fmt.Errorf("key file %s: %w", path, err)
	}
	if _, err := f.Write(k.MarshalText()); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("key file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("key file %s: %w", path, err)
	}
	return f.Close()
}

// unixKeyPath is DefaultKeyPath on Unix: /etc/poolctl/key for root, else
// $XDG_CONFIG_HOME/poolctl/key, else ~/.config/poolctl/key.
func unixKeyPath(root bool, getenv func(string) string) string {
	return confdir.Path(root, getenv, "key")
}

// windowsKeyPath is DefaultKeyPath on Windows, for every user, as IIS's own
// configuration is the machine's: %ProgramData%\poolctl\key (%ALLUSERSPROFILE%, the
// same folder, when %ProgramData% is unset; poolctl\key in the working directory
// when neither is set). Its folder lets users read what they create there: the key
// file is protected by its own DACL (WriteKeyFile), and checked (ReadKeyFile).
func windowsKeyPath(getenv func(string) string) string {
	for _, name := range [...]string{"ProgramData", "ALLUSERSPROFILE"} {
		if dir := strings.TrimRight(getenv(name), `\/`); dir != "" {
			return dir + `\poolctl\key`
		}
	}
	return `poolctl\key`
}

// KeyPath returns the key file to use: flag when set, else $POOLCTL_KEY_FILE, else
// DefaultKeyPath (KeyDefaultHelp names it); how says which: "--key-file",
// "$POOLCTL_KEY_FILE" or "default".
func KeyPath(flag string, getenv func(string) string) (path, how string) {
	if flag != "" {
		return flag, "--key-file"
	}
	if p := getenv(KeyEnv); p != "" {
		return p, "$" + KeyEnv
	}
	return DefaultKeyPath(getenv), "default"
}
