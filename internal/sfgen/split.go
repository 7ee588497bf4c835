package sfgen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// objectCode collects one object's declarations, formatted.
type objectCode struct {
	models bytes.Buffer    // the shapes
	uses   map[string]bool // package names the code refers to
}

// chunkCode is a chunk's declarations by object, objects in order of first
// appearance.
type chunkCode struct {
	owner map[string]*Object // Go type name -> object
	code  map[*Object]*objectCode
	order []*Object
}

func (cc *chunkCode) of(o *Object) *objectCode {
	c := cc.code[o]
	if c == nil {
		c = &objectCode{uses: map[string]bool{}}
		cc.code[o] = c
		cc.order = append(cc.order, o)
	}
	return c
}

// splitChunk cuts oapi-codegen's output for a chunk of objects into files,
// one per object, each declaration printed by go/printer as gofmt prints it
// (picklists are not in it: see PicklistsCode).
func splitChunk(name string, src []byte, cc *chunkCode, cfg *Config) ([]File, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse the generated code of %s: %w", name, err)
	}
	// Each declaration is printed from the one parse of the chunk, with the
	// comments inside it, as gofmt would print it in place.
	pcfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			return nil, fmt.Errorf("generated code of %s: unexpected top-level %T", name, d)
		}
		if gd.Tok == token.IMPORT {
			continue
		}
		o := cc.owner[declType(gd)]
		if o == nil {
			return nil, fmt.Errorf("generated code of %s: no object owns the declaration at %s", name, fset.Position(gd.Pos()))
		}
		c := cc.of(o)
		// Imports follow the code, not the text: a label in a comment may
		// well say "json.".
		ast.Inspect(gd, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					c.uses[id.Name] = true
				}
			}
			return true
		})
		c.models.WriteString("\n")
		if err := pcfg.Fprint(&c.models, fset, &printer.CommentedNode{Node: gd, Comments: commentsOf(file.Comments, gd)}); err != nil {
			return nil, fmt.Errorf("print the generated code of %s: %w", o.API, err)
		}
		c.models.WriteString("\n")
	}
	return cc.files(cfg), nil
}

// files assembles each object's file.
func (cc *chunkCode) files(cfg *Config) []File {
	var out []File
	for _, o := range cc.order {
		c := cc.code[o]
		// The picklist types, under the name of the package that declares
		// them with their values (see PicklistsCode).
		var imps []goImport
		for _, imp := range knownImports {
			if c.uses[imp.name] {
				imps = append(imps, imp)
			}
		}
		if c.uses[PicklistsPackage] {
			imps = append(imps, goImport{PicklistsPackage, cfg.ImportPath + "/" + PicklistTypesPackage})
		}
		slices.SortFunc(imps, func(a, b goImport) int { return strings.Compare(a.path, b.path) })
		out = append(out, File{Name: objectFile(o.API), Data: goFile("", cfg.Package, imps, c.models.Bytes())})
	}
	return out
}

// objectFile is the name of an object's file: its API name lower-cased,
// and a hyphen (which no API name holds) where the name would otherwise
// end in a build-constraint suffix, _windows, _amd64, _test..., which
// would make Go skip the file (go help buildconstraint).
func objectFile(api string) string {
	name := strings.ToLower(api)
	if i := strings.LastIndexByte(name, '_'); i >= 0 && constraintWords[name[i+1:]] {
		name += "-"
	}
	return name + ".gen.go"
}

// constraintWords are the file name suffixes Go reads as build
// constraints: the GOOS and GOARCH values it knows or reserves
// (internal/syslist), and test.
var constraintWords = map[string]bool{"test": true}

func init() {
	for _, w := range strings.Fields(`aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos
		386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le
		riscv riscv64 s390 s390x sparc sparc64 wasm`) {
		constraintWords[w] = true
	}
}

// goImport is an import of a generated file: the name the code uses and
// the path. goFile writes the name only where it is not the path's last
// element.
type goImport struct{ name, path string }

// knownImports are the packages generated models can use; a file imports
// the ones its code names.
var knownImports = []goImport{
	{"json", "encoding/json"},
	{"nullable", "github.com/oapi-codegen/nullable"},
	{"sftype", sftypeImport},
}

// goFile puts the generator's header, the package's doc comment (may be
// empty), its package clause and imports (sorted by path, as gofmt sorts
// them) before formatted declarations.
func goFile(doc, pkg string, imps []goImport, body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(body) + len(doc) + 256)
	b.WriteString(header)
	fmt.Fprintf(&b, "\n%spackage %s\n", doc, pkg)
	spec := func(imp goImport) string {
		if imp.name == "" || imp.name == path.Base(imp.path) {
			return strconv.Quote(imp.path)
		}
		return imp.name + " " + strconv.Quote(imp.path)
	}
	switch len(imps) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "\nimport %s\n", spec(imps[0]))
	default:
		b.WriteString("\nimport (\n")
		for _, imp := range imps {
			fmt.Fprintf(&b, "\t%s\n", spec(imp))
		}
		b.WriteString(")\n")
	}
	b.Write(body)
	return b.Bytes()
}

// commentsOf is the part of a file's comments (in source order) that lies
// inside a declaration, found by binary search: the printer would otherwise
// scan every comment of the chunk for every declaration. It selects what
// the printer itself would.
func commentsOf(all []*ast.CommentGroup, gd *ast.GenDecl) []*ast.CommentGroup {
	beg, end := gd.Pos(), gd.End()
	if gd.Doc != nil {
		beg = gd.Doc.Pos()
	}
	lo := sort.Search(len(all), func(i int) bool { return all[i].End() >= beg })
	hi := sort.Search(len(all), func(i int) bool { return all[i].Pos() >= end })
	return all[lo:max(lo, hi)]
}

// declType is the Go type a generated declaration declares. oapi-codegen
// writes nothing else for the shapes (their schemas hold no enum), and
// anything else is owned by no object.
func declType(gd *ast.GenDecl) string {
	if len(gd.Specs) == 0 {
		return ""
	}
	if s, ok := gd.Specs[0].(*ast.TypeSpec); ok {
		return s.Name.Name
	}
	return ""
}
