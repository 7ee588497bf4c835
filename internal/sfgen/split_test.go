package sfgen

import (
	"bytes"
	"go/build"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/internal/synthorg"
)

// splitBoth splits oapi-codegen's output for every chunk of the describes
// in dir through both paths and compares their files byte for byte. It
// returns how many chunks the fast path took and how many there were.
func splitBoth(t *testing.T, dir string) (fast, chunks int) {
	t.Helper()
	objs, err := describe.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Package: "model", ImportPath: "example.com/app/model"}
	m, err := Build(objs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := codegenOptions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for start := 0; start < len(m.Objects); start += chunkSize {
		chunk := m.Objects[start:min(start+chunkSize, len(m.Objects))]
		src, cc, err := chunkSource(chunk, opts)
		if err != nil {
			t.Fatal(err)
		}
		chunks++
		if err := astSplit(chunk[0].API, src, cc.reset()); err != nil {
			t.Fatal(err)
		}
		want := cc.files(cfg)
		if !fastSplit(src, cc.reset()) {
			continue
		}
		fast++
		got := cc.files(cfg)
		if len(got) != len(want) {
			t.Fatalf("%s: %d files from the fast path, %d from go/printer", dir, len(got), len(want))
		}
		for i := range want {
			if got[i].Name != want[i].Name || !bytes.Equal(got[i].Data, want[i].Data) {
				t.Errorf("%s: %s from the fast path differs from %s by go/printer:\n%s", dir, got[i].Name, want[i].Name, firstDiff(got[i].Data, want[i].Data))
			}
		}
		for _, f := range got {
			if formatted, err := format.Source(f.Data); err != nil || !bytes.Equal(formatted, f.Data) {
				t.Errorf("%s: %s is not gofmt-formatted (%v):\n%s", dir, f.Name, err, firstDiff(f.Data, formatted))
			}
		}
	}
	return fast, chunks
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "  " + la[i] + "\nvs\n  " + lb[i]
		}
	}
	return "one is a prefix of the other"
}

// TestFastSplitMatchesPrinter: the fast path gives what go/printer gives,
// and it is the path taken for real, synthetic and hostile describes.
func TestFastSplitMatchesPrinter(t *testing.T) {
	synth := t.TempDir()
	if err := synthorg.Write(synth, chunkSize+3, 30); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"../../sampleorg/describe", "testdata/torture", "testdata/golden", synth} {
		fast, chunks := splitBoth(t, dir)
		if fast != chunks {
			t.Errorf("%s: the fast path took %d of %d chunks", dir, fast, chunks)
		}
	}
}

// TestFastSplitOddShapes: shapes the fast path does not know are left to
// go/printer; what it does take (a doc comment that gofmt reformats as a
// list) comes out as go/printer prints it. Either way the files are gofmt's.
func TestFastSplitOddShapes(t *testing.T) {
	o := &Object{API: "Thing__c", GoName: "ThingC"}
	cc := &chunkCode{owner: map[string]*Object{"ThingC": o, "ThingCKindCValue": o}}
	cfg := &Config{Package: "model", ImportPath: "example.com/m"}
	head := "package model\n\nimport (\n\t\"fmt\"\n)\n\n"
	for _, c := range []struct {
		name, body string
		fast       bool
	}{
		{"aligned fields", "type ThingC  struct {\n    A *string`json:\"A\"`\n    Bcd *int`json:\"Bcd\"`\n}\n", false},
		{"a directive", "//go:generate true\ntype ThingC  struct {\n// A a.\n    A *string`json:\"A\"`\n}\n", false},
		{"two blank lines", "type ThingC  struct {\n// A a.\n    A *string`json:\"A\"`\n\n\n// B b.\n    B *string`json:\"B\"`\n}\n", false},
		{"a raw string value", "const (\n  ThingCKindCValueA ThingCKindCValue = `a`\n)\n", false},
		{"an alias", "type ThingC = string\n", false},
		{"a list in a doc", "// ThingC is:\n//   - a list\ntype ThingC  struct {\n// A a.   \n    A *string`json:\"A\"`\n}\n", true},
		{"values", "// Defines values.\nconst (\n\n  ThingCKindCValueA ThingCKindCValue = \"a\"\n  ThingCKindCValueLonger ThingCKindCValue = \"\u00e9\\\"\"\n)\n", false},
	} {
		src := []byte(head + c.body)
		if err := astSplit("Thing__c", src, cc.reset()); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		want := cc.files(cfg)
		if fast := fastSplit(src, cc.reset()); fast != c.fast {
			t.Errorf("%s: fast path taken %v, want %v", c.name, fast, c.fast)
			continue
		}
		got := want
		if c.fast {
			got = cc.files(cfg)
		}
		for i, f := range got {
			if !bytes.Equal(f.Data, want[i].Data) {
				t.Errorf("%s: %s differs from go/printer's:\n%s", c.name, f.Name, firstDiff(f.Data, want[i].Data))
			}
			if formatted, err := format.Source(f.Data); err != nil || !bytes.Equal(formatted, f.Data) {
				t.Errorf("%s: %s is not gofmt-formatted (%v):\n%s", c.name, f.Name, err, f.Data)
			}
		}
	}
}

// TestObjectFileNoConstraint: no object's file name reads as a build
// constraint to the go command, whatever the platform.
func TestObjectFileNoConstraint(t *testing.T) {
	dir := t.TempDir()
	for api, want := range map[string]string{
		"Account":          "account.gen.go",
		"Widget__c":        "widget__c.gen.go",
		"Shipping_Windows": "shipping_windows-.gen.go",
		"Build_AMD64":      "build_amd64-.gen.go",
		"Site_linux_arm64": "site_linux_arm64-.gen.go",
		"Unit_test":        "unit_test-.gen.go",
		"Windows":          "windows.gen.go",
		"Js__c":            "js__c.gen.go",
	} {
		got := objectFile(api)
		if got != want {
			t.Errorf("objectFile(%q) = %q, want %q", api, got, want)
		}
		if err := os.WriteFile(filepath.Join(dir, got), []byte("package model\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, ctx := range []build.Context{{GOOS: "plan9", GOARCH: "386"}, {GOOS: "darwin", GOARCH: "wasm"}} {
			ctx.OpenFile = func(path string) (io.ReadCloser, error) { return os.Open(path) }
			if ok, err := ctx.MatchFile(dir, got); !ok || err != nil {
				t.Errorf("%s is not built on %s/%s (%v)", got, ctx.GOOS, ctx.GOARCH, err)
			}
		}
	}
}
