// Command peerbench measures typedforce side by side with what users would
// pick instead, in one run, against a loopback org (package fakeorg): plain
// net/http + encoding/json into hand-written structs (the limit),
// typedforce, github.com/k-capehart/go-salesforce/v3,
// github.com/simpleforce/simpleforce, and the interceptor design
// re-implemented as a baseline (package interceptor).
//
// It prints one `figure: name = value` line per figure, with the spread
// over rounds in parentheses, and `#` lines with the details. Contestants
// run interleaved, in an order rotated every round, so that load from
// elsewhere on the machine weighs on all of them alike; figures are
// medians over rounds.
//
//	go run ./cmd/peerbench [-rounds 30] [-only get,patch,decode,heap,storm,sustained,composite,bulk]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/peers"
)

func main() {
	rounds := flag.Int("rounds", 30, "rounds of the GET and PATCH throughput runs")
	block := flag.Int("block", 100, "requests per contestant per throughput round")
	decodeRounds := flag.Int("decode-rounds", 31, "rounds of the query decode run")
	stormRounds := flag.Int("storm-rounds", 5, "storms per contestant and server model")
	callers := flag.Int("callers", 1000, "concurrent callers in a storm")
	latency := flag.Duration("latency", 20*time.Millisecond, "upper bound of the random latency of every answer in storms")
	sustain := flag.Duration("sustain", 2*time.Second, "length of the sustained-load run after the expiry")
	workers := flag.Int("workers", 64, "callers looping in the sustained-load run")
	heapRecords := flag.Int("heap-records", 200000, "records of the query whose peak heap is measured")
	kcHeap := flag.Bool("kcapehart-heap", true, "measure k-capehart's heap on the same large query too")
	compositeRounds := flag.Int("composite-rounds", 15, "rounds of the composite run")
	compositeLatency := flag.Duration("composite-latency", 20*time.Millisecond, "latency of every answer in the composite run")
	only := flag.String("only", "", "comma-separated sections to run (get,patch,decode,heap,storm,sustained,composite,bulk); all when empty")
	bulkRecords := flag.Int("bulk-records", 1_000_000, "records of the Bulk API 2.0 ingest and query")
	bulkRounds := flag.Int("bulk-rounds", 1, "rounds of the Bulk API 2.0 runs")
	flag.Parse()

	run := func(section string) bool {
		return *only == "" || slices.Contains(strings.Split(*only, ","), section)
	}
	peers.QuietPeerLogs()
	ctx := context.Background()
	org := fakeorg.New()
	defer org.Close()
	b := &bench{ctx: ctx, org: org}

	fmt.Printf("# peerbench: %s, GOMAXPROCS=%d, %s/%s, %s, load average %s\n",
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, cpuModel(), loadAvg())
	start := time.Now()
	var err error
	if run("get") && err == nil {
		err = b.throughput("get", *rounds, *block)
	}
	if run("patch") && err == nil {
		err = b.throughput("patch", *rounds, *block)
	}
	if run("decode") && err == nil {
		err = b.decode(*decodeRounds)
	}
	if run("heap") && err == nil {
		err = b.heap(*heapRecords, *kcHeap)
	}
	if run("bulk") && err == nil {
		err = b.bulk(*bulkRecords, *bulkRounds)
	}
	if run("storm") && err == nil {
		err = b.storms(*stormRounds, *callers, *latency)
	}
	if run("sustained") && err == nil {
		err = b.sustained(*workers, *sustain, *latency)
	}
	if run("composite") && err == nil {
		err = b.composite(*compositeRounds, *compositeLatency)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		os.Exit(1)
	}
	fmt.Printf("# peerbench took %.0f s, load average %s\n", time.Since(start).Seconds(), loadAvg())
}

type bench struct {
	ctx      context.Context
	org      *fakeorg.Org
	overhead []float64 // the GET and PATCH ratios, once measured
}

func figure(name string, format string, v any, note string, args ...any) {
	line := fmt.Sprintf("figure: %s = "+format, name, v)
	if note != "" {
		line += " (" + fmt.Sprintf(note, args...) + ")"
	}
	fmt.Println(line)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "cpu unknown"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "cpu unknown"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
