//go:build linux

package cgroup

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// writeFile writes s to an existing control file in one write, as cgroupfs wants.
func writeFile(file, s string) error {
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %q: %w", file, s, err)
	}
	return nil
}

// readFile reads a control file, without surrounding white space.
func readFile(file string) (string, error) {
	b, err := os.ReadFile(file)
	return strings.TrimSpace(string(b)), err
}

// readInt reads a control file that holds one integer.
func readInt(file string) (int64, error) {
	s, err := readFile(file)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	return n, nil
}

// readKey reads the value of key in a flat-keyed control file ("key value" lines,
// like cgroup.events and cpu.stat).
func readKey(file, key string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), " "); ok && k == key {
			return strings.TrimSpace(v), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return "", fmt.Errorf("%s: no %q", file, key)
}
