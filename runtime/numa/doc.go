// Package numa reads a machine's NUMA topology from sysfs and places a web garden's
// workers on its nodes (cpu.numaNodeAssignment, for processModel.maxProcesses="0").
//
// Read takes a root directory so that tests can point it at a fake sysfs tree: the
// files are those of Linux, /sys/devices/system/node/nodeN/{cpulist,meminfo}, and
// /sys/devices/system/cpu/online with /proc/meminfo on a machine without NUMA.
//
// It builds on Linux only; on other systems the package is empty.
package numa
