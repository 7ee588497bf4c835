// Command genbench measures the generator at scale: it writes a synthetic
// org (1,000 objects of about 60 fields by default), times `typedforce
// generate` on it, then times `go build` of the output and reads the build's
// peak memory, -rounds times into fresh folders. It prints each round's
// measurements and one `figure: name = value` line per measurement, the
// median of the rounds.
//
//	go run ./internal/cmd/genbench [-objects 1000] [-fields 60] [-rounds 3] [-keep]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/typedforce/typedforce/internal/sfgen"
	"github.com/typedforce/typedforce/internal/synthorg"
)

func main() {
	objects := flag.Int("objects", 1000, "number of synthetic objects")
	fields := flag.Int("fields", 60, "fields per object")
	rounds := flag.Int("rounds", 3, "rounds of generate and build, each into a fresh folder; the figures are medians")
	keep := flag.Bool("keep", false, "keep the work folder")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the generate step to `file`")
	flag.Parse()
	if err := run(*objects, *fields, max(1, *rounds), *keep, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "genbench:", err)
		os.Exit(1)
	}
}

// round is what one round measured: seconds, and peak RSS in MB.
type round struct {
	genSeconds, genCPU, genSteal, genRSS         float64
	buildSeconds, buildCPU, buildSteal, buildRSS float64
}

// run measures; with a non-empty profile it also writes a CPU profile of
// one more, in-process run of the generator to that file.
func run(objects, fields, rounds int, keep bool, profile string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	// The output must build inside this module (it imports sobjects/sftype),
	// so the work folder is a throwaway package folder under internal/.
	work, err := os.MkdirTemp(filepath.Join(root, "internal"), "genbench-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(work)
	}
	describeDir := filepath.Join(work, "describe")
	if err := synthorg.Write(describeDir, objects, fields); err != nil {
		return err
	}

	// The figure is the typedforce command itself, built beforehand, so
	// that it includes everything a user waits for but the Go toolchain.
	bin := filepath.Join(work, "typedforce")
	if err := goBuild(root, "-o", bin, "./cmd/typedforce"); err != nil {
		return err
	}
	// Warm the build cache with the dependencies, so that the figure is the
	// generated package's own compile, not the standard library's.
	if err := goBuild(root, "./sobjects/sftype", "github.com/oapi-codegen/nullable", "github.com/oapi-codegen/runtime"); err != nil {
		return err
	}
	fmt.Printf("# %d objects x %d fields, GOMAXPROCS=%d, %s/%s, %d rounds\n",
		objects, fields, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, rounds)
	var rs []round
	var cfg *sfgen.Config
	for i := range rounds {
		// A folder of its own per round: another import path, so nothing
		// of an earlier round's build is reused.
		out := filepath.Join(work, fmt.Sprintf("synth%d", i+1))
		cfg = &sfgen.Config{Describe: describeDir, Out: out, Package: "synth", OpenAPI: filepath.Join(work, "synth.yaml")}
		r, err := measure(root, bin, cfg)
		if err != nil {
			return err
		}
		fmt.Printf("# round %d: generate %.2f s (%.2f s CPU, %.2f stolen, %.0f MB), build %.2f s (%.2f s CPU, %.2f stolen, %.0f MB)\n",
			i+1, r.genSeconds, r.genCPU, r.genSteal, r.genRSS, r.buildSeconds, r.buildCPU, r.buildSteal, r.buildRSS)
		rs = append(rs, r)
	}

	if profile != "" {
		// A profile of the same run in this process, for finding hot spots,
		// with the command's garbage collector setting. It runs after the
		// builds: a child started from a large process inherits its peak RSS
		// in the rusage the build figure is read from.
		debug.SetGCPercent(400)
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		_, err = sfgen.Run(cfg)
		pprof.StopCPUProfile()
		if err != nil {
			return err
		}
	}

	median := func(f func(round) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	fmt.Printf("figure: generate_seconds_%d = %.2f\n", objects, median(func(r round) float64 { return r.genSeconds }))
	fmt.Printf("figure: generate_peak_rss_mb_%d = %.0f\n", objects, median(func(r round) float64 { return r.genRSS }))
	fmt.Printf("figure: build_seconds_%d = %.2f\n", objects, median(func(r round) float64 { return r.buildSeconds }))
	fmt.Printf("figure: build_peak_rss_mb_%d = %.0f\n", objects, median(func(r round) float64 { return r.buildRSS }))
	fmt.Printf("# medians of %d rounds; CPU: generate %.2f s, build %.2f s\n", rounds,
		median(func(r round) float64 { return r.genCPU }), median(func(r round) float64 { return r.buildCPU }))
	return nil
}

// measure runs typedforce generate into cfg.Out, then go build of it.
func measure(root, bin string, cfg *sfgen.Config) (round, error) {
	var r round
	steal0 := stealSeconds()
	start := time.Now()
	gen := exec.Command(bin, "generate", "-q", "-describe", cfg.Describe, "-out", cfg.Out, "-package", cfg.Package, "-openapi", cfg.OpenAPI)
	gen.Stdout, gen.Stderr = os.Stderr, os.Stderr
	if err := gen.Run(); err != nil {
		return r, fmt.Errorf("typedforce generate: %w", err)
	}
	r.genSeconds = time.Since(start).Seconds()
	r.genSteal = stealSeconds() - steal0
	r.genCPU = cpuSeconds(gen.ProcessState)
	r.genRSS = float64(gen.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024

	rel, _ := filepath.Rel(root, cfg.Out)
	steal0 = stealSeconds()
	start = time.Now()
	cmd := exec.Command("go", "build", "./"+filepath.ToSlash(rel)+"/...")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return r, fmt.Errorf("go build of the generated package: %w", err)
	}
	r.buildSeconds = time.Since(start).Seconds()
	r.buildSteal = stealSeconds() - steal0
	r.buildCPU = cpuSeconds(cmd.ProcessState)
	// wait4's rusage holds the largest resident set of the go command and
	// every compiler and linker process it waited for.
	r.buildRSS = float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
	return r, nil
}

// cpuSeconds is the CPU time of a finished process and the children it
// waited for: a check on wall-clock figures taken on a busy machine.
func cpuSeconds(ps *os.ProcessState) float64 {
	return (ps.UserTime() + ps.SystemTime()).Seconds()
}

// stealSeconds is the CPU time the hypervisor has given other machines
// since boot (the steal column of /proc/stat), 0 where it is not known. On a
// shared host it explains a wall-clock figure far above CPU time / cores.
func stealSeconds() float64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	jiffies, err := strconv.ParseFloat(f[8], 64)
	if err != nil {
		return 0
	}
	return jiffies / 100 // USER_HZ
}

func goBuild(dir string, pkgs ...string) error {
	cmd := exec.Command("go", append([]string{"build"}, pkgs...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}
