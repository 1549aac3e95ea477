package saferead

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
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

// TestReadMade checks that a read gives made each buffer it makes before it fills it,
// and still returns what it read: a regular file read into the one buffer its size
// asks for, input longer than that hint (a file that grew since Stat) in several,
// an error after some bytes.
func TestReadMade(t *testing.T) {
	text := bytes.Repeat([]byte("<configuration/>"), 1000)
	for _, hint := range []int64{0, 1, int64(len(text)) - 1, int64(len(text)), int64(len(text)) + 512} {
		var made int
		got, err := readAll(bytes.NewReader(text), "f", 1<<20, hint, func(b []byte) {
			made++
			if !bytes.Equal(b, make([]byte, len(b))) {
				t.Errorf("hint %d: made was given a buffer already filled", hint)
			}
		})
		if err != nil || !bytes.Equal(got, text) {
			t.Errorf("hint %d: read %d bytes, %v; want all %d", hint, len(got), err, len(text))
		}
		if made == 0 {
			t.Errorf("hint %d: made was never called", hint)
		}
		if hint >= int64(len(text)) && made != 1 {
			t.Errorf("hint %d: %d buffers for input within the hint, want 1", hint, made)
		}
	}
	broken := io.MultiReader(bytes.NewReader([]byte("<configuration>")), iotest.ErrReader(errors.New("disk on fire")))
	if _, err := readAll(broken, "f", 1<<20, 0, func([]byte) {}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("read of broken input: %v, want its error", err)
	}
}
