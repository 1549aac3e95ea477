package store

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// errBusy stands for a sharing violation; errOther for any other refusal.
var (
	errBusy  = errors.New("the file is used by another process")
	errOther = errors.New("the disk is full")
)

// TestRetryBusy: a replace refused because another program holds the file is tried
// again, with growing delays, until it succeeds; another error ends it at once; a
// holder that does not let go makes it give up after busyTotal with a *BusyError
// naming the file and the last refusal.
func TestRetryBusy(t *testing.T) {
	tests := []struct {
		name      string
		refusals  []error // op's results, then nil
		wantCalls int
		wantErr   error
		wantSlept time.Duration
	}{
		{name: "free at once", wantCalls: 1},
		{name: "busy twice", refusals: []error{errBusy, errBusy}, wantCalls: 3, wantSlept: 30 * time.Millisecond},
		{name: "other error", refusals: []error{errBusy, errOther}, wantCalls: 2, wantErr: errOther, wantSlept: 10 * time.Millisecond},
		{name: "held for good", refusals: repeat(errBusy, 1000), wantCalls: 16, wantErr: errBusy, wantSlept: 5130 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			op := func() error {
				calls++
				if calls <= len(tt.refusals) {
					return tt.refusals[calls-1]
				}
				return nil
			}
			var slept time.Duration
			err := retryBusy("C:/inetsrv/applicationHost.config", op, func(err error) bool { return errors.Is(err, errBusy) }, func(d time.Duration) { slept += d })
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("retryBusy = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff([]any{tt.wantCalls, tt.wantSlept}, []any{calls, slept}); diff != "" {
				t.Errorf("calls and time slept (-want +got):\n%s", diff)
			}
			if be, ok := errors.AsType[*BusyError](err); ok {
				const want = "replace C:/inetsrv/applicationHost.config: gave up after 5.13s: the file is used by another process (another program, such as IIS, an antivirus or a backup agent, holds it open, or this account may not replace it); nothing was written"
				if be.Error() != want {
					t.Errorf("message:\n%s\nwant:\n%s", be.Error(), want)
				}
			}
		})
	}
}

// repeat returns n copies of err.
func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}
