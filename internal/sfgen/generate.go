// Package sfgen turns sObject describe results into an OpenAPI 3.0 document
// and a Go package: the pipeline behind `typedforce generate`.
//
//	describe JSON --Build--> Model --Spec----> OpenAPI document (one file, for people and other tools)
//	                               \--GoFiles--> the same schemas, object by object, through oapi-codegen
//	                                             -> one Go file per object (+ the REST client), field names
//
// Go names follow the rule in docs/NAMING.md (package naming).
package sfgen

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/typedforce/typedforce/internal/describe"
)

// Result says what a run wrote.
type Result struct {
	Objects int
	Files   []string
	// Warnings are things in the describes that the generator works around
	// but the user should know about, one line each, naming file and field.
	Warnings []string
}

// Run generates from cfg.Describe into cfg.Out and cfg.OpenAPI. Files are
// put in place only when everything has succeeded: on any error nothing in
// the output changes.
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
	if cfg.ImportPath == "" {
		ip, err := ModuleImportPath(cfg.Out)
		if err != nil {
			return nil, err
		}
		cfg.ImportPath = ip
	}
	if cfg.APIVersion != "" {
		v, err := describe.ParseVersion(cfg.APIVersion)
		if err != nil {
			return nil, err
		}
		cfg.APIVersion = v
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
	// Files are staged (written under temporary names) while the
	// generator still works: creating thousands of files is slow on some
	// file systems, and this way it overlaps the generation. They are put
	// in place only when everything has succeeded.
	st := newStager()
	defer st.abort()
	// The files are in memory anyway: a deep queue keeps slow writes from
	// holding up the generation.
	staged := make(chan File, 2*len(m.Objects)+8)
	var stageWG sync.WaitGroup
	for range 4 {
		stageWG.Go(func() {
			for f := range staged {
				st.stage(f.Name, f.Data)
			}
		})
	}
	// The document is written while oapi-codegen runs: they share only the
	// model's schemas, which are built once.
	docDone := make(chan struct{})
	go func() {
		staged <- File{Name: cfg.OpenAPI, Data: Spec(m, cfg)}
		close(docDone)
	}()
	res := &Result{Objects: len(m.Objects), Files: []string{cfg.OpenAPI}, Warnings: m.Warnings}
	keep := map[string]bool{}
	err = goFiles(m, cfg, func(files []File) {
		for _, f := range files {
			path := filepath.Join(cfg.Out, f.Name)
			keep[filepath.ToSlash(f.Name)] = true
			res.Files = append(res.Files, path)
			staged <- File{Name: path, Data: f.Data}
		}
	})
	<-docDone
	close(staged)
	stageWG.Wait()
	if err != nil {
		return nil, err
	}
	if err := st.commit(); err != nil {
		return nil, err
	}
	sort.Strings(res.Files[1:])
	if err := removeStale(cfg.Out, keep); err != nil {
		return nil, err
	}
	return res, nil
}

// removeStale deletes the files an earlier run wrote for objects that are no
// longer generated (or no longer have picklists), in the output folder and
// its subpackages. Only
// *.gen.go files that start with the generator's own header are touched;
// keep holds the paths, relative to out, of the files this run wrote.
func removeStale(out string, keep map[string]bool) error {
	for _, sub := range []string{".", FieldsPackage, PicklistsPackage, PicklistTypesPackage} {
		dir := filepath.Join(out, sub)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			rel, _ := filepath.Rel(out, path)
			if e.IsDir() || keep[filepath.ToSlash(rel)] || !strings.HasSuffix(e.Name(), ".gen.go") {
				continue
			}
			if err := removeIfGenerated(path); err != nil {
				return err
			}
		}
		// A subpackage left empty goes, and so do its parents up to out
		// that it leaves empty: os.Remove removes no folder with files.
		for d := dir; sub != "." && d != filepath.Clean(out); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
	return nil
}

func removeIfGenerated(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	first := make([]byte, len(header))
	n, _ := io.ReadFull(f, first)
	f.Close()
	if string(first[:n]) != header {
		return nil
	}
	return os.Remove(path)
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
