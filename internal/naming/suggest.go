package naming

import (
	"slices"
	"strings"
)

// MaxSuggestions is how many close matches Closest returns at most.
const MaxSuggestions = 3

// Closest returns the candidates closest to name, case-insensitively (edit
// distance at most a third of the name, and at least 2), nearest first, at
// most MaxSuggestions of them. A custom object named without its "__c"
// counts as one edit. It serves "did you mean" hints for object names and
// configuration keys alike.
func Closest(name string, candidates []string) []string {
	lower := strings.ToLower(name)
	if lower == "" {
		return nil
	}
	limit := max(2, len([]rune(lower))/3)
	type match struct {
		name string
		dist int
	}
	var ms []match
	for _, c := range candidates {
		cand := strings.ToLower(c)
		d := distance(lower, cand)
		if cand == lower+"__c" {
			d = 1
		}
		if d <= limit {
			ms = append(ms, match{c, d})
		}
	}
	slices.SortStableFunc(ms, func(a, b match) int { return a.dist - b.dist })
	var out []string
	for _, m := range ms[:min(len(ms), MaxSuggestions)] {
		out = append(out, m.name)
	}
	return out
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
