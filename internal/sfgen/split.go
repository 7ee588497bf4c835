package sfgen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc/comment"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// objectCode collects one object's declarations, formatted, by the package
// they go to.
type objectCode struct {
	models    bytes.Buffer    // shapes and picklist type aliases
	uses      map[string]bool // package names the models code refers to
	values    bytes.Buffer    // picklist constants (package picklists)
	types     bytes.Buffer    // picklist types (the internal package)
	picklists bool
}

// chunkCode is a chunk's declarations by object, objects in order of first
// appearance.
type chunkCode struct {
	owner    map[string]*Object   // Go type name -> object
	picklist map[string]*Picklist // Go type name -> picklist
	code     map[*Object]*objectCode
	order    []*Object
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
// one per object and package (see PicklistsPackage for where picklists
// go), formatted as gofmt formats them.
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

// files assembles each object's files.
func (cc *chunkCode) files(cfg *Config) []File {
	typesImport := cfg.ImportPath + "/" + PicklistTypesPackage
	var out []File
	for _, o := range cc.order {
		c := cc.code[o]
		base := strings.ToLower(o.API) + ".gen.go"
		var imps []string
		for _, imp := range knownImports {
			if c.uses[imp.name] {
				imps = append(imps, imp.path)
			}
		}
		if c.picklists {
			imps = append(imps, typesImport)
			sort.Strings(imps)
			out = append(out,
				File{Name: PicklistValuesFile + partSep + base, Data: c.values.Bytes()},
				File{Name: PicklistTypesFile + partSep + base, Data: c.types.Bytes()})
		}
		out = append(out, File{Name: base, Data: goFile("", cfg.Package, imps, c.models.Bytes())})
	}
	return out
}

// partSep separates, in the name of a part of a file shared by all objects
// (PicklistValuesFile, PicklistTypesFile), the file from the part's name:
// goFiles joins the parts, in the order of their names.
const partSep = "#"

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

// writeAlias writes, for a picklist type, the alias the models package
// declares (with oapi-codegen's documentation, doc already formatted) and
// the type of the internal package.
func writeAlias(c *objectCode, name string, doc []string, pl *Picklist) {
	c.picklists = true
	c.models.WriteString("\n")
	for _, line := range doc {
		c.models.WriteString(line + "\n")
	}
	if len(doc) > 0 {
		c.models.WriteString("//\n")
	}
	fmt.Fprintf(&c.models, "// Its values are the %s* constants of package %s.\n", name, PicklistsPackage)
	fmt.Fprintf(&c.models, "type %s = %s.%s\n", name, path.Base(PicklistTypesPackage), name)
	fmt.Fprintf(&c.types, "\n// %s is the type of %s; see the alias of the same name.\ntype %s string\n", name, clean(pl.Field), name)
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
//	type Name  string               a picklist type
//	const (                         a picklist's values, aligned in columns
//	  Name Type = "value"
//	)
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
			switch kind {
			case "string":
				pl := cc.picklist[name]
				if pl == nil {
					return false
				}
				writeAlias(c, name, fdoc, pl)
			case "struct {":
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
		case line == "const (":
			end := n + 1
			for end < len(lines) && lines[end] != ")" {
				end++
			}
			if end == len(lines) || !fastConsts(cc, doc, lines[n+1:end]) {
				return false
			}
			doc = nil
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

// fastConsts formats a picklist's constants for package picklists: the
// lines `  Name Type = "value"`, their type qualified, names and types
// padded to columns as gofmt's tabwriter pads them.
func fastConsts(cc *chunkCode, doc, body []string) bool {
	if len(body) > 0 && body[0] == "" {
		body = body[1:] // gofmt drops a blank line after "const ("
	}
	if len(body) == 0 {
		return false
	}
	typesName := path.Base(PicklistTypesPackage)
	type spec struct{ name, typ, value string }
	specs := make([]spec, len(body))
	var nameWidth, typeWidth int
	var typ string
	for k, l := range body {
		l, ok := strings.CutPrefix(l, "  ")
		if !ok {
			return false
		}
		name, rest, ok1 := strings.Cut(l, " ")
		t, value, ok2 := strings.Cut(rest, " = ")
		if !ok1 || !ok2 || !token.IsIdentifier(name) || !token.IsIdentifier(t) || k > 0 && t != typ || !isStringLit(value) {
			return false
		}
		typ = t
		specs[k] = spec{name, typesName + "." + t, value}
		nameWidth = max(nameWidth, utf8.RuneCountInString(name))
		typeWidth = max(typeWidth, utf8.RuneCountInString(specs[k].typ))
	}
	o, pl := cc.owner[typ], cc.picklist[typ]
	if o == nil || pl == nil {
		return false
	}
	fdoc, ok := formatDoc(doc)
	if !ok {
		return false
	}
	c := cc.of(o)
	c.picklists = true
	b := &c.values
	b.WriteString("\n")
	for _, l := range fdoc {
		b.WriteString(l + "\n")
	}
	b.WriteString("const (\n")
	for _, sp := range specs {
		b.WriteString("\t" + sp.name)
		b.WriteString(strings.Repeat(" ", nameWidth-utf8.RuneCountInString(sp.name)+1))
		b.WriteString(sp.typ)
		b.WriteString(strings.Repeat(" ", typeWidth-utf8.RuneCountInString(sp.typ)+1))
		b.WriteString("= " + sp.value + "\n")
	}
	b.WriteString(")\n")
	return true
}

// isStringLit reports whether s is one interpreted Go string literal.
func isStringLit(s string) bool {
	if len(s) < 2 || s[0] != '"' {
		return false
	}
	_, err := strconv.Unquote(s)
	return err == nil
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
		if pl := cc.picklist[typ]; pl != nil {
			if err := astPicklist(gd, pl, c, print, o); err != nil {
				return err
			}
			continue
		}
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

// astPicklist sends a picklist type's declarations where they belong: the
// type to the internal types package and an alias of it, with
// oapi-codegen's documentation, to the models; the constants to package
// picklists, their type qualified.
func astPicklist(gd *ast.GenDecl, pl *Picklist, c *objectCode, print func(*bytes.Buffer, *ast.GenDecl, *Object) error, o *Object) error {
	switch gd.Tok {
	case token.TYPE:
		var doc []string
		if gd.Doc != nil {
			for _, line := range gd.Doc.List {
				doc = append(doc, line.Text)
			}
			if formatted, ok := formatDoc(doc); ok {
				doc = formatted
			}
		}
		writeAlias(c, gd.Specs[0].(*ast.TypeSpec).Name.Name, doc, pl)
		return nil
	case token.CONST:
		c.picklists = true
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			id, ok := vs.Type.(*ast.Ident)
			if !ok {
				return fmt.Errorf("generated code of %s: constant %s has no named type", o.API, vs.Names[0].Name)
			}
			vs.Type = &ast.SelectorExpr{X: &ast.Ident{NamePos: id.NamePos, Name: path.Base(PicklistTypesPackage)}, Sel: id}
		}
		return print(&c.values, gd, o)
	}
	return fmt.Errorf("generated code of %s: unexpected %s declaration of a picklist", o.API, gd.Tok)
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
