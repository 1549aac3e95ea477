package parse

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// TestPrefaulterKeepsMemory checks that mapping memory ahead changes none of it, where
// it was written before, while or after, and that the prefaulter ends after stop.
func TestPrefaulterKeepsMemory(t *testing.T) {
	f := startPrefaulter(prefaultMinBytes)
	if f == nil {
		t.Skip("no prefaulter on this system")
	}
	written := bytes.Repeat([]byte("poolctl!"), 1<<17) // 1 MiB, mapped by the writes
	fresh := make([]byte, 4<<20)                       // mapped by the prefaulter
	aheadSlice(f, written)
	aheadSlice(f, fresh)
	for i := 0; i < len(fresh); i += 4096 {
		fresh[i] = byte(i / 4096) // one write in each page, whatever the page size
	}
	aheadSlice(f, fresh[1:len(fresh)-1]) // not page-aligned
	f.stop()
	<-f.done
	if !bytes.Equal(written, bytes.Repeat([]byte("poolctl!"), 1<<17)) {
		t.Error("the prefaulter changed memory that was written before")
	}
	for i := 0; i < len(fresh); i++ {
		want := byte(0)
		if i%4096 == 0 {
			want = byte(i / 4096)
		}
		if fresh[i] != want {
			t.Fatalf("byte %d is %d after prefaulting, want %d", i, fresh[i], want)
		}
	}
}

// TestPrefaulterNeverBlocks fills the prefaulter's queue before it can take anything:
// ahead must drop what does not fit rather than wait.
func TestPrefaulterNeverBlocks(t *testing.T) {
	f := &prefaulter{work: make(chan pageSpan, 1), done: make(chan struct{}), page: 4096} // not running
	b := make([]byte, 64<<10)
	for range 10 {
		aheadSlice(f, b)
	}
	if len(f.work) != 1 {
		t.Errorf("%d spans queued, want 1", len(f.work))
	}
	var none *prefaulter
	none.ahead(unsafe.Pointer(&b[0]), uintptr(len(b))) // a nil prefaulter does nothing
	none.stop()
}

// TestPrefaulterOnlyForLargeFiles checks that small files start no goroutine.
func TestPrefaulterOnlyForLargeFiles(t *testing.T) {
	if f := startPrefaulter(prefaultMinBytes - 1); f != nil {
		f.stop()
		t.Error("a prefaulter for a small file")
	}
}

// TestReadWithPrefaulter reads a file large enough for a prefaulter, with its tables
// and arenas filled through many windows and chunks, and compares everything the
// document says with the same text read without one: the bytes written back, and the
// position of every element and attribute.
func TestReadWithPrefaulter(t *testing.T) {
	var b strings.Builder
	b.WriteString("<configuration>\r\n  <system.applicationHost>\r\n    <applicationPools>\r\n")
	for i := 0; b.Len() < 3*prefaultMinBytes; i++ {
		fmt.Fprintf(&b, "      <add name=\"P%05d\" queueLength=\"%d\">\r\n        <processModel idleTimeout=\"00:%02d:00\" />\r\n      </add>\r\n", i, 1000+i, i%60)
	}
	b.WriteString("    </applicationPools>\r\n  </system.applicationHost>\r\n</configuration>\r\n")
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	with, err := ReadFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := []byte(b.String())
	without, err := read(path, src, string(src), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(documentFacts(t, without), documentFacts(t, with)); diff != "" {
		t.Errorf("the document read with a prefaulter differs (-without +with):\n%s", diff)
	}
}

// documentFacts returns the document written back and the positions of its elements and
// attributes.
func documentFacts(t *testing.T, d *Document) []string {
	t.Helper()
	var out bytes.Buffer
	if _, err := d.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	lines := []string{out.String()}
	for _, e := range d.Root().FindElements("//*") {
		lines = append(lines, fmt.Sprintf("<%s> %v-%v", e.Tag, d.Pos(e), d.EndPos(e)))
		for _, a := range e.Attr {
			pos, _ := d.AttrValuePos(e, a.Key)
			lines = append(lines, fmt.Sprintf("  %s=%q %v", a.Key, a.Value, pos))
		}
	}
	return lines
}
