package validate

import (
	"fmt"
	"strings"
	"testing"
)

// TestDuplicateKeysManyItems covers the key index past smallKeys items, where it moves
// from a slice to a map: duplicates are still found by folded name and by time value,
// and <clear/> still forgets.
func TestDuplicateKeysManyItems(t *testing.T) {
	var pools, schedule strings.Builder
	for i := range 3 * smallKeys {
		fmt.Fprintf(&pools, "<add name=\"Pool%d\" />\n", i)
		fmt.Fprintf(&schedule, "<add value=\"%02d:%02d:00\" />\n", i/60, i%60)
	}
	src := "<configuration><system.applicationHost><applicationPools>\n" + pools.String() +
		"<add name=\"POOL3\" />\n<add name=\"Timed\"><recycling><periodicRestart><schedule>\n" + schedule.String() +
		"<add value=\"0:05:00\" />\n<clear />\n<add value=\"00:05:00\" />\n</schedule></periodicRestart></recycling></add>\n" +
		"</applicationPools></system.applicationHost></configuration>"
	ds, err := LintBytes("many.config", []byte(src), Options{Disable: []string{RuleUnusedPool}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		if d.Rule == RuleDuplicateKey {
			got = append(got, fmt.Sprintf("%d %s", d.Line, d.Message))
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], `"POOL3"`) || !strings.Contains(got[1], `"0:05:00"`) {
		t.Fatalf("duplicate keys: %q", got)
	}
}
