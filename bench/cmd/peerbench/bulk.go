package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/peers"
)

// bulkRun is one measured run of a Bulk API 2.0 contestant.
type bulkRun struct {
	took time.Duration
	peak uint64 // sampled HeapAlloc peak, garbage included, less the heap before the run
}

// measure runs f after a collection, sampling the heap every 10 ms.
func measure(f func() (int, error), want int) (bulkRun, error) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	stop := heapSampler(10 * time.Millisecond)
	t0 := time.Now()
	n, err := f()
	took := time.Since(t0)
	peak := stop()
	if err == nil && n != want {
		err = fmt.Errorf("%d of %d records", n, want)
	}
	return bulkRun{took: took, peak: peak - min(peak, base)}, err
}

// bulk ingests and queries records records through typedforce's bulk
// package and k-capehart's bulk functions, interleaved, rounds times.
func (b *bench) bulk(records, rounds int) error {
	rt := b.org.Reset(fakeorg.Tolerant)
	c, hc, err := peers.NewTypedforce(b.org, rt)
	if err != nil {
		return err
	}
	defer hc.CloseIdleConnections()
	soql := peers.SOQL(records)
	b.org.WarmBulkQuery(soql, records)
	type contestant struct {
		name   string
		ingest func() (int, error)
		query  func() (int, error)
	}
	cs := []contestant{
		{"typedforce", func() (int, error) { return peers.TypedforceBulkInsert(b.ctx, c, records) },
			func() (int, error) { return peers.TypedforceBulkQuery(b.ctx, c, soql) }},
		{"kcapehart", func() (int, error) { return peers.KCapehartBulkInsert(b.org, records) },
			func() (int, error) { return peers.KCapehartBulkQuery(b.org, soql) }},
	}
	runs := map[string][]bulkRun{}
	for r := range rounds {
		for _, ct := range rotated(cs, r) {
			before := b.org.BulkRecords()
			run, err := measure(ct.ingest, records)
			if err == nil && b.org.BulkRecords()-before != int64(records) {
				err = fmt.Errorf("the org received %d records", b.org.BulkRecords()-before)
			}
			if err != nil {
				return fmt.Errorf("%s ingest: %w", ct.name, err)
			}
			runs[ct.name+" ingest"] = append(runs[ct.name+" ingest"], run)
			if run, err = measure(ct.query, records); err != nil {
				return fmt.Errorf("%s query: %w", ct.name, err)
			}
			runs[ct.name+" query"] = append(runs[ct.name+" query"], run)
		}
	}
	k := fmt.Sprintf("%s", millions(records))
	for _, op := range []string{"ingest", "query"} {
		ours, theirs := runs["typedforce "+op], runs["kcapehart "+op]
		var speed []float64
		for i := range ours {
			speed = append(speed, theirs[i].took.Seconds()/ours[i].took.Seconds())
		}
		s := summarize(speed)
		figure("bulk_"+op+"_peak_heap_mb_"+k, "%.1f", mb(maxPeak(ours)),
			"sampled HeapAlloc peak over the heap before, garbage included; %.0f records/s", float64(records)/median(secs(ours)))
		figure("bulk_"+op+"_peak_heap_mb_"+k+"_kcapehart", "%.1f", mb(maxPeak(theirs)),
			"same measure; %.0f records/s", float64(records)/median(secs(theirs)))
		figure("bulk_"+op+"_speedup_vs_kcapehart", "%.2f", s.med, "records/s ratio, %s", s)
	}
	return nil
}

func millions(n int) string {
	if n%1_000_000 == 0 {
		return fmt.Sprintf("%dm", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

func mb(b uint64) float64 { return float64(b) / 1e6 }

func maxPeak(rs []bulkRun) uint64 {
	var m uint64
	for _, r := range rs {
		m = max(m, r.peak)
	}
	return m
}

func secs(rs []bulkRun) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = r.took.Seconds()
	}
	return out
}
