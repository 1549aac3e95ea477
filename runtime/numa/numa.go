//go:build linux

package numa

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Node is one NUMA node: its CPUs and its memory.
type Node struct {
	ID         int   // N of /sys/devices/system/node/nodeN
	CPUs       []int // ascending; empty for a node with memory only
	MemFreeKB  int64
	MemTotalKB int64
}

// Paths under Read's root.
const (
	nodeDir     = "sys/devices/system/node"
	cpuOnline   = "sys/devices/system/cpu/online"
	procMeminfo = "proc/meminfo"
)

// Read returns the NUMA nodes under root ("" = "/") in ascending ID order, a machine
// without /sys/devices/system/node (a kernel without NUMA) being one node, 0, with every
// online CPU and the memory of /proc/meminfo.
func Read(root string) ([]Node, error) {
	if root == "" {
		root = "/"
	}
	ids, err := nodeIDs(filepath.Join(root, nodeDir))
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		n, err := readFlat(root)
		if err != nil {
			return nil, err
		}
		return []Node{n}, nil
	}
	nodes := make([]Node, 0, len(ids))
	for _, id := range ids {
		n, err := readNode(filepath.Join(root, nodeDir, "node"+strconv.Itoa(id)), id)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// nodeIDs returns the IDs of the nodeN directories in dir, ascending; none when dir
// does not exist.
func nodeIDs(dir string) ([]int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("numa: list the nodes: %w", err)
	}
	var ids []int
	for _, e := range entries {
		digits, ok := strings.CutPrefix(e.Name(), "node")
		if !ok {
			continue
		}
		if id, err := strconv.Atoi(digits); err == nil && id >= 0 && digits == strconv.Itoa(id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// readNode reads node id from its sysfs directory dir.
func readNode(dir string, id int) (Node, error) {
	n := Node{ID: id}
	var err error
	if n.CPUs, err = readCPUList(filepath.Join(dir, "cpulist")); err != nil {
		return Node{}, fmt.Errorf("numa: node %d: %w", id, err)
	}
	prefix := "Node " + strconv.Itoa(id) + " "
	if n.MemTotalKB, n.MemFreeKB, err = readMeminfo(filepath.Join(dir, "meminfo"), prefix); err != nil {
		return Node{}, fmt.Errorf("numa: node %d: %w", id, err)
	}
	return n, nil
}

// readFlat reads the one node of a machine without NUMA.
func readFlat(root string) (Node, error) {
	cpus, err := readCPUList(filepath.Join(root, cpuOnline))
	if err != nil {
		return Node{}, fmt.Errorf("numa: no NUMA nodes: %w", err)
	}
	total, free, err := readMeminfo(filepath.Join(root, procMeminfo), "")
	if err != nil {
		return Node{}, fmt.Errorf("numa: no NUMA nodes: %w", err)
	}
	return Node{ID: 0, CPUs: cpus, MemFreeKB: free, MemTotalKB: total}, nil
}

// readCPUList reads a file that holds a CPU list.
func readCPUList(name string) ([]int, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	cpus, err := ParseCPUList(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cpus, nil
}

// readMeminfo reads MemTotal and MemFree, in kB, from a meminfo file whose lines
// start with prefix ("Node 0 " in a node's, "" in /proc/meminfo).
func readMeminfo(name, prefix string) (total, free int64, err error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return 0, 0, err
	}
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, v, ok := meminfoLine(sc.Text(), prefix)
		if !ok || (key != "MemTotal" && key != "MemFree") {
			continue
		}
		kb, err := strconv.ParseInt(v, 10, 64)
		if err != nil || kb < 0 {
			return 0, 0, fmt.Errorf("%s: %s: bad value %q", name, key, v)
		}
		if key == "MemTotal" {
			total, found = kb, found|1
		} else {
			free, found = kb, found|2
		}
	}
	if found != 3 {
		return 0, 0, fmt.Errorf("%s: no MemTotal and MemFree lines", name)
	}
	return total, free, nil
}

// meminfoLine splits "PREFIX Key:   1234 kB" into its key and number.
func meminfoLine(line, prefix string) (key, value string, ok bool) {
	rest, ok := strings.CutPrefix(line, prefix)
	if !ok {
		return "", "", false
	}
	key, rest, ok = strings.Cut(rest, ":")
	if !ok {
		return "", "", false
	}
	value, _ = strings.CutSuffix(strings.TrimSpace(rest), " kB")
	return key, value, true
}
