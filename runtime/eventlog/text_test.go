package eventlog

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the text form's output")

// at is the time of the test records: a fixed time, in UTC.
var at = time.Date(2026, 12, 5, 16, 4, 5, 123456789, time.UTC)

// record builds a record at the test time.
func record(level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(at, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

// textCase is records handled by a text handler, perhaps derived by with.
type textCase struct {
	name    string
	with    func(slog.Handler) slog.Handler
	records []slog.Record
}

// textCases are the text form's golden cases, each testdata/text/<name>.golden.
var textCases = []textCase{
	{name: "pool-event", records: []slog.Record{
		record(slog.LevelWarn, "worker did not answer a ping in time", slog.Int("event", 5010),
			slog.String("pool", "Default"), slog.Int("pid", 4242), slog.String("reason", "no answer within 1m30s")),
		record(slog.LevelInfo, "worker ready", slog.Int("event", 9003), slog.String("pool", "Default"), slog.Int("pid", 4243)),
		record(slog.LevelError, "pool stopped by rapid-fail protection", slog.Int("event", 5002),
			slog.String("pool", "Api Pool"), slog.String("reason", "5 crashes within 5m0s")),
	}},
	{name: "app-event", records: []slog.Record{
		record(slog.LevelWarn, "application has nothing to run: its requests get 503", slog.Int("event", 9023),
			slog.String("pool", "Default"), slog.String("site", "Default Web Site"), slog.String("app", "/shop")),
	}},
	{name: "runtime-event", records: []slog.Record{
		record(slog.LevelInfo, "configuration reloaded", slog.Int("event", 9012)),
		record(slog.LevelWarn, "cgroups unavailable: suspended workers get SIGSTOP", slog.Int("event", 9019),
			slog.String("reason", "open /sys/fs/cgroup/cgroup.controllers: no such file or directory")),
	}},
	{name: "frontend-records", records: []slog.Record{
		record(slog.LevelError, "listener failed", slog.Int("id", 9014), slog.String("addr", "127.0.0.1:80"),
			slog.Any("err", errors.New("listen tcp 127.0.0.1:80: bind: permission denied"))),
		record(slog.LevelWarn, "connection limit reached: new connections get 503 until some end",
			slog.Int("id", 9024), slog.Int("limit", 1000), slog.String("listener", "0.0.0.0:8080")),
	}},
	{name: "without-id", records: []slog.Record{
		record(slog.LevelInfo, "admin API: pool action", slog.String("action", "stop"), slog.String("pool", "Default"),
			slog.String("already", "stopped")),
		record(slog.LevelWarn, "admin API: pool action failed", slog.String("action", "start"),
			slog.String("pool", "Default"), slog.String("error", "identity: user \"web\" unknown")),
		record(slog.LevelInfo, "no attributes"),
	}},
	{name: "levels", records: []slog.Record{
		record(slog.LevelDebug, "debug"), record(slog.LevelDebug+1, "debug+1"), record(slog.LevelInfo, "info"),
		record(slog.LevelInfo+2, "info+2"), record(slog.LevelWarn, "warning"), record(slog.LevelError, "error"),
		record(slog.LevelError+4, "error+4"),
	}},
	{name: "escapes", records: []slog.Record{
		record(slog.LevelError, "worker crashed\nits output:\tpanic", slog.Int("event", 5009),
			slog.String("pool", "a=b"), slog.String("site", ""), slog.String("app", "/\"q\""),
			slog.String("reason", "exit status 2\n\x1b[31mred\x1b[0m \xff")),
		record(slog.LevelInfo, "", slog.String("note", "only attributes")),
	}},
	{name: "groups-and-attrs", with: func(h slog.Handler) slog.Handler {
		return h.WithAttrs([]slog.Attr{slog.String("pool", "Default")}).WithGroup("req").
			WithAttrs([]slog.Attr{slog.String("method", "GET")})
	}, records: []slog.Record{
		record(slog.LevelInfo, "request", slog.Int("status", 503), slog.Group("t", slog.Duration("total", 1500*time.Millisecond)),
			slog.Group("", slog.String("inline", "yes")), slog.Group("empty"), slog.Attr{}, slog.Int("pid", 7)),
	}},
	{name: "zero-time", records: []slog.Record{slog.NewRecord(time.Time{}, slog.LevelInfo, "no time", 0)}},
}

func TestTextGolden(t *testing.T) {
	for _, tc := range textCases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			h := New(&buf, FormatText, Options{Level: slog.LevelDebug})
			if tc.with != nil {
				h = tc.with(h)
			}
			for _, r := range tc.records {
				if err := h.Handle(context.Background(), r); err != nil {
					t.Fatalf("Handle: %v", err)
				}
			}
			checkGolden(t, filepath.Join("testdata", "text", tc.name+".golden"), buf.String())
		})
	}
}

// checkGolden compares got with the golden file path, or rewrites it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestTextLevelFilter(t *testing.T) {
	tests := []struct {
		name  string
		level slog.Leveler
		want  string
	}{
		{name: "default info", want: "info, warning"},
		{name: "warning", level: slog.LevelWarn, want: "warning"},
		{name: "debug", level: slog.LevelDebug, want: "debug, info, warning"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(New(&buf, FormatText, Options{Level: tt.level}))
			log.Debug("debug")
			log.Info("info")
			log.Warn("warning")
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				f := strings.Fields(line)
				got = append(got, f[len(f)-1])
			}
			if diff := cmp.Diff(tt.want, strings.Join(got, ", ")); diff != "" {
				t.Errorf("messages logged differ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextConcurrentLines(t *testing.T) {
	var buf bytes.Buffer
	base := New(&buf, FormatText, Options{})
	const goroutines, each = 8, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		log := slog.New(base.WithAttrs([]slog.Attr{slog.Int("g", g)}))
		wg.Go(func() {
			for i := range each {
				log.Info("event", "event", 9003, "pid", i+1)
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != goroutines*each {
		t.Fatalf("%d lines, want %d", len(lines), goroutines*each)
	}
	for _, line := range lines {
		if !strings.HasSuffix(line, " event") || !strings.Contains(line, " info    9003 pid=") {
			t.Fatalf("line mixed up: %q", line)
		}
	}
}

func TestJSONUnchanged(t *testing.T) {
	r := record(slog.LevelWarn, "worker did not answer a ping in time", slog.Int("event", 5010),
		slog.String("pool", "Default"), slog.Int("pid", 4242), slog.String("reason", "no answer"))
	var got, want bytes.Buffer
	if err := New(&got, FormatJSON, Options{}).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if err := slog.NewJSONHandler(&want, nil).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("JSON form differs from slog's (-want +got):\n%s", diff)
	}
}

func FuzzTextLine(f *testing.F) {
	f.Add("worker crashed", "exit status 2", "Default")
	f.Add("two\nlines", "\xff\x00", "a b")
	f.Fuzz(func(t *testing.T, msg, reason, pool string) {
		var buf bytes.Buffer
		r := record(slog.LevelError, msg, slog.Int("event", 5009), slog.String("pool", pool), slog.String("reason", reason))
		if err := New(&buf, FormatText, Options{}).Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		line := buf.String()
		if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
			t.Fatalf("not one line: %q", line)
		}
		if !strings.HasPrefix(line, "2026-12-05 16:04:05.123 error   5009 ") {
			t.Fatalf("line starts wrong: %q", line)
		}
	})
}
