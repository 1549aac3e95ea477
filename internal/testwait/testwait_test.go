package testwait

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	t.Run("holds at once", func(t *testing.T) {
		if !Until(time.Hour, time.Hour, func() bool { return true }) {
			t.Error("Until = false for a condition that holds")
		}
	})
	t.Run("holds after some calls", func(t *testing.T) {
		var n atomic.Int32
		if !Until(time.Minute, time.Millisecond, func() bool { return n.Add(1) == 3 }) {
			t.Errorf("Until = false after %d calls", n.Load())
		}
	})
	t.Run("never holds", func(t *testing.T) {
		if Until(10*time.Millisecond, time.Millisecond, func() bool { return false }) {
			t.Error("Until = true for a condition that never holds")
		}
	})
}
