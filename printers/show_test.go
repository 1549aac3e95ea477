package printers

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/store"
)

// TestShowGolden writes the pools of the repository's sample configuration as show
// does, in every form, and compares them with testdata/show; -update rewrites them.
func TestShowGolden(t *testing.T) {
	// Read under a bare name, so that positions are the same on every OS.
	data, err := os.ReadFile(filepath.Join("..", "testdata", "sample", "applicationHost.config"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parse.ReadBytes("applicationHost.config", data, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parse.FromDocument(doc, parse.LoadOptions{Version: schema.IIS10})
	if err != nil {
		t.Fatal(err)
	}
	for _, all := range []bool{false, true} {
		views := make([]ShowPool, len(cfg.Pools()))
		for i, p := range cfg.Pools() {
			views[i] = NewShowPool(cfg, p, all)
		}
		name := "sample"
		if all {
			name = "sample-all"
		}
		var text, js bytes.Buffer
		if err := WriteShowText(&text, views); err != nil {
			t.Fatal(err)
		}
		if err := WriteShowJSON(&js, views); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(js.Bytes()) {
			t.Errorf("%s: show's JSON is not valid:\n%s", name, &js)
		}
		checkGolden(t, "show", name+".txt", text.Bytes())
		checkGolden(t, "show", name+".json", js.Bytes())
	}
	var list bytes.Buffer
	if err := WriteShowList(&list, cfg, cfg.Pools()); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "show", "sample-list.txt", list.Bytes())
}

// TestHistoryGolden writes snapshots as history list does; -update rewrites the
// golden files in testdata/history.
func TestHistoryGolden(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 8, 0, 0, 123456789, time.UTC)
	snaps := []store.Snapshot{
		{ID: "20261205T080001.123456789Z-2", Path: "/etc/iis/applicationHost.config.history/applicationHost.config.20261205T080001.123456789Z-2", Time: t0.Add(time.Second), Size: 4096},
		{ID: "20261205T080001.123456789Z", Path: "/etc/iis/applicationHost.config.history/applicationHost.config.20261205T080001.123456789Z", Time: t0.Add(time.Second), Size: 4090},
		{ID: "20261205T080000.123456789Z", Path: `C:\Windows\System32\inetsrv\config\applicationHost.config.history\applicationHost.config.20261205T080000.123456789Z`, Time: t0.In(time.FixedZone("CET", 3600)), Size: 0},
	}
	for _, tt := range []struct {
		name  string
		snaps []store.Snapshot
	}{{"three", snaps}, {"none", nil}} {
		var text, js bytes.Buffer
		if err := WriteHistoryText(&text, tt.snaps); err != nil {
			t.Fatal(err)
		}
		if err := WriteHistoryJSON(&js, tt.snaps); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "history", tt.name+".txt", text.Bytes())
		checkGolden(t, "history", tt.name+".json", js.Bytes())
	}
}
