package sobjects_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/typedforce/typedforce/internal/benchdata"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

// pageSize is a full query page; the records are internal/benchdata's, the
// same bytes the bench module decodes.
const pageSize = benchdata.PageSize

// decoders are the ways of reading a page that the benchmarks compare.
func decoders(tb testing.TB) map[string]func([]byte) int {
	var buf []sampleorg.Account
	return map[string]func([]byte) int{
		// typed: this package's streaming decoder into the generated
		// struct, into a buffer reused from page to page (as Query does).
		"typed": func(page []byte) int {
			clear(buf)
			var err error
			if buf, _, err = sobjects.DecodePage(bytes.NewReader(page), buf[:0]); err != nil {
				tb.Fatal(err)
			}
			return len(buf)
		},
		// struct: encoding/json into hand-written structs, the limit.
		"struct": func(page []byte) int {
			var p benchdata.HandPage
			if err := json.Unmarshal(page, &p); err != nil {
				tb.Fatal(err)
			}
			return len(p.Records)
		},
		// maps: encoding/json into map[string]any, what map-based clients
		// do before any mapping into structs.
		"maps": func(page []byte) int {
			var p map[string]any
			if err := json.Unmarshal(page, &p); err != nil {
				tb.Fatal(err)
			}
			return len(p["records"].([]any))
		},
	}
}

// BenchmarkDecodePage decodes a page of 2,000 accounts three ways. The
// comparison with peer libraries (maps then mapstructure, as
// k-capehart/go-salesforce does) lives in the bench module, so that peers
// never become dependencies of this one.
//
//	go test -run XXX -bench DecodePage -benchmem ./sobjects
func BenchmarkDecodePage(b *testing.B) {
	page := benchdata.Page(pageSize)
	dec := decoders(b)
	for _, name := range []string{"typed", "struct", "maps"} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				if n := dec[name](page); n != pageSize {
					b.Fatalf("%d records", n)
				}
			}
			b.ReportMetric(float64(pageSize*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkDecodeRatios interleaves the decoders in one run, so that load
// on the machine weighs on all of them alike, and reports the median over
// iterations of each speed ratio (records/s of typed over records/s of the
// other; medians, because a preempted decode skews a mean) and the ratios of
// bytes allocated.
//
//	go test -run XXX -bench DecodeRatios -benchtime 40x ./sobjects
func BenchmarkDecodeRatios(b *testing.B) {
	page := benchdata.Page(pageSize)
	dec := decoders(b)
	names := []string{"typed", "struct", "maps"}
	took := map[string][]time.Duration{}
	alloc := map[string]uint64{}
	var ms runtime.MemStats
	for b.Loop() {
		for _, name := range names {
			// Start each from a collected heap, so that no decoder pays
			// for the garbage of the one before it.
			runtime.GC()
			runtime.ReadMemStats(&ms)
			before := ms.TotalAlloc
			start := time.Now()
			dec[name](page)
			took[name] = append(took[name], time.Since(start))
			runtime.ReadMemStats(&ms)
			alloc[name] += ms.TotalAlloc - before
		}
	}
	speedup := func(other string) float64 {
		r := make([]float64, len(took["typed"]))
		for i := range r {
			r[i] = float64(took[other][i]) / float64(took["typed"][i])
		}
		slices.Sort(r)
		return r[len(r)/2]
	}
	typed := slices.Clone(took["typed"])
	slices.Sort(typed)
	b.ReportMetric(pageSize/typed[len(typed)/2].Seconds(), "typed-records/s")
	for _, other := range names[1:] {
		b.ReportMetric(speedup(other), "x-speed-vs-"+other)
		b.ReportMetric(float64(alloc["typed"])/float64(alloc[other]), "x-bytes-vs-"+other)
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkQuery200k iterates a 200,000-record query (100 pages of 2,000)
// through the whole client, and prints the peak live heap measured in the
// middle of every page: bounded by one page, not by the result.
//
//	go test -run XXX -bench Query200k -benchtime 1x ./sobjects
func BenchmarkQuery200k(b *testing.B) {
	const pages, total = 100, 100 * pageSize
	records := benchdata.Records(pageSize) // shared by every page, read-only
	c, mock := newClient(b)
	pageResp := func(n int) *http.Response {
		head := `{"totalSize":` + strconv.Itoa(total) + `,"done":true,`
		if n < pages {
			head = fmt.Sprintf(`{"totalSize":%d,"done":false,"nextRecordsUrl":"/services/data/v67.0/query/01gxx000000BigAAA-%d",`, total, n*pageSize)
		}
		r := sfResponse(200, "")
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader([]byte(head+`"records":`)), bytes.NewReader(records), bytes.NewReader([]byte("}"))))
		return r
	}
	mock.RegisterResponder("GET", base+"/query", func(*http.Request) (*http.Response, error) { return pageResp(1), nil })
	mock.RegisterRegexpResponder("GET", regexp.MustCompile(`/query/01gxx000000BigAAA-(\d+)$`), func(req *http.Request) (*http.Response, error) {
		n, err := httpmock.GetSubmatchAsInt(req, 1)
		return pageResp(int(n)/pageSize + 1), err
	})
	var ms runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base, totalBefore := ms.HeapAlloc, ms.TotalAlloc
		var peak uint64
		n := 0
		for acc, err := range sobjects.Query[sampleorg.Account](testCtx(b), c, "SELECT Id, Name FROM Account") {
			if err != nil {
				b.Fatal(err)
			}
			if acc.Owner == nil {
				b.Fatal("no owner")
			}
			if n++; n%pageSize == pageSize/2 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		runtime.ReadMemStats(&ms)
		if n != total {
			b.Fatalf("%d records", n)
		}
		fmt.Printf("figure: query_peak_heap_mb_200k = %.1f\n", float64(peak)/1e6)
		fmt.Printf("figure: query_heap_before_mb_200k = %.1f (fixture and test binary)\n", float64(base)/1e6)
		fmt.Printf("figure: query_total_alloc_mb_200k = %.0f\n", float64(ms.TotalAlloc-totalBefore)/1e6)
	}
}
