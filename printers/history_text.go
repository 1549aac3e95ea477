package printers

import (
	"fmt"
	"io"
	"time"

	"github.com/poolctl/poolctl/store"
)

// WriteHistoryText writes one line per snapshot of poolctl history list: ID, time
// (UTC) and size.
func WriteHistoryText(out io.Writer, snaps []store.Snapshot) error {
	width := 0
	for _, s := range snaps {
		width = max(width, len(s.ID))
	}
	for _, s := range snaps {
		if _, err := fmt.Fprintf(out, "%-*s  %s  %d bytes\n", width, s.ID, s.Time.UTC().Format(time.RFC3339), s.Size); err != nil {
			return fmt.Errorf("write history: %w", err)
		}
	}
	return nil
}
