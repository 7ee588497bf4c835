package peers_test

import (
	"bytes"
	"encoding/json"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/peers"
	"github.com/typedforce/typedforce/sampleorg"
)

// streamRecords decodes the records of a page one by one into buf, as
// typedforce's query iterator does (the page's other keys are skipped).
func streamRecords[T any](tb testing.TB, page []byte, buf []T) []T {
	dec := json.NewDecoder(bytes.NewReader(page))
	if _, err := dec.Token(); err != nil {
		tb.Fatal(err)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			tb.Fatal(err)
		}
		if key != "records" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		if _, err := dec.Token(); err != nil {
			tb.Fatal(err)
		}
		for dec.More() {
			var zero T
			buf = append(buf, zero)
			if err := dec.Decode(&buf[len(buf)-1]); err != nil {
				tb.Fatal(err)
			}
		}
		if _, err := dec.Token(); err != nil {
			tb.Fatal(err)
		}
	}
	return buf
}

// BenchmarkPageShapes tells apart what the typed decode pays for the
// generated read shape, in memory (no HTTP), interleaved, from a collected
// heap each time: the same streaming decode of a 2,000-record page into
// HandAccount and into sampleorg.Account, with the page buffer grown by append
// (as typedforce's iterator does on a query's first page) or sized to the
// page up front (totalSize comes before records).
//
//	go test -run XXX -bench PageShapes -benchtime 40x ./peers
func BenchmarkPageShapes(b *testing.B) {
	page := []byte(`{"totalSize":2000,"done":true,"records":` + string(fakeorg.Records(fakeorg.PageSize)) + `}`)
	cases := []struct {
		name string
		run  func()
	}{
		{"hand-grown", func() { streamRecords[peers.HandAccount](b, page, nil) }},
		{"gen-grown", func() { streamRecords[sampleorg.Account](b, page, nil) }},
		{"gen-presized", func() { streamRecords(b, page, make([]sampleorg.Account, 0, fakeorg.PageSize)) }},
	}
	took := make([][]float64, len(cases))
	alloc := make([]uint64, len(cases))
	var ms runtime.MemStats
	for i := 0; b.Loop(); i++ {
		for j := range cases {
			k := (i + j) % len(cases)
			runtime.GC()
			runtime.ReadMemStats(&ms)
			before := ms.TotalAlloc
			t0 := time.Now()
			cases[k].run()
			took[k] = append(took[k], float64(time.Since(t0)))
			runtime.ReadMemStats(&ms)
			alloc[k] += ms.TotalAlloc - before
		}
	}
	n := float64(len(took[0]))
	for k, c := range cases {
		r := make([]float64, len(took[k]))
		for i := range r {
			r[i] = took[0][i] / took[k][i]
		}
		slices.Sort(r)
		b.ReportMetric(r[len(r)/2], c.name+"-speed-vs-hand")
		b.ReportMetric(float64(alloc[k])/n/1e6, c.name+"-MB/page")
	}
	b.ReportMetric(0, "ns/op")
}
