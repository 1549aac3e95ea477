//go:build linux

package supervisor

import (
	"context"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/spec"
)

// TestCheckSeesAWedgedPool checks that Check passes, fails while a pool's lock is held
// for good (and fails at once for the checks after, without piling up), and passes
// again once the lock is free.
func TestCheckSeesAWedgedPool(t *testing.T) {
	sup := New(&spec.Spec{Pools: []*spec.Pool{{Name: "A"}}}, Options{Shim: []string{"/nonexistent"}})
	quick := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		return sup.Check(ctx)
	}
	if err := sup.Check(context.Background()); err != nil {
		t.Fatalf("Check of a free supervisor = %v", err)
	}
	p := sup.pool("A")
	p.mu.Lock()
	if err := quick(); err == nil {
		t.Error("Check while a pool is wedged = nil, want an error")
	}
	if err := quick(); err != errWedged {
		t.Errorf("the next Check = %v, want errWedged at once", err)
	}
	p.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for quick() != nil {
		if time.Now().After(deadline) {
			t.Fatal("Check still fails 30 s after the pool's lock was freed")
		}
	}
}
