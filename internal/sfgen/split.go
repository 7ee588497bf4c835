package sfgen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc/comment"
	"go/parser"
	"go/printer"
	"go/token"
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

// reset empties cc of declarations, keeping the owners.
func (cc *chunkCode) reset() *chunkCode {
	cc.code, cc.order = map[*Object]*objectCode{}, nil
	return cc
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
// one per object, formatted as gofmt formats them (picklists are not in
// it: see PicklistsCode).
//
// Parsing and printing the output with go/parser and go/printer was a
// third of the CPU of a 1,000-object run, so the declarations of the few
// regular shapes oapi-codegen writes for the generator's schemas are
// formatted directly (fastSplit). Anything else in a chunk, such as a
// label that makes a doc comment a list, sends the whole chunk through
// go/printer (astSplit). Tests check that both give the same bytes.
func splitChunk(name string, src []byte, cc *chunkCode, cfg *Config) ([]File, error) {
	if !fastSplit(src, cc.reset()) {
		if err := astSplit(name, src, cc.reset()); err != nil {
			return nil, err
		}
	}
	return cc.files(cfg), nil
}

// files assembles each object's file.
func (cc *chunkCode) files(cfg *Config) []File {
	var out []File
	for _, o := range cc.order {
		c := cc.code[o]
		var imps []string
		for _, imp := range knownImports {
			if c.uses[imp.name] {
				imps = append(imps, imp.path)
			}
		}
		if c.uses[PicklistsPackage] {
			imps = append(imps, cfg.ImportPath+"/"+PicklistsPackage)
			sort.Strings(imps)
		}
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

// knownImports are the packages generated models can use; a file imports
// the ones its code names.
var knownImports = []struct{ name, path string }{
	{"json", "encoding/json"},
	{"nullable", "github.com/oapi-codegen/nullable"},
	{"sftype", sftypeImport},
}

// goFile puts the generator's header, the package's doc comment (may be
// empty), its package clause and imports before formatted declarations.
func goFile(doc, pkg string, imps []string, body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(body) + len(doc) + 256)
	b.WriteString(header)
	fmt.Fprintf(&b, "\n%spackage %s\n", doc, pkg)
	switch len(imps) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "\nimport %s\n", strconv.Quote(imps[0]))
	default:
		b.WriteString("\nimport (\n")
		for _, imp := range imps {
			fmt.Fprintf(&b, "\t%s\n", strconv.Quote(imp))
		}
		b.WriteString(")\n")
	}
	b.Write(body)
	return b.Bytes()
}

// formatDoc formats the lines of a top-level doc comment as gofmt does
// (go/printer reformats them through go/doc/comment). ok is false for what
// this does not handle: directives, /* */ comments.
func formatDoc(lines []string) (out []string, ok bool) {
	var b strings.Builder
	for _, l := range lines {
		after, found := strings.CutPrefix(l, "//")
		if !found || isDirective(after) {
			return nil, false
		}
		b.WriteString(strings.TrimPrefix(after, " "))
		b.WriteString("\n")
	}
	if b.Len() == 0 {
		return lines, true
	}
	var p comment.Parser
	var pr comment.Printer
	text := string(pr.Comment(p.Parse(b.String())))
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		switch {
		case line == "":
			line = "//"
		case strings.HasPrefix(line, "\t"):
			line = "//" + line
		default:
			line = "// " + line
		}
		out = append(out, line)
	}
	return out, true
}

// isDirective is go/printer's test for a //go:build-like line, which doc
// formatting keeps apart.
func isDirective(c string) bool {
	if strings.HasPrefix(c, "line ") || strings.HasPrefix(c, "extern ") || strings.HasPrefix(c, "export ") {
		return true
	}
	colon := strings.Index(c, ":")
	if colon <= 0 || colon+1 >= len(c) {
		return false
	}
	for i := 0; i <= colon+1; i++ {
		if i == colon {
			continue
		}
		b := c[i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9') {
			return false
		}
	}
	return true
}

// fastSplit formats the declarations of src, oapi-codegen's unformatted
// output, into cc without a parser. It knows the shapes oapi-codegen
// writes for the generator's schemas, line by line:
//
//	// doc                          a doc comment (any number of lines)
//	type Name  struct {             fields, each under its own comment line,
//	// comment                      separated by blank lines; a comment line
//	    Field Type`tag`             keeps gofmt from aligning the fields
//	}
//
// It reports false, leaving cc partly filled, on anything else.
func fastSplit(src []byte, cc *chunkCode) bool {
	s := string(src)
	// Skip the package clause and the import block.
	i := strings.Index(s, "\nimport (\n")
	if i < 0 {
		return false
	}
	j := strings.Index(s[i:], "\n)\n")
	if j < 0 {
		return false
	}
	lines := strings.Split(s[i+j+3:], "\n")
	var doc []string
	for n := 0; n < len(lines); n++ {
		line := lines[n]
		switch {
		case line == "":
			if len(doc) > 0 {
				return false // a comment that documents nothing
			}
		case strings.HasPrefix(line, "//"):
			doc = append(doc, line)
		case strings.HasPrefix(line, "type "):
			name, kind, ok := strings.Cut(line[len("type "):], "  ")
			if !ok || !token.IsIdentifier(name) {
				return false
			}
			o := cc.owner[name]
			if o == nil {
				return false
			}
			c := cc.of(o)
			fdoc, ok := formatDoc(doc)
			if !ok {
				return false
			}
			doc = nil
			if kind != "struct {" {
				return false
			}
			end := n + 1
			for end < len(lines) && lines[end] != "}" {
				end++
			}
			if end == len(lines) || !fastStruct(c, name, fdoc, lines[n+1:end]) {
				return false
			}
			n = end
		default:
			return false
		}
	}
	return len(doc) == 0
}

// fastStruct formats a struct type whose every field has a comment line of
// its own just above it.
func fastStruct(c *objectCode, name string, doc, body []string) bool {
	b := &c.models
	b.WriteString("\n")
	for _, l := range doc {
		b.WriteString(l + "\n")
	}
	b.WriteString("type " + name + " struct {\n")
	for k := 0; k < len(body); k++ {
		l := body[k]
		if l == "" {
			if k == 0 || body[k-1] == "" || k == len(body)-1 {
				return false // blank lines gofmt would drop
			}
			b.WriteString("\n")
			continue
		}
		if !strings.HasPrefix(l, "//") || k+1 == len(body) {
			return false
		}
		b.WriteString("\t" + strings.TrimRight(l, " \t") + "\n")
		k++
		field, ok := strings.CutPrefix(body[k], "    ")
		if !ok {
			return false
		}
		fname, rest, ok := strings.Cut(field, " ")
		tick := strings.IndexByte(rest, '`')
		if !ok || (fname != "_" && !token.IsIdentifier(fname)) || tick <= 0 || !strings.HasSuffix(rest, "`") || tick == len(rest)-1 {
			return false
		}
		typ, tag := rest[:tick], rest[tick:]
		if strings.ContainsAny(typ, " \t`\"/") || strings.Contains(tag[1:len(tag)-1], "`") {
			return false
		}
		noteUses(c.uses, typ)
		b.WriteString("\t" + fname + " " + typ + " " + tag + "\n")
	}
	b.WriteString("}\n")
	return true
}

// noteUses records the packages a type expression names (sftype. in
// *sftype.Date, nullable. and sftype. in nullable.Nullable[sftype.Date]).
func noteUses(uses map[string]bool, typ string) {
	for {
		dot := strings.IndexByte(typ, '.')
		if dot < 0 {
			return
		}
		start := dot
		for start > 0 && (isIdentByte(typ[start-1])) {
			start--
		}
		uses[typ[start:dot]] = true
		typ = typ[dot+1:]
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// astSplit formats the declarations of src into cc with go/parser and
// go/printer: the general path, for chunks fastSplit does not take.
func astSplit(name string, src []byte, cc *chunkCode) error {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("parse the generated code of %s: %w", name, err)
	}
	// Each declaration is printed from the one parse of the chunk, with the
	// comments inside it, as gofmt would print it in place.
	pcfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	print := func(b *bytes.Buffer, gd *ast.GenDecl, o *Object) error {
		b.WriteString("\n")
		if err := pcfg.Fprint(b, fset, &printer.CommentedNode{Node: gd, Comments: commentsOf(file.Comments, gd)}); err != nil {
			return fmt.Errorf("print the generated code of %s: %w", o.API, err)
		}
		b.WriteString("\n")
		return nil
	}
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			return fmt.Errorf("generated code of %s: unexpected top-level %T", name, d)
		}
		if gd.Tok == token.IMPORT {
			continue
		}
		typ := declType(gd)
		o := cc.owner[typ]
		if o == nil {
			return fmt.Errorf("generated code of %s: no object owns the declaration at %s", name, fset.Position(gd.Pos()))
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
		if err := print(&c.models, gd, o); err != nil {
			return err
		}
	}
	return nil
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

// declType is the Go type a generated declaration belongs to: the type it
// declares, or the type of its constants.
func declType(gd *ast.GenDecl) string {
	if len(gd.Specs) == 0 {
		return ""
	}
	switch s := gd.Specs[0].(type) {
	case *ast.TypeSpec:
		return s.Name.Name
	case *ast.ValueSpec:
		if id, ok := s.Type.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}
