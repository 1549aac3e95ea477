package saferead

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
	"testing/iotest"
)

// TestReadAllInPieces checks that input that comes in many reads is joined whole.
func TestReadAllInPieces(t *testing.T) {
	want := bytes.Repeat([]byte("0123456789"), 1000)
	got, err := ReadAll(iotest.OneByteReader(bytes.NewReader(want)), "stdin", int64(len(want)))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("ReadAll = %d bytes, %v; want the %d bytes", len(got), err, len(want))
	}
	if _, err := ReadAll(iotest.HalfReader(bytes.NewReader(want)), "stdin", int64(len(want))-1); !errors.As(err, new(*TooLargeError)) {
		t.Errorf("ReadAll one byte over the limit: %v, want a TooLargeError", err)
	}
}

// TestReadAllMemory checks that endless input costs about the limit: a buffer that
// doubles allocated some four times the limit before it gave up.
func TestReadAllMemory(t *testing.T) {
	const limit = 32 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadAll(endless{}, "stdin", limit)
	runtime.ReadMemStats(&after)
	if !errors.As(err, new(*TooLargeError)) {
		t.Fatalf("ReadAll = %v, want a TooLargeError", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > limit*3/2 {
		t.Errorf("reading endless input to a limit of %d bytes allocated %d bytes (%.1fx); want at most 1.5x", limit, got, float64(got)/limit)
	}
}

// endless reads zeros forever, as /dev/zero or a stdin that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
