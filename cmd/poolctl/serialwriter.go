package main

import (
	"io"
	"os"
	"sync"
)

// serialWriter serialises the writes of the event log and of the workers' output
// copier (os/exec copies a non-file writer from a goroutine of its own) to one writer.
type serialWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *serialWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// shareable returns w as the event log and the workers' output can share it: a file
// as it is (the workers then write to its descriptor themselves, and the event log
// can see what it is), any other writer behind a serialWriter.
func shareable(w io.Writer) io.Writer {
	if _, ok := w.(*os.File); ok {
		return w
	}
	return &serialWriter{w: w}
}
