package h1

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"
)

func TestReadRequestAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters change allocations")
	}
	tests := []struct {
		name string
		in   string
		max  float64
	}{
		{"curl", curlRequest, 1},
		{"wrk", wrkRequest, 1},
		{"browser with lower-case names", browserRequest, 1},
		{"chunked POST", head("POST /upload HTTP/1.1", "host: a", "transfer-encoding: chunked", "expect: 100-continue"), 1},
		{"escaped path", head("GET /a%20b HTTP/1.1", "Host: a"), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			src := bytes.NewReader(in)
			br := bufio.NewReaderSize(src, 4096)
			var r Request
			got := testing.AllocsPerRun(100, func() {
				src.Reset(in)
				br.Reset(src)
				if err := ReadRequest(br, &r); err != nil {
					t.Fatal(err)
				}
			})
			if got > tt.max {
				t.Errorf("%v allocations per request, want at most %v", got, tt.max)
			}
		})
	}
}

// BenchmarkReadRequest compares ReadRequest with net/http's on a browser's
// request, head already buffered, request reused.
func BenchmarkReadRequest(b *testing.B) {
	in := []byte(browserRequest)
	b.Run("h1", func(b *testing.B) {
		src := bytes.NewReader(in)
		br := bufio.NewReaderSize(src, 4096)
		var r Request
		b.ReportAllocs()
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			src.Reset(in)
			br.Reset(src)
			if err := ReadRequest(br, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nethttp", func(b *testing.B) {
		src := bytes.NewReader(in)
		br := bufio.NewReaderSize(src, 4096)
		b.ReportAllocs()
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			src.Reset(in)
			br.Reset(src)
			if _, err := http.ReadRequest(br); err != nil {
				b.Fatal(err)
			}
		}
	})
}
