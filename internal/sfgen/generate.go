// Package sfgen turns sObject describe results into an OpenAPI 3.0 document
// and a Go package: the pipeline behind `typedforce generate`.
//
//	describe JSON --Build--> Model --Spec--> OpenAPI document --GoCode (oapi-codegen)--> models (+ client)
//	                                  \--MetaCode-------------------------------------> SObjectType methods, field constants
//
// Go names follow the rule in docs/NAMING.md (package naming).
package sfgen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/typedforce/typedforce/internal/describe"
)

// Output file names inside the output folder.
const (
	ModelsFile = "sobjects.gen.go"
	MetaFile   = "meta.gen.go"
)

// Result says what a run wrote.
type Result struct {
	Objects int
	Files   []string
}

// Run generates from cfg.Describe into cfg.Out and cfg.OpenAPI. Everything
// is produced in memory first: on any error nothing is written.
func Run(cfg *Config) (*Result, error) {
	if cfg.Describe == "" || cfg.Out == "" {
		return nil, errors.New("the describe folder and the output folder are required")
	}
	if cfg.Package == "" {
		cfg.Package = filepath.Base(filepath.Clean(cfg.Out))
	}
	if !validPackageName(cfg.Package) {
		return nil, fmt.Errorf("package name %q is not a valid Go package name", cfg.Package)
	}
	if cfg.OpenAPI == "" {
		cfg.OpenAPI = filepath.Join(cfg.Out, "openapi.yaml")
	}
	objs, err := describe.LoadDir(cfg.Describe)
	if err != nil {
		return nil, err
	}
	m, err := Build(objs, cfg)
	if err != nil {
		return nil, err
	}
	doc := Spec(m, cfg)
	models, err := GoCode(doc, cfg)
	if err != nil {
		return nil, err
	}
	meta, err := MetaCode(m, cfg)
	if err != nil {
		return nil, err
	}
	files := []struct {
		path string
		data []byte
	}{
		{cfg.OpenAPI, doc.YAML},
		{filepath.Join(cfg.Out, ModelsFile), models},
		{filepath.Join(cfg.Out, MetaFile), meta},
	}
	res := &Result{Objects: len(m.Objects)}
	for _, f := range files {
		if err := writeFileAtomic(f.path, f.data); err != nil {
			return nil, err
		}
		res.Files = append(res.Files, f.path)
	}
	return res, nil
}

// writeFileAtomic replaces path with data through a temporary file in the
// same folder, so that a reader never sees half a file. A file that already
// holds data is left alone (its modification time too).
func writeFileAtomic(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func validPackageName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
