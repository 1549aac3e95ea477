package eventlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// journalField is one field of a journal entry, as journald reads it.
type journalField struct{ Name, Value string }

// decodeJournal reads an entry in the native protocol: NAME=value lines, and NAME,
// a newline, a 64-bit little-endian length, the value and a newline.
func decodeJournal(b []byte) ([]journalField, error) {
	var fields []journalField
	for len(b) > 0 {
		i := strings.IndexAny(string(b), "=\n")
		if i < 0 {
			return nil, errors.New("field without = or newline")
		}
		name := string(b[:i])
		if b[i] == '=' {
			end := strings.IndexByte(string(b[i+1:]), '\n')
			if end < 0 {
				return nil, fmt.Errorf("field %s: no newline", name)
			}
			fields = append(fields, journalField{name, string(b[i+1 : i+1+end])})
			b = b[i+1+end+1:]
			continue
		}
		b = b[i+1:]
		if len(b) < 8 {
			return nil, fmt.Errorf("field %s: no length", name)
		}
		n := binary.LittleEndian.Uint64(b)
		b = b[8:]
		if uint64(len(b)) < n+1 || b[n] != '\n' {
			return nil, fmt.Errorf("field %s: length %d past the end", name, n)
		}
		fields = append(fields, journalField{name, string(b[:n])})
		b = b[n+1:]
	}
	return fields, nil
}

func TestJournalEntry(t *testing.T) {
	tests := []struct {
		name string
		rec  slog.Record
		want []journalField
	}{
		{
			name: "pool event",
			rec: record(slog.LevelWarn, "worker did not answer a ping in time", slog.Int("event", 5010),
				slog.String("pool", "Default"), slog.Int("pid", 4242), slog.String("reason", "no answer within 1m30s")),
			want: []journalField{
				{"MESSAGE", "5010 pool=Default pid=4242 worker did not answer a ping in time (no answer within 1m30s)"},
				{"PRIORITY", "4"}, {"SYSLOG_IDENTIFIER", "poolctl"}, {"POOLCTL_EVENT_ID", "5010"},
				{"POOL", "Default"}, {"WORKER_PID", "4242"}, {"REASON", "no answer within 1m30s"},
			},
		},
		{
			name: "application event",
			rec: record(slog.LevelInfo, "application loaded", slog.Int("event", 9003),
				slog.String("pool", "Default"), slog.String("site", "Default Web Site"), slog.String("app", "/shop")),
			want: []journalField{
				{"MESSAGE", `9003 pool=Default site="Default Web Site" app=/shop application loaded`},
				{"PRIORITY", "6"}, {"SYSLOG_IDENTIFIER", "poolctl"}, {"POOLCTL_EVENT_ID", "9003"},
				{"POOL", "Default"}, {"SITE", "Default Web Site"}, {"APP", "/shop"},
			},
		},
		{
			name: "other attributes",
			rec: record(slog.LevelError, "listener failed", slog.Int("id", 9014), slog.String("addr", "127.0.0.1:80"),
				slog.String("message", "clash"), slog.Group("tls", slog.String("server-name", "x")),
				slog.Any("err", errors.New("bind: permission denied"))),
			want: []journalField{
				{"MESSAGE", "9014 addr=127.0.0.1:80 message=clash tls.server-name=x listener failed (bind: permission denied)"},
				{"PRIORITY", "3"}, {"SYSLOG_IDENTIFIER", "poolctl"}, {"POOLCTL_EVENT_ID", "9014"},
				{"ADDR", "127.0.0.1:80"}, {"POOLCTL_MESSAGE", "clash"}, {"TLS_SERVER_NAME", "x"},
				{"ERR", "bind: permission denied"},
			},
		},
		{
			name: "debug without id",
			rec:  record(slog.LevelDebug, "tick"),
			want: []journalField{{"MESSAGE", "tick"}, {"PRIORITY", "7"}, {"SYSLOG_IDENTIFIER", "poolctl"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeJournal(journalEntry(newEntry(tt.rec, nil, nil)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields differ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJournalBinaryField(t *testing.T) {
	got := string(appendField(nil, "REASON", "line 1\nline 2"))
	want := "REASON\n\x0d\x00\x00\x00\x00\x00\x00\x00line 1\nline 2\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("binary field differs (-want +got):\n%s", diff)
	}
}

func TestFieldName(t *testing.T) {
	tests := []struct {
		path []string
		want string
	}{
		{[]string{"addr"}, "ADDR"},
		{[]string{"req", "status-code"}, "REQ_STATUS_CODE"},
		{[]string{"_private"}, "POOLCTL__PRIVATE"},
		{[]string{"2xx"}, "POOLCTL_2XX"},
		{[]string{"priority"}, "POOLCTL_PRIORITY"},
		{[]string{"object", "pid"}, "POOLCTL_OBJECT_PID"},
		{[]string{"worker_pid"}, "POOLCTL_WORKER_PID"},
		{[]string{"é"}, ""},
		{[]string{strings.Repeat("k", 80)}, strings.Repeat("K", 64)},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.path, "."), func(t *testing.T) {
			if got := fieldName(tt.path); got != tt.want {
				t.Errorf("fieldName(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestPriority(t *testing.T) {
	tests := []struct {
		level slog.Level
		want  int
	}{
		{slog.LevelDebug - 4, 7}, {slog.LevelDebug, 7}, {slog.LevelInfo, 6}, {slog.LevelInfo + 2, 6},
		{slog.LevelWarn, 4}, {slog.LevelError, 3}, {slog.LevelError + 8, 3},
	}
	for _, tt := range tests {
		t.Run(tt.level.String(), func(t *testing.T) {
			if got := priority(tt.level); got != tt.want {
				t.Errorf("priority(%v) = %d, want %d", tt.level, got, tt.want)
			}
		})
	}
}

func FuzzJournalEntry(f *testing.F) {
	f.Add("worker crashed", "exit status 2\nstderr", "key")
	f.Add("", "", "")
	f.Add("a=b\n", "\n", "x=y")
	f.Fuzz(func(t *testing.T, msg, reason, key string) {
		r := record(slog.LevelError, msg, slog.String("reason", reason), slog.String(key, reason))
		fields, err := decodeJournal(journalEntry(newEntry(r, nil, nil)))
		if err != nil {
			t.Fatalf("entry does not decode: %v", err)
		}
		var gotReason bool
		for _, f := range fields {
			if f.Name == "" || strings.ContainsAny(f.Name, "=\n") || strings.HasPrefix(f.Name, "_") || len(f.Name) > 64 {
				t.Fatalf("bad field name %q", f.Name)
			}
			gotReason = gotReason || (f.Name == "REASON" && f.Value == reason)
		}
		if reason != "" && !gotReason {
			t.Fatalf("REASON=%q not in %q", reason, fields)
		}
	})
}
