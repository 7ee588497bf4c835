package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/peers"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

// build makes contestants on one token family of the Tolerant model, so
// that none of them revokes another's token.
func (b *bench) build(builders ...peers.Builder) ([]*peers.Contestant, func(), error) {
	rt := b.org.Reset(fakeorg.Tolerant)
	var cs []*peers.Contestant
	closeAll := func() {
		for _, c := range cs {
			c.Close()
		}
	}
	for _, build := range builders {
		c, err := build(b.ctx, b.org, rt)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		cs = append(cs, c)
	}
	return cs, closeAll, nil
}

// rotated returns cs in round r's order: each round starts one further.
func rotated[T any](cs []T, r int) []T {
	out := make([]T, len(cs))
	for i := range cs {
		out[i] = cs[(i+r)%len(cs)]
	}
	return out
}

// throughput measures single-record GET or PATCH from one goroutine. The
// contestants take turns request by request (in an order rotated every
// request), so that load from elsewhere weighs on all of them alike; each
// request is timed. A round is block requests per contestant; its figure
// is each contestant's median latency, and requests/s ratios against
// net/http are taken round by round.
func (b *bench) throughput(op string, rounds, block int) error {
	cs, closeAll, err := b.build(peers.NetHTTP, peers.Typedforce, peers.KCapehart, peers.Simpleforce, peers.Interceptor)
	if err != nil {
		return err
	}
	defer closeAll()
	calls := make([]func(context.Context, string) error, len(cs))
	for i, c := range cs {
		calls[i] = c.Get
		if op == "patch" {
			calls[i] = c.Patch
		}
	}
	round := func(k0 int) ([]float64, error) {
		ds := make([][]time.Duration, len(cs))
		for k := range block {
			id := fakeorg.RecordID(k0 + k)
			for j := range cs {
				i := (j + k) % len(cs)
				t0 := time.Now()
				if err := calls[i](b.ctx, id); err != nil {
					return nil, fmt.Errorf("%s %s: %w", cs[i].Name, op, err)
				}
				ds[i] = append(ds[i], time.Since(t0))
			}
		}
		p50 := make([]float64, len(cs))
		for i := range cs {
			p50[i] = medianDur(ds[i])
		}
		return p50, nil
	}
	if _, err := round(0); err != nil { // warm up: connections, first token, code paths
		return err
	}
	p50 := map[string][]float64{}
	for r := range rounds {
		m, err := round(r * block)
		if err != nil {
			return err
		}
		for i, c := range cs {
			p50[c.Name] = append(p50[c.Name], m[i])
		}
	}
	base := p50[cs[0].Name]
	fmt.Printf("# %s: %d rounds x %d sequential requests per contestant, taking turns request by request; requests/s from each round's median latency\n", op, rounds, block)
	for _, c := range cs {
		lat := median(p50[c.Name])
		r := summarize(ratios(base, p50[c.Name]))
		fmt.Printf("#   %-24s p50 %6.1f us  %7.0f requests/s  %.3fx net/http (%s)\n", c.Name, lat/1e3, 1e9/lat, r.med, r)
	}
	r := summarize(ratios(base, p50["typedforce"]))
	figure("overhead_ratio_vs_nethttp_"+op, "%.3f", r.med, "%s", r)
	b.overhead = append(b.overhead, r.med)
	if len(b.overhead) == 2 {
		figure("overhead_ratio_vs_nethttp", "%.3f", slices.Min(b.overhead), "the lower of GET and PATCH")
	}
	return nil
}

// decode measures query decode: each contestant runs the same query for
// one page of 2,000 records against the org, decoding every record, from
// a collected heap; bytes are what the process allocated meanwhile.
func (b *bench) decode(rounds int) error {
	cs, closeAll, err := b.build(peers.NetHTTP, peers.NetHTTPStream, peers.Typedforce, peers.TypedforceHand, peers.KCapehart, peers.Simpleforce, peers.Maps)
	if err != nil {
		return err
	}
	defer closeAll()
	soql := peers.SOQL(fakeorg.PageSize)
	var ms runtime.MemStats
	var cpuTook time.Duration
	one := func(c *peers.Contestant) (time.Duration, uint64, error) {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		cpu0 := processCPU()
		t0 := time.Now()
		n, err := c.Query(b.ctx, soql)
		d := time.Since(t0)
		cpuTook = processCPU() - cpu0
		runtime.ReadMemStats(&ms)
		if err == nil && n != fakeorg.PageSize {
			err = fmt.Errorf("%d records", n)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("%s query: %w", c.Name, err)
		}
		return d, ms.TotalAlloc - before, nil
	}
	for _, c := range cs {
		if _, _, err := one(c); err != nil {
			return err
		}
	}
	took := map[string][]float64{}
	cpu := map[string][]float64{}
	alloc := map[string][]float64{}
	for r := range rounds {
		for _, c := range rotated(cs, r) {
			d, a, err := one(c)
			if err != nil {
				return err
			}
			took[c.Name] = append(took[c.Name], float64(d))
			cpu[c.Name] = append(cpu[c.Name], float64(cpuTook))
			alloc[c.Name] = append(alloc[c.Name], float64(a))
		}
	}
	const typed = "typedforce"
	fmt.Printf("# decode: %d rounds of a 2,000-record page (%d-byte body) through each client, interleaved, from a collected heap\n",
		rounds, len(fakeorg.Records(fakeorg.PageSize))+40)
	for _, c := range cs {
		r := summarize(ratios(took[c.Name], took[typed]))
		rc := summarize(ratios(cpu[c.Name], cpu[typed]))
		fmt.Printf("#   %-24s %7.0f records/s  %6.1f MB/page  typedforce is %.2fx as fast (%s), allocates %.3fx the bytes; CPU time ratio %.2f (%s)\n",
			c.Name, fakeorg.PageSize/(median(took[c.Name])/1e9), median(alloc[c.Name])/1e6,
			r.med, r, median(alloc[typed])/median(alloc[c.Name]), rc.med, rc)
	}
	rb := summarize(ratios(took["net/http+struct"], took[typed]))
	rs := summarize(ratios(took["net/http+struct-stream"], took[typed]))
	r := rb
	if rs.med < r.med {
		r = rs
	}
	figure("decode_ratio_vs_handwritten", "%.3f", r.med, "against the faster hand-written decode, %s; %s", map[bool]string{true: "streamed", false: "buffered"}[r == rs], r)
	figure("decode_ratio_vs_handwritten_buffered", "%.3f", rb.med, "json.Decoder.Decode of the whole page; %s", rb)
	figure("decode_ratio_vs_handwritten_streamed", "%.3f", rs.med, "record by record, as typedforce reads; %s", rs)
	r = summarize(ratios(took["net/http+struct-stream"], took["typedforce+HandAccount"]))
	// The same struct on both sides: what the client and its streaming
	// decoder cost, apart from the generated read shape.
	figure("decode_ratio_vs_handwritten_same_struct", "%.3f", r.med, "typedforce's Query into HandAccount against the streamed hand-written decode; %s", r)
	r = summarize(ratios(took["k-capehart"], took[typed]))
	figure("decode_speedup_vs_kcapehart", "%.2f", r.med, "%s", r)
	figure("decode_alloc_ratio_vs_kcapehart", "%.3f", median(alloc[typed])/median(alloc["k-capehart"]), "%.1f MB against %.1f MB per page",
		median(alloc[typed])/1e6, median(alloc["k-capehart"])/1e6)
	r = summarize(ratios(took["simpleforce"], took[typed]))
	figure("decode_speedup_vs_simpleforce", "%.2f", r.med, "%s", r)
	figure("decode_records_per_s_typedforce", "%.0f", fakeorg.PageSize/(median(took[typed])/1e9), "")
	return nil
}

// heapSampler records the largest HeapAlloc it sees (garbage included)
// until stopped.
func heapSampler(every time.Duration) (stop func() uint64) {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// heap iterates a large query through typedforce and reports the peak
// live heap, measured after a collection in the middle of every page; and
// the peak HeapAlloc sampled every 10 ms for typedforce and k-capehart.
func (b *bench) heap(records int, kc bool) error {
	rt := b.org.Reset(fakeorg.Tolerant)
	c, hc, err := peers.NewTypedforce(b.org, rt)
	if err != nil {
		return err
	}
	defer hc.CloseIdleConnections()
	soql := peers.SOQL(records)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, total := ms.HeapAlloc, ms.TotalAlloc
	stop := heapSampler(10 * time.Millisecond)
	var peak uint64
	n := 0
	t0 := time.Now()
	for rec, err := range sobjects.Query[sampleorg.Account](b.ctx, c, soql) {
		if err != nil {
			stop()
			return err
		}
		if rec.Owner == nil {
			stop()
			return fmt.Errorf("record %d without its Owner", n)
		}
		if n++; n%fakeorg.PageSize == fakeorg.PageSize/2 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	d := time.Since(t0)
	sampled := stop()
	runtime.ReadMemStats(&ms)
	if n != records {
		return fmt.Errorf("typedforce read %d of %d records", n, records)
	}
	name := fmt.Sprintf("query_peak_heap_mb_%dk", records/1000)
	figure(name, "%.1f", float64(peak)/1e6, "live heap after a GC mid-page, %.1f MB of it there before the query; %d pages in %.1f s; %.0f MB allocated in all; sampled HeapAlloc peak %.0f MB",
		float64(base)/1e6, records/fakeorg.PageSize, d.Seconds(), float64(ms.TotalAlloc-total)/1e6, float64(sampled)/1e6)
	if !kc {
		return nil
	}
	cs, closeAll, err := b.build(peers.KCapehart)
	if err != nil {
		return err
	}
	defer closeAll()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base = ms.HeapAlloc
	stop = heapSampler(10 * time.Millisecond)
	t0 = time.Now()
	n, err = cs[0].Query(b.ctx, soql)
	d = time.Since(t0)
	sampled = stop()
	if err != nil || n != records {
		return fmt.Errorf("k-capehart read %d of %d records: %v", n, records, err)
	}
	figure(name+"_kcapehart", "%.0f", float64(sampled)/1e6, "sampled HeapAlloc peak, garbage included, %.1f MB before; it holds every record of the result; %.1f s",
		float64(base)/1e6, d.Seconds())
	return nil
}

var models = []fakeorg.Model{fakeorg.Tolerant, fakeorg.Revoking}

type entrant struct {
	name  string
	build peers.Builder
}

var stormEntrants = []entrant{
	{"typedforce", peers.Typedforce},
	{"interceptor", peers.Interceptor},
	{"kcapehart", peers.KCapehart},
	{"simpleforce", peers.Simpleforce},
}

// storms runs session-expiry storms: callers concurrent callers meet an
// expired session, in both server models, rounds times per contestant,
// interleaved.
func (b *bench) storms(rounds, callers int, latency time.Duration) error {
	tokens := map[string][]int64{}
	failed := map[string][]int64{}
	key := func(name string, m fakeorg.Model) string { return name + "_" + m.String() }
	for r := range rounds {
		for _, e := range rotated(stormEntrants, r) {
			for _, m := range models {
				res, err := peers.Storm(b.ctx, b.org, e.build, m, callers, latency)
				if err != nil {
					return err
				}
				k := key(e.name, m)
				tokens[k] = append(tokens[k], res.TokenCalls)
				failed[k] = append(failed[k], int64(res.Failed))
			}
		}
	}
	fmt.Printf("# storm: %d callers, expired session, 0-%v latency on every answer, %d storms per contestant and model\n", callers, latency, rounds)
	for _, e := range stormEntrants {
		for _, m := range models {
			k := key(e.name, m)
			t, f := summarize(ints(tokens[k])), summarize(ints(failed[k]))
			fmt.Printf("#   %-12s %-8s token requests median %4.0f (range %.0f-%.0f)   failed calls median %4.0f (range %.0f-%.0f)\n",
				e.name, m, t.med, t.minV, t.maxV, f.med, f.minV, f.maxV)
			if e.name != "typedforce" {
				figure("storm_token_calls_"+k, "%.0f", t.med, "median; range %.0f-%.0f", t.minV, t.maxV)
				figure("storm_failed_calls_"+k, "%.0f", f.med, "median; range %.0f-%.0f", f.minV, f.maxV)
			}
		}
	}
	all := append(slices.Clone(tokens[key("typedforce", fakeorg.Tolerant)]), tokens[key("typedforce", fakeorg.Revoking)]...)
	figure("token_calls_per_expiry", "%d", slices.Max(all), "the most of %d storms, both models; fewest %d", len(all), slices.Min(all))
	rev := failed[key("typedforce", fakeorg.Revoking)]
	figure("storm_failed_calls_revoking", "%d", slices.Max(rev), "the most of %d storms of %d callers", len(rev), callers)
	tol := failed[key("typedforce", fakeorg.Tolerant)]
	figure("storm_failed_calls_tolerant", "%d", slices.Max(tol), "the most of %d storms of %d callers", len(tol), callers)
	return nil
}

// sustained expires the session under sustained load in the Revoking
// model: workers loop on GET for d after the expiry.
func (b *bench) sustained(workers int, d, latency time.Duration) error {
	fmt.Printf("# sustained: %d workers looping on GET, session expired under them, revoking model, 0-%v latency, %v after the expiry\n", workers, latency, d)
	for _, e := range stormEntrants[:3] {
		res, err := peers.Sustained(b.ctx, b.org, e.build, fakeorg.Revoking, workers, d, latency)
		if err != nil {
			return err
		}
		fmt.Printf("#   %-12s %5d token requests  %6d failed of %6d calls  last token request %v after the expiry\n",
			e.name, res.TokenCalls, res.Failed, res.Calls, res.LastRefresh.Round(time.Millisecond))
		figure("sustained_token_calls_"+e.name, "%d", res.TokenCalls, "%d failed of %d calls; last token request %v after the expiry",
			res.Failed, res.Calls, res.LastRefresh.Round(time.Millisecond))
	}
	return nil
}
