package sfgen

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"

	"go.yaml.in/yaml/v3"
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

	// WorkerCommand, when set, returns a command that starts a process
	// serving ServeWorker on its stdin and stdout: oapi-codegen then runs
	// on more than one CPU. typedforce generate starts itself.
	WorkerCommand func() *exec.Cmd `yaml:"-"`
}

// Names overrides generated Go names. Keys are API names; a field or a
// picklist is named Object.Field.
type Names struct {
	Objects map[string]string            `yaml:"objects"`
	Fields  map[string]string            `yaml:"fields"`
	Values  map[string]map[string]string `yaml:"values"`
}

// LoadConfig reads a configuration file. Unknown keys are an error, so that
// a misspelt key is not silently ignored.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) /* an empty file means the defaults */ {
		return nil, fmt.Errorf("config %s: %w", file, err)
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
