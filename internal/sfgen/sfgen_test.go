package sfgen

import (
	"bytes"
	"flag"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/internal/naming"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// generate runs the generator on a describe folder into a fresh package
// folder inside this module (so that the output can be built) and returns
// the folder. The folder is removed when the test ends.
func generate(t *testing.T, describeDir string, options ...func(*Config)) (string, *Config) {
	t.Helper()
	out, err := os.MkdirTemp("testdata", "out-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(out) })
	cfg := &Config{Describe: describeDir, Out: filepath.Join(out, "model"), Package: "model",
		OpenAPI: filepath.Join(out, "sobjects.yaml")}
	for _, o := range options {
		o(cfg)
	}
	if _, err := Run(cfg); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out, cfg
}

func goCmd(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestTortureOrgBuilds generates a describe folder built to break generators
// (colliding names, hostile labels and picklist values, reserved names, every
// field type, unknown types) and checks that the package compiles and vets,
// and that the names follow the documented rule.
func TestTortureOrgBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code with the go command")
	}
	out, cfg := generate(t, "testdata/torture")
	// The table behind picklists.Values holds every constant's value, the
	// hostile ones included (quotes, a backquote, a byte order mark).
	if err := os.WriteFile(filepath.Join(cfg.Out, PicklistsPackage, "values_test.go"), []byte(valuesTest), 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd(t, "vet", "./"+filepath.ToSlash(cfg.Out)+"/...")
	goCmd(t, "test", "./"+filepath.ToSlash(filepath.Join(cfg.Out, PicklistsPackage)))

	code := readAll(t, cfg.Out)
	var parts []string
	for _, obj := range []string{"holdout_widget__c", "holdoutwidget__c", "lead", "client"} {
		parts = append(parts, code[obj+".gen.go"])
	}
	all := strings.Join(append(parts, code[FieldsFile], code[PicklistsFile]), "\n")
	for _, want := range []string{
		// Is_Active__c and IsActive__c: the one spelled closest keeps the base.
		"IsActiveC *bool `json:\"IsActive__c,omitempty\"`",
		"Is_Active__c *bool `json:\"Is_Active__c,omitempty\"`",
		// HoldoutWidget__c keeps HoldoutWidgetC; Holdout_Widget__c falls back to a hashed name.
		"type HoldoutWidgetC struct",
		"type HoldoutWidgetCX",
		// A field named Attributes does not take the attributes member.
		"Attributes *sftype.Attributes",
		"AttributesX *string `json:\"Attributes,omitempty\"`",
		// Picklist values: case variants, separators, digits, empty, quotes, comment ends, non-ASCII.
		`= "Open"`, `= "open"`, `= "OPEN"`, `= "In Progress"`, `= "In-Progress"`, `ValueV1stChoice`,
		`ValueEmpty `, `= "Say \"hi\""`, `= "*/ end comment"`, "= \"back`tick\"", `Economie`, `U65E5U672C`,
		// An object named Client keeps its name: a models package holds no client.
		"type Client struct",
		// A parent that is generated is typed; a polymorphic one is a Record; a missing one is left out.
		"WidgetR *HoldoutWidgetC", "WhatR *sftype.Record",
		// Child relationships are typed query results.
		"WidgetsR *sftype.QueryResult[HoldoutWidgetC]",
		// Unknown and anyType fields are raw JSON.
		"FutureC *json.RawMessage", "AnyC *json.RawMessage",
		// Every type maps to its Go representation.
		"*sftype.DateTime", "*sftype.Date ", "*sftype.Time ", "*int64", "*sftype.Location", "*sftype.Address", "*sftype.MultiPicklist",
		// The sobject tag names the object on every shape.
		`sobject:"Holdout_Widget__c"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("generated code lacks %q", want)
		}
	}
	if strings.Contains(all, "ElsewhereR") {
		t.Error("a relationship to an object that is not generated got a field; want its Id only")
	}
	// Values with control characters are kept out of the constants (oapi-codegen
	// refuses them) but nothing breaks.
	if strings.Contains(all, `"tab\tvalue"`) {
		t.Error("a value with a tab became a constant")
	}
	// Comments never carry a raw line break from a label: the object's label
	// (`Holdout */ `+"`widget`"+`\n"quoted"`) stays inside one comment line.
	labelLines := 0
	for _, line := range strings.Split(all, "\n") {
		if strings.Contains(line, `"quoted"`) {
			labelLines++
			if !strings.HasPrefix(strings.TrimSpace(line), "//") {
				t.Errorf("a label's text escaped its comment: %q", line)
			}
		}
	}
	if labelLines == 0 {
		t.Error("the object's label appears in no comment")
	}
	// The document is valid YAML.
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(readAll(t, out)["sobjects.yaml"]), &doc); err != nil {
		t.Fatalf("document is not YAML: %v", err)
	}
}

// valuesTest is a test of a generated package picklists: the table behind
// Values against the constants of the generated file.
const valuesTest = `package picklists

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"
)

func TestValuesMatchConstants(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "picklists.gen.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				if vs := s.(*ast.ValueSpec); vs.Type != nil {
					v, err := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
					if err != nil {
						t.Fatal(err)
					}
					typ := vs.Type.(*ast.Ident).Name
					want[typ] = append(want[typ], v)
				}
			}
		}
	}
	if len(byName()) != len(want) {
		t.Errorf("%d types in the table, %d with constants", len(byName()), len(want))
	}
	for typ, values := range want {
		if got := byName()[typ]; !slices.Equal(got, values) {
			t.Errorf("%s: table %q, constants %q", typ, got, values)
		}
	}
	marked := 0
	for _, values := range byName() {
		if slices.Contains(values, "\ufeffmarked") && slices.Contains(values, "back` + "`" + `tick") {
			marked++
		}
	}
	if marked != 1 { // Holdout_Widget__c.Status__c
		t.Errorf("%d tables hold the values with a backquote and a byte order mark, want 1", marked)
	}
}
`

// TestWriteShapes checks what goes into the create and update shapes.
func TestWriteShapes(t *testing.T) {
	_, cfg := generate(t, "testdata/torture")
	code := readAll(t, cfg.Out)["holdout_widget__c.gen.go"]
	typ := naming.TypeItem("Holdout_Widget__c").Fallback
	create := section(t, code, "type "+typ+"Create struct")
	update := section(t, code, "type "+typ+"Update struct")
	for _, s := range []struct{ name, body string }{{"create", create}, {"update", update}} {
		for _, absent := range []string{`"Id`, `"Formula__c`, `"Loc__c`, `"Addr__c`, `"Future__c`} {
			if strings.Contains(s.body, absent) {
				t.Errorf("%s shape holds %s, which is not writable", s.name, absent)
			}
		}
	}
	if !strings.Contains(create, "Name string `json:\"Name\"`") {
		t.Errorf("required Name is not a plain field in the create shape:\n%s", create)
	}
	if !strings.Contains(update, "WhenC nullable.Nullable[sftype.DateTime]") {
		t.Errorf("nillable When__c is not three-state in the update shape:\n%s", update)
	}
	if !strings.Contains(update, "Name *string") {
		t.Errorf("non-nillable Name should be a plain optional pointer in the update shape:\n%s", update)
	}
	if !strings.Contains(create, "BlobC *[]byte") || !strings.Contains(readAll(t, cfg.Out)["holdout_widget__c.gen.go"], "BlobC *string") {
		t.Error("base64: want bytes when writing and the blob URL (string) when reading")
	}
}

// TestTypedPicklistUpdates checks both forms of a nillable picklist in an
// update shape: a string by default, the picklist type when configured,
// and that the typed form builds.
func TestTypedPicklistUpdates(t *testing.T) {
	typ := naming.TypeItem("Holdout_Widget__c").Fallback
	for _, typed := range []bool{false, true} {
		_, cfg := generate(t, "testdata/torture", func(c *Config) { c.TypedPicklistUpdates = typed })
		code := readAll(t, cfg.Out)["holdout_widget__c.gen.go"]
		want := "StatusC nullable.Nullable[string]"
		if typed {
			want = "StatusC nullable.Nullable[picklists." + typ + "StatusCValue]"
			goCmd(t, "vet", "./"+filepath.ToSlash(cfg.Out))
		}
		if update := section(t, code, "type "+typ+"Update struct"); !strings.Contains(update, want) {
			t.Errorf("typedPicklistUpdates %v: the update shape lacks %q:\n%s", typed, want, update)
		}
		if create := section(t, code, "type "+typ+"Create struct"); !strings.Contains(create, "StatusC *picklists."+typ+"StatusCValue") {
			t.Errorf("typedPicklistUpdates %v: the create shape's picklist is not typed:\n%s", typed, create)
		}
	}
}

func section(t *testing.T, code, start string) string {
	t.Helper()
	i := strings.Index(code, start)
	if i < 0 {
		t.Fatalf("no %q in generated code", start)
	}
	j := strings.Index(code[i:], "\n}\n")
	return code[i : i+j]
}

// TestOutputIsGofmted checks that every generated file is exactly what gofmt
// would print (files are assembled from declarations printed one by one).
func TestOutputIsGofmted(t *testing.T) {
	_, cfg := generate(t, "testdata/torture")
	for name, src := range readAll(t, cfg.Out) {
		formatted, err := format.Source([]byte(src))
		if err != nil {
			t.Errorf("%s does not parse: %v", name, err)
			continue
		}
		if string(formatted) != src {
			t.Errorf("%s is not gofmt-formatted", name)
		}
	}
}

// TestDeterministic generates the same org twice and compares every byte
// but the two output folders' names, which are in import paths.
func TestDeterministic(t *testing.T) {
	a, _ := generate(t, "testdata/torture")
	b, _ := generate(t, "testdata/torture")
	fa, fb := readAll(t, a), readAll(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("%d files, then %d", len(fa), len(fb))
	}
	for name, data := range fa {
		if strings.ReplaceAll(fb[name], filepath.Base(b), filepath.Base(a)) != data {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// TestGolden compares the OpenAPI document of the bundled Widget__c object
// with the reviewed one in testdata/golden.
func TestGolden(t *testing.T) {
	_, cfg := generate(t, "testdata/golden")
	got, err := os.ReadFile(cfg.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/golden/_sobjects.yaml"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("document differs from %s; run go test ./internal/sfgen -update and review the diff", golden)
	}
}

// TestStaleFilesRemoved regenerates with one object fewer: its file goes,
// files the generator did not write stay.
func TestStaleFilesRemoved(t *testing.T) {
	out, cfg := generate(t, "testdata/torture")
	mine := filepath.Join(cfg.Out, "handwritten.gen.go")
	if err := os.WriteFile(mine, []byte("package model\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Exclude = []string{"Lead"}
	if _, err := Run(cfg); err != nil {
		t.Fatal(err)
	}
	files := readAll(t, out)
	if _, ok := files["model/lead.gen.go"]; ok {
		t.Error("lead.gen.go survived although Lead is no longer generated")
	}
	if values := files["model/"+PicklistsFile]; !strings.Contains(values, "type HoldoutWidgetC") || strings.Contains(values, "LeadStatus") {
		t.Errorf("the picklists are not those of the objects still generated:\n%.300s", values)
	}
	if _, ok := files["model/handwritten.gen.go"]; !ok {
		t.Error("a file the generator did not write was removed")
	}
}
