package parse

import (
	"os"
	"unsafe"
)

// prefaultMinBytes is the smallest file whose reading starts a prefaulter: below it,
// the pages the tree needs are too few to be worth a goroutine.
const prefaultMinBytes = 1 << 20

// prefaultWindow is about how much of a table the prefaulter maps at a time, ahead of
// the scanner.
const prefaultWindow = 256 << 10

// prefaulter maps the pages the reader is about to fill, on a goroutine of its own and
// so on another core, as a JVM with AlwaysPreTouch does for its heap. The first write
// to a fresh page of memory makes the kernel find, zero and map it: for a large file,
// half of the read's time was such page faults, taken one at a time on the read's
// own core. The prefaulter asks the kernel to map the pages ahead of the writes (on
// Linux, madvise MADV_POPULATE_WRITE), which changes no byte of the memory, so the
// scanner and the prefaulter never race on it. A nil *prefaulter does nothing: for
// small files, on other systems, or when the kernel does not know the request.
type prefaulter struct {
	work chan pageSpan
	done chan struct{} // closed when run returns
	page uintptr       // the system's page size, madvise's unit
}

// pageSpan is memory to map. The pointer keeps the memory alive until it is mapped.
type pageSpan struct {
	p unsafe.Pointer
	n uintptr
}

// startPrefaulter returns a running prefaulter for reading a file of size bytes, or
// nil when there is nothing to gain.
func startPrefaulter(size int) *prefaulter {
	if size < prefaultMinBytes || !canPopulate {
		return nil
	}
	f := &prefaulter{work: make(chan pageSpan, 256), done: make(chan struct{}), page: uintptr(os.Getpagesize())}
	go f.run()
	return f
}

// run maps each span it is given until stop, or until the kernel refuses a request.
func (f *prefaulter) run() {
	defer close(f.done)
	ok := true
	for s := range f.work {
		if ok {
			ok = populate(unsafe.Slice((*byte)(s.p), s.n)) == nil
		}
	}
}

// stop ends the prefaulter once it has mapped what it was given; it does not wait
// for that.
func (f *prefaulter) stop() {
	if f != nil {
		close(f.work)
	}
}

// ahead asks for the whole pages within the n bytes at p to be mapped. It never
// blocks: a span the prefaulter has no room for is faulted in by its writes, as
// without a prefaulter.
func (f *prefaulter) ahead(p unsafe.Pointer, n uintptr) {
	if f == nil {
		return
	}
	page := f.page
	start := (uintptr(p) + page - 1) &^ (page - 1)
	end := (uintptr(p) + n) &^ (page - 1)
	if end <= start {
		return
	}
	select {
	case f.work <- pageSpan{p: unsafe.Add(p, start-uintptr(p)), n: end - start}:
	default:
	}
}

// aheadSlice asks for the pages of s (its length, not its capacity) to be mapped.
func aheadSlice[T any](f *prefaulter, s []T) {
	if f != nil && len(s) > 0 {
		var zero T
		f.ahead(unsafe.Pointer(unsafe.SliceData(s)), uintptr(len(s))*unsafe.Sizeof(zero))
	}
}
