package describe

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/typedforce/typedforce/internal/synthorg"
)

// benchObjects and benchFields size the synthetic org of the benchmarks.
const benchObjects, benchFields = 300, 60

// BenchmarkLoadDir loads a synthetic org of 300 objects of 60 fields. LoadDir
// spreads over the CPUs, so besides the wall time of ns/op it reports
// cpu-ns/op, the CPU time of the process (all threads, the GC's included).
func BenchmarkLoadDir(b *testing.B) {
	dir := b.TempDir()
	if err := synthorg.Write(dir, benchObjects, benchFields); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(dirSize(b, dir))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		objs, err := LoadDir(dir)
		if err != nil || len(objs) != benchObjects {
			b.Fatalf("LoadDir: %d objects, %v", len(objs), err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

func dirSize(b *testing.B, dir string) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			b.Fatal(err)
		}
		size += fi.Size()
	}
	return size
}

// cpuTime is the CPU time, user and system, of the whole process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
