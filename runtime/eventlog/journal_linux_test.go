//go:build linux

package eventlog

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// journalSocket listens on a unixgram socket in a test directory, as journald does.
func journalSocket(t *testing.T) (string, *net.UnixConn) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return path, conn
}

// receive reads one entry from conn: the datagram, or the memory file passed with it.
func receive(t *testing.T, conn *net.UnixConn) (fields []journalField, viaFile bool) {
	t.Helper()
	buf, oob := make([]byte, 1<<16), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	data := buf[:n]
	if oobn > 0 {
		data, viaFile = readPassedFile(t, oob[:oobn]), true
	}
	fields, err = decodeJournal(data)
	if err != nil {
		t.Fatalf("decode %q: %v", data, err)
	}
	return fields, viaFile
}

// readPassedFile reads the memory file passed in oob and checks it is sealed.
func readPassedFile(t *testing.T, oob []byte) []byte {
	t.Helper()
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("control messages %v: %v", msgs, err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		t.Fatalf("passed files %v: %v", fds, err)
	}
	f := os.NewFile(uintptr(fds[0]), "memfd")
	defer f.Close()
	seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	want := unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE | unix.F_SEAL_SEAL
	if err != nil || seals&want != want {
		t.Errorf("seals %#x, %v; want %#x", seals, err, want)
	}
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<40)) // from the start, as journald reads it
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestJournalSocket(t *testing.T) {
	path, conn := journalSocket(t)
	var stream bytes.Buffer
	log := slog.New(New(&stream, FormatJournal, Options{JournalSocket: path}))
	log.Warn("worker crashed", "event", 5009, "pool", "Default", "pid", 4242, "reason", "exit status 2\npanic: boom")
	fields, viaFile := receive(t, conn)
	want := []journalField{
		{"MESSAGE", "5009 pool=Default pid=4242 worker crashed (exit status 2\npanic: boom)"},
		{"PRIORITY", "4"}, {"SYSLOG_IDENTIFIER", "poolctl"}, {"POOLCTL_EVENT_ID", "5009"},
		{"POOL", "Default"}, {"WORKER_PID", "4242"}, {"REASON", "exit status 2\npanic: boom"},
	}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields differ (-want +got):\n%s", diff)
	}
	if viaFile {
		t.Error("a small entry came in a file, want a datagram")
	}
	if stream.Len() != 0 {
		t.Errorf("stream got %q, want nothing", stream.String())
	}
}

func TestJournalLargeEntryInMemoryFile(t *testing.T) {
	path, conn := journalSocket(t)
	reason := strings.Repeat("worker output line\n", datagramLimit(t)/19+1)
	log := slog.New(New(io.Discard, FormatJournal, Options{JournalSocket: path}))
	log.Error("worker crashed", "event", 5009, "reason", reason)
	fields, viaFile := receive(t, conn)
	if !viaFile {
		t.Error("a large entry came in a datagram, want a memory file")
	}
	var got string
	for _, f := range fields {
		if f.Name == "REASON" {
			got = f.Value
		}
	}
	if got != reason {
		t.Errorf("REASON has %d bytes, want %d", len(got), len(reason))
	}
}

// datagramLimit returns a size beyond which a datagram does not go: the default send
// buffer's (a datagram must fit in it), or 1 MiB when that is smaller.
func datagramLimit(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/net/core/wmem_default")
	if err != nil {
		return 1 << 20
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("wmem_default %q: %v", b, err)
	}
	return max(n, 1<<20)
}

func TestJournalFallbackToStream(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-journald.sock")
	tests := []struct {
		name string
		log  func(*slog.Logger)
		want string
	}{
		{name: "warning", log: func(l *slog.Logger) {
			l.Warn("worker did not answer a ping in time", "event", 5010, "pool", "Default", "pid", 4242)
		}, want: "<4>5010 pool=Default pid=4242 worker did not answer a ping in time\n"},
		{name: "error with newline", log: func(l *slog.Logger) {
			l.Error("worker crashed", "event", 5009, "reason", "exit status 2\npanic")
		}, want: "<3>5009 worker crashed (exit status 2\\npanic)\n"},
		{name: "info without id", log: func(l *slog.Logger) { l.Info("admin API: pool action", "action", "stop") },
			want: "<6>action=stop admin API: pool action\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stream bytes.Buffer
			tt.log(slog.New(New(&stream, FormatJournal, Options{JournalSocket: missing})))
			if diff := cmp.Diff(tt.want, stream.String()); diff != "" {
				t.Errorf("stream differs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveJournalStream(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	self := fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	other := fmt.Sprintf("%d:%d", st.Dev, st.Ino+1)
	tests := []struct {
		name   string
		w      io.Writer
		stream string
		term   bool
		want   Format
	}{
		{name: "stream is the journal's", w: f, stream: self, want: FormatJournal},
		{name: "journal's even on a terminal", w: f, stream: self, term: true, want: FormatJournal},
		{name: "another stream is the journal's", w: f, stream: other, want: FormatJSON},
		{name: "another stream, on a terminal", w: f, stream: other, term: true, want: FormatText},
		{name: "not a file", w: &bytes.Buffer{}, stream: self, want: FormatJSON},
		{name: "malformed JOURNAL_STREAM", w: f, stream: "journal", want: FormatJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{
				Env:        func(k string) string { return map[string]string{"JOURNAL_STREAM": tt.stream}[k] },
				IsTerminal: func(io.Writer) bool { return tt.term },
			}
			if got := Resolve(tt.w, FormatAuto, o); got != tt.want {
				t.Errorf("Resolve = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	tests := []struct {
		name string
		w    io.Writer
		want bool
	}{
		{name: "pseudo-terminal", w: ptmx, want: true},
		{name: "dev null", w: devNull},
		{name: "pipe", w: w},
		{name: "buffer", w: &bytes.Buffer{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTerminal(tt.w); got != tt.want {
				t.Errorf("IsTerminal = %v, want %v", got, tt.want)
			}
			want := map[bool]Format{true: FormatText, false: FormatJSON}[tt.want]
			if got := Resolve(tt.w, FormatAuto, Options{Env: func(string) string { return "" }}); got != want {
				t.Errorf("Resolve = %v, want %v", got, want)
			}
		})
	}
}
