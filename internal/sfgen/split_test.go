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
)

// TestSplitChunk: declarations go to their object's file, formatted as
// gofmt formats them (aligned fields, a list in a doc comment), importing
// what the code names and not what a comment says.
func TestSplitChunk(t *testing.T) {
	thing, other := &Object{API: "Thing__c", GoName: "ThingC"}, &Object{API: "Other", GoName: "Other"}
	cfg := &Config{Package: "model", ImportPath: "example.com/m"}
	src := "package model\n\nimport (\n\t\"fmt\"\n)\n\n" +
		"// ThingC is:\n//   - a list\ntype ThingC  struct {\n    A *string`json:\"A\"`\n    Bcd *sftype.Date`json:\"Bcd\"`\n}\n" +
		"// Other says json.Marshal.   \ntype Other  struct {\n// A a.\n    A nullable.Nullable[picklists.OtherAValue]`json:\"A\"`\n}\n" +
		"type ThingCCreate  struct {\n    A *string`json:\"A\"`\n}\n"
	cc := &chunkCode{owner: map[string]*Object{"ThingC": thing, "ThingCCreate": thing, "Other": other}, code: map[*Object]*objectCode{}}
	files, err := splitChunk("Thing__c", []byte(src), cc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"thing__c.gen.go": header + `
package model

import "github.com/typedforce/typedforce/sobjects/sftype"

// ThingC is:
//   - a list
type ThingC struct {
	A   *string      ` + "`json:\"A\"`" + `
	Bcd *sftype.Date ` + "`json:\"Bcd\"`" + `
}

type ThingCCreate struct {
	A *string ` + "`json:\"A\"`" + `
}
`,
		"other.gen.go": header + `
package model

import (
	picklists "example.com/m/internal/picklisttypes"
	"github.com/oapi-codegen/nullable"
)

// Other says json.Marshal.
type Other struct {
	// A a.
	A nullable.Nullable[picklists.OtherAValue] ` + "`json:\"A\"`" + `
}
`,
	}
	if len(files) != len(want) {
		t.Fatalf("%d files, want %d", len(files), len(want))
	}
	for _, f := range files {
		if string(f.Data) != want[f.Name] {
			t.Errorf("%s:\n%s\nwant:\n%s", f.Name, f.Data, want[f.Name])
		}
		if formatted, err := format.Source(f.Data); err != nil || !bytes.Equal(formatted, f.Data) {
			t.Errorf("%s is not gofmt-formatted (%v)", f.Name, err)
		}
	}
	cc.owner = map[string]*Object{"ThingC": thing}
	if _, err := splitChunk("Thing__c", []byte(src), cc, cfg); err == nil || !strings.Contains(err.Error(), "no object owns") {
		t.Errorf("a declaration of no object: %v", err)
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
