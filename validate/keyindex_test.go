package validate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDuplicateKeysManyItems covers the key index past smallKeys items, where it moves
// from a slice to a map: duplicates are still found by folded name and by time value,
// and <remove> and <clear/> still forget.
func TestDuplicateKeysManyItems(t *testing.T) {
	var pools, schedule, vars strings.Builder
	for i := range 3 * smallKeys {
		fmt.Fprintf(&pools, "<add name=\"Pool%d\" />\n", i)
		fmt.Fprintf(&schedule, "<add value=\"%02d:%02d:00\" />\n", i/60, i%60)
		fmt.Fprintf(&vars, "<add name=\"VAR%d\" value=\"x\" />\n", i)
	}
	src := "<configuration><system.applicationHost><applicationPools>\n" + pools.String() +
		"<add name=\"POOL3\" />\n<add name=\"Timed\"><recycling><periodicRestart><schedule>\n" + schedule.String() +
		"<add value=\"0:05:00\" />\n<clear />\n<add value=\"00:05:00\" />\n</schedule></periodicRestart></recycling>\n" +
		"<environmentVariables>\n" + vars.String() +
		"<remove name=\"var5\" />\n<add name=\"Var5\" value=\"y\" />\n<add name=\"var7\" value=\"y\" />\n" +
		"</environmentVariables></add>\n</applicationPools></system.applicationHost></configuration>"
	ds, err := LintBytes("many.config", []byte(src), Options{Disable: []string{RuleUnusedPool}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		if d.Rule == RuleDuplicateKey {
			got = append(got, d.Message)
		}
	}
	want := []string{
		`duplicate pool name "POOL3": the same as name "Pool3" at 5:12 (compared case-insensitively)`,
		`pool "Timed": duplicate schedule entry value "0:05:00": the same as value "00:05:00" at 57:13 (compared as times)`,
		`pool "Timed": duplicate environment variable name "var7": the same as name "VAR7" at 112:12 (compared case-insensitively)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("duplicate keys (-want +got):\n%s", diff)
	}
}
