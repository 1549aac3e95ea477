//go:build unix

package status

import "github.com/poolctl/poolctl/runtime/metrics"

// metricsTotals are a pool's answers and 5xx answers.
type metricsTotals struct{ answered, errors int64 }

// poolTotals returns the answers of each pool from the metrics.
func poolTotals(m *metrics.Metrics) map[string]metricsTotals {
	out := make(map[string]metricsTotals)
	for _, t := range m.Totals() {
		cur := out[t.Pool]
		cur.answered += t.Count
		if t.Code >= 500 && t.Code < 600 {
			cur.errors += t.Count
		}
		out[t.Pool] = cur
	}
	return out
}
