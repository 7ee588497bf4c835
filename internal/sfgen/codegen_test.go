package sfgen

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/internal/synthorg"
)

// synthModel builds a synthetic org of the given number of objects.
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

// TestChunksOverlap: GoFiles runs chunks side by side (one in oapi-codegen,
// one converted or split); the files are those of the chunks generated one
// after the other, byte for byte, one per object.
func TestChunksOverlap(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m, cfg := synthModel(t, 2*chunkSize+1)
	got, err := GoFiles(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := codegenOptions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for start := 0; start < len(m.Objects); start += chunkSize {
		files, err := generateChunk(m.Objects[start:min(start+chunkSize, len(m.Objects))], opts, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			want[f.Name] = f.Data
		}
	}
	if len(want) != len(m.Objects) {
		t.Fatalf("%d object files for %d objects", len(want), len(m.Objects))
	}
	objectFiles := 0
	for _, f := range got {
		if w, ok := want[f.Name]; ok {
			objectFiles++
			if !bytes.Equal(f.Data, w) {
				t.Errorf("%s differs from its chunk generated alone", f.Name)
			}
		}
	}
	if objectFiles != len(want) {
		t.Errorf("%d object files, want %d", objectFiles, len(want))
	}
}

// TestChunkError: oapi-codegen rejecting one chunk fails the run with its
// error, naming the chunk's objects.
func TestChunkError(t *testing.T) {
	m, cfg := synthModel(t, 2*chunkSize+1)
	m.Objects[chunkSize+1].Fields[0].GoName = "Bad`Name" // oapi-codegen refuses a backtick in x-go-name
	_, err := GoFiles(m, cfg)
	if err == nil || !strings.Contains(err.Error(), "oapi-codegen (objects "+m.Objects[chunkSize].API+" to ") {
		t.Fatalf("GoFiles = %v; want oapi-codegen's error naming the second chunk", err)
	}
}
