package pull

import (
	"slices"
	"strings"
)

// unknownObject is the error for a name the org does not have, with the
// closest names it does have.
func unknownObject(name string, objs []Object) *Error {
	e := &Error{Object: name, Kind: ErrUnknownObject}
	if s := suggest(name, objs); len(s) > 0 {
		e.Hint = "did you mean " + strings.Join(s, ", ") + "?"
	} else {
		e.Hint = "run typedforce objects to list the org's objects"
	}
	return e
}

// maxSuggestions is how many close matches an unknown name gets at most.
const maxSuggestions = 3

// suggest returns the org's object names closest to name, case-insensitively
// (edit distance at most a third of the name, and at least 2), nearest
// first. A custom object named without its "__c" counts as one edit.
func suggest(name string, objs []Object) []string {
	lower := strings.ToLower(name)
	limit := max(2, len([]rune(lower))/3)
	type match struct {
		name string
		dist int
	}
	var ms []match
	for _, o := range objs {
		cand := strings.ToLower(o.Name)
		d := distance(lower, cand)
		if cand == lower+"__c" {
			d = 1
		}
		if d <= limit {
			ms = append(ms, match{o.Name, d})
		}
	}
	slices.SortStableFunc(ms, func(a, b match) int { return a.dist - b.dist })
	var out []string
	for _, m := range ms[:min(len(ms), maxSuggestions)] {
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
