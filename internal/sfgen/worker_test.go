package sfgen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/internal/synthorg"
)

// workerEnv makes the test binary a codegen worker (see TestMain): "serve"
// serves chunks, "crash" reads the header and a chunk, then dies.
const workerEnv = "SFGEN_TEST_WORKER"

func TestMain(m *testing.M) {
	switch os.Getenv(workerEnv) {
	case "serve":
		if err := ServeWorker(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	case "crash":
		in := bufio.NewReader(os.Stdin)
		readFrame(in)
		readFrame(in)
		fmt.Fprintln(os.Stderr, "worker crashed on purpose")
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// workerCommand starts this test binary as a worker in the given mode and
// counts the workers started.
func workerCommand(t *testing.T, mode string, started *atomic.Int32) func() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return func() *exec.Cmd {
		started.Add(1)
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), workerEnv+"="+mode)
		return cmd
	}
}

// synthModel builds a synthetic org large enough for several chunks.
func synthModel(t *testing.T, objects int) (*Model, *Config) {
	t.Helper()
	dir := t.TempDir()
	if err := synthorg.Write(dir, objects, 6); err != nil {
		t.Fatal(err)
	}
	objs, err := describe.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Package: "synth", ImportPath: "example.com/app/synth"}
	m, err := Build(objs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, cfg
}

// TestWorkersMatchThisProcess generates a multi-chunk org in this process
// alone and with a worker process: the files are the same, byte for byte.
func TestWorkersMatchThisProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2)) // one worker beside this process, on any machine
	m, cfg := synthModel(t, 2*chunkSize+1)
	alone, err := GoFiles(m, cfg)
	if err != nil {
		t.Fatal(err)
	}

	var started atomic.Int32
	m2, cfg2 := synthModel(t, 2*chunkSize+1)
	cfg2.WorkerCommand = workerCommand(t, "serve", &started)
	shared, err := GoFiles(m2, cfg2)
	if err != nil {
		t.Fatal(err)
	}
	if started.Load() != 1 {
		t.Errorf("%d workers started, want 1", started.Load())
	}
	if len(alone) != len(shared) {
		t.Fatalf("%d files alone, %d with a worker", len(alone), len(shared))
	}
	for i := range alone {
		if alone[i].Name != shared[i].Name || !bytes.Equal(alone[i].Data, shared[i].Data) {
			t.Errorf("file %d: %s alone, %s with a worker, or their contents differ", i, alone[i].Name, shared[i].Name)
		}
	}
}

// TestWorkerCrash: a worker that dies mid-run fails the run with what it
// wrote on stderr, and nothing is written.
func TestWorkerCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	dir := t.TempDir()
	if err := synthorg.Write(dir, 4*chunkSize, 8); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "synth")
	var started atomic.Int32
	cfg := &Config{Describe: dir, Out: out, ImportPath: "example.com/app/synth", WorkerCommand: workerCommand(t, "crash", &started)}
	_, err := Run(cfg)
	if err == nil || !strings.Contains(err.Error(), "codegen worker") || !strings.Contains(err.Error(), "worker crashed on purpose") {
		t.Fatalf("Run = %v; want the worker's failure and its stderr", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output folder exists after a failed run (%v)", err)
	}
}

// TestWorkerStartFailure: when no worker can start, this process does the
// work alone.
func TestWorkerStartFailure(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m, cfg := synthModel(t, 2*chunkSize)
	var started atomic.Int32
	cfg.WorkerCommand = func() *exec.Cmd {
		started.Add(1)
		return exec.Command(filepath.Join(t.TempDir(), "no-such-program"))
	}
	files, err := GoFiles(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if started.Load() != 1 || len(files) < 2*chunkSize {
		t.Errorf("%d start attempts, %d files; want 1 attempt and a file per object at least", started.Load(), len(files))
	}
}

// TestServeWorker talks to ServeWorker directly: a chunk's files come back
// as this process would make them, and a chunk oapi-codegen rejects comes
// back as an error message, after which the worker still serves.
func TestServeWorker(t *testing.T) {
	m, cfg := synthModel(t, 3)
	opts, err := codegenOptions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := generateChunk(m.Objects, opts, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var req bytes.Buffer
	w := bufio.NewWriter(&req)
	writeFrame(w, encodeHeader(cfg))
	writeFrame(w, []byte("C\x01")) // one object, then nothing: truncated
	writeFrame(w, encodeChunk(m.Objects))

	var resp bytes.Buffer
	if err := ServeWorker(&req, &resp); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(&resp)
	bad, err := readFrame(r)
	if err != nil || bad[0] != 1 || !strings.Contains(string(bad), "bad chunk") {
		t.Errorf("truncated chunk: %q, %v; want an error response", bad, err)
	}
	good, err := readFrame(r)
	if err != nil || good[0] != 0 {
		t.Fatalf("chunk: %.100q, %v", good, err)
	}
	d := &decoder{b: good[1:]}
	got := d.files()
	if d.err != nil || len(got) != len(want) {
		t.Fatalf("%d files (%v), want %d", len(got), d.err, len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !bytes.Equal(got[i].Data, want[i].Data) {
			t.Errorf("file %s from the worker differs from %s made here", got[i].Name, want[i].Name)
		}
	}
	if _, err := readFrame(r); !errors.Is(err, io.EOF) {
		t.Errorf("after the last response: %v, want EOF", err)
	}
}

// TestDecodeChunkTruncated: every prefix of a chunk is an error, never a
// panic or a huge allocation.
func TestDecodeChunkTruncated(t *testing.T) {
	m, _ := synthModel(t, 2)
	frame := encodeChunk(m.Objects)
	objs, err := decodeChunk(frame)
	if err != nil || len(objs) != 2 || objs[1].API != m.Objects[1].API {
		t.Fatalf("whole chunk: %d objects, %v", len(objs), err)
	}
	step := max(1, len(frame)/1000) // every cut would take seconds under -race
	for i := 0; i < len(frame); i += step {
		if _, err := decodeChunk(frame[:i]); err == nil {
			t.Fatalf("a chunk cut at %d of %d bytes decoded without error", i, len(frame))
		}
	}
}
