package printers

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/poolctl/poolctl/store"
)

// snapshotJSON is the JSON form of a snapshot.
type snapshotJSON struct {
	ID   string    `json:"id"`
	Path string    `json:"path"`
	Time time.Time `json:"time"`
	Size int64     `json:"size"`
}

// WriteHistoryJSON writes the snapshots of poolctl history list as
// {"snapshots": [...]}, indented.
func WriteHistoryJSON(out io.Writer, snaps []store.Snapshot) error {
	list := make([]snapshotJSON, len(snaps))
	for i, s := range snaps {
		list[i] = snapshotJSON{ID: s.ID, Path: s.Path, Time: s.Time.UTC(), Size: s.Size}
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Snapshots []snapshotJSON `json:"snapshots"`
	}{list}); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}
