package sfgen

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"

	"golang.org/x/mod/modfile"

	"go.yaml.in/yaml/v3"

	"github.com/typedforce/typedforce/internal/naming"
)

// Config is the generator's configuration file (YAML). Every key is
// optional; command-line flags override the matching keys. Relative paths
// in the file are relative to the file's folder.
//
//	package: sfmodel              # Go package name of the output
//	describe: schema/describe     # folder of describe JSON, one file per object
//	out: sfmodel                  # output folder of the Go package
//	importPath: example.com/app/sfmodel # default: from the go.mod above out
//	openapi: schema/sobjects.yaml # where the OpenAPI document is written
//	apiVersion: "62.0"            # recorded in the document
//	include: ["*"]                # object API name patterns (path.Match syntax)
//	exclude: ["*History", "*Share"]
//	names:
//	  objects: {Widget__c: Widget}
//	  fields: {Widget__c.Is_Active__c: Active}
//	  values: {Widget__c.Status__c: {"In Progress": Underway}}
//	typedPicklistUpdates: true    # see TypedPicklistUpdates
type Config struct {
	Package    string   `yaml:"package"`
	Describe   string   `yaml:"describe"`
	Out        string   `yaml:"out"`
	ImportPath string   `yaml:"importPath"`
	OpenAPI    string   `yaml:"openapi"`
	APIVersion string   `yaml:"apiVersion"`
	Include    []string `yaml:"include"`
	Exclude    []string `yaml:"exclude"`
	Names      Names    `yaml:"names"`

	// TypedPicklistUpdates makes the nillable picklists of update shapes
	// nullable.Nullable of their picklist type instead of
	// nullable.Nullable[string], as in the read and create shapes. Each
	// such field costs about 11 ms of CPU and 1 MB when the package
	// compiles (Go compiles Nullable's methods per type argument): right
	// for an org of tens of objects, not for a thousand.
	TypedPicklistUpdates bool `yaml:"typedPicklistUpdates"`
}

// Names overrides generated Go names. Keys are API names; a field or a
// picklist is named Object.Field.
type Names struct {
	Objects map[string]string            `yaml:"objects"`
	Fields  map[string]string            `yaml:"fields"`
	Values  map[string]map[string]string `yaml:"values"`
}

// LoadConfig reads a configuration file. Unknown keys are an error that
// names the nearest known key, so that a misspelt key is not silently
// ignored.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("config %s: %w", file, err)
	}
	if len(root.Content) > 0 { // an empty file means the defaults
		doc := root.Content[0]
		if err := checkKeys(doc, reflect.TypeFor[Config]()); err != nil {
			return nil, fmt.Errorf("config %s: %w", file, err)
		}
		if err := doc.Decode(&c); err != nil {
			return nil, fmt.Errorf("config %s: %s", file, plainTypeNames.Replace(err.Error()))
		}
	}
	if err := c.validatePatterns(); err != nil {
		return nil, fmt.Errorf("config %s: %w", file, err)
	}
	// Paths in the file are relative to the file, wherever the command runs.
	dir := filepath.Dir(file)
	for _, p := range []*string{&c.Describe, &c.Out, &c.OpenAPI} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	return &c, nil
}

// checkKeys reports the first key of the mapping n that the struct type t
// has no yaml key for, with the nearest known keys; it looks into nested
// structs too.
func checkKeys(n *yaml.Node, t reflect.Type) error {
	if n.Kind != yaml.MappingNode {
		return nil // not a mapping: Decode says what is wrong
	}
	fields := map[string]reflect.Type{}
	var known []string
	for f := range t.Fields() {
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "" || key == "-" {
			continue
		}
		fields[key] = f.Type
		known = append(known, key)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ft, ok := fields[k.Value]
		if !ok {
			hint := "known keys: " + strings.Join(known, ", ")
			if s := naming.Closest(k.Value, known); len(s) > 0 {
				hint = "did you mean " + strings.Join(s, " or ") + "?"
			}
			return fmt.Errorf("line %d: unknown key %q; %s", k.Line, k.Value, hint)
		}
		if ft.Kind() == reflect.Struct {
			if err := checkKeys(n.Content[i+1], ft); err != nil {
				return err
			}
		}
	}
	return nil
}

// plainTypeNames says in YAML words what the decoder's errors say in Go
// types.
var plainTypeNames = strings.NewReplacer(
	"yaml: unmarshal errors:\n  ", "",
	"into []string", "into a list of strings",
	"into map[string]map[string]string", "into a mapping of mappings",
	"into map[string]string", "into a mapping",
	"into sfgen.Names", "into a mapping (objects, fields, values)",
	"into sfgen.Config", "into a mapping",
	"into string", "into a string",
)

func (c *Config) validatePatterns() error {
	for _, p := range append(append([]string(nil), c.Include...), c.Exclude...) {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("bad object pattern %q: %w", p, err)
		}
	}
	return nil
}

// Selects reports whether the object named api is generated: it matches an
// include pattern (or there are none) and no exclude pattern. Matching
// ignores case, as Salesforce API names do.
func (c *Config) Selects(api string) bool {
	match := func(patterns []string) bool {
		for _, p := range patterns {
			if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(api)); ok {
				return true
			}
		}
		return false
	}
	if len(c.Include) > 0 && !match(c.Include) {
		return false
	}
	return !match(c.Exclude)
}

// ModuleImportPath is the import path of the package in folder dir: the
// path of the module whose go.mod is the nearest one above dir, joined with
// dir's place in that module. dir need not exist yet.
func ModuleImportPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			mod := modfile.ModulePath(data)
			if mod == "" {
				return "", fmt.Errorf("%s has no module line", filepath.Join(d, "go.mod"))
			}
			rel, err := filepath.Rel(d, abs)
			if err != nil {
				return "", err
			}
			return path.Join(mod, filepath.ToSlash(rel)), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("the output folder %s is in no Go module (no go.mod above it): create the module first, or give the import path (-import-path, importPath in the config)", dir)
		}
		d = parent
	}
}
