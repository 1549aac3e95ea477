package validate

import (
	"strings"
	"unicode/utf8"
)

// didYouMean suggests the name closest to name among names: one that differs only in
// letter case, else one within an edit distance of 2 (and less than name's length).
// It returns otherwise when no name is close.
func didYouMean(name string, names []string, otherwise string) string {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return "did you mean " + n + "?"
		}
	}
	best, bestDist := "", 3
	for _, n := range names {
		if d := editDistance(name, n, 2); d < bestDist && d < utf8.RuneCountInString(name) {
			best, bestDist = n, d
		}
	}
	if best == "" {
		return otherwise
	}
	return "did you mean " + best + "?"
}

// editDistance returns the Levenshtein distance between a and b, in runes, or limit+1
// as soon as the distance is known to exceed limit.
func editDistance(a, b string, limit int) int {
	// Compare the lengths before making rune slices: a is a value of the file, which
	// may be huge.
	if d := utf8.RuneCountInString(a) - utf8.RuneCountInString(b); d > limit || -d > limit {
		return limit + 1
	}
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
