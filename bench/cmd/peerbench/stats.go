package main

import (
	"fmt"
	"slices"
	"time"
)

// quantile returns the q-quantile of xs (nearest rank), 0 when empty.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q*float64(len(s)-1) + 0.5)
	return s[i]
}

func median(xs []float64) float64 { return quantile(xs, 0.5) }

func medianDur(ds []time.Duration) float64 {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return median(xs)
}

// spread describes per-round values: median, interquartile range, range.
type spread struct {
	n                         int
	med, p25, p75, minV, maxV float64
}

func summarize(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	return spread{n: len(xs), med: median(xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75),
		minV: slices.Min(xs), maxV: slices.Max(xs)}
}

// String is the note printed after a figure.
func (s spread) String() string {
	return fmt.Sprintf("median of %d rounds; IQR %.3f-%.3f, range %.3f-%.3f", s.n, s.p25, s.p75, s.minV, s.maxV)
}

// ratios returns num[i]/den[i] for each round.
func ratios(num, den []float64) []float64 {
	r := make([]float64, min(len(num), len(den)))
	for i := range r {
		r[i] = num[i] / den[i]
	}
	return r
}

func ints(xs []int64) []float64 {
	f := make([]float64, len(xs))
	for i, x := range xs {
		f[i] = float64(x)
	}
	return f
}
