package describe

import (
	"os"
	"path/filepath"
	"slices"
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

// BenchmarkDecode compares, on one goroutine, the fast path with
// encoding/json alone (what Parse did before the fast path), on the
// synthetic org and on the real describes (much more verbose: most of their
// keys are ignored).
func BenchmarkDecode(b *testing.B) {
	dir := b.TempDir()
	if err := synthorg.Write(dir, benchObjects, benchFields); err != nil {
		b.Fatal(err)
	}
	synth, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	real, _ := filepath.Glob(filepath.Join(realDescribes, "*.json"))
	real = slices.DeleteFunc(real, func(p string) bool { return filepath.Base(p) == "global-describe.json" })
	decoders := []struct {
		name   string
		decode func([]byte, *SObject) bool
	}{
		{"encoding-json", func(data []byte, o *SObject) bool { return decodeOne(data, o) == nil }},
		{"fast", fastDecode},
	}
	for _, set := range []struct {
		name  string
		paths []string
	}{{"synthetic", synth}, {"real", real}} {
		if len(set.paths) == 0 {
			continue // the real describes live beside the repository
		}
		docs := make([][]byte, len(set.paths))
		var size int64
		for i, path := range set.paths {
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			docs[i] = data
			size += int64(len(data))
		}
		for _, d := range decoders {
			b.Run(set.name+"/"+d.name, func(b *testing.B) {
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					for _, data := range docs {
						var o SObject
						if !d.decode(data, &o) {
							b.Fatal("decoding failed")
						}
					}
				}
			})
		}
	}
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
