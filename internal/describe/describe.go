// Package describe reads Salesforce sObject describe results, exactly as
// GET /services/data/vXX.X/sobjects/{Name}/describe returns them, one JSON
// file per object.
//
// Only the keys the generator and the fake org need are decoded; unknown keys
// are ignored so that newer API versions keep working.
package describe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// SObject is one sObject describe result.
type SObject struct {
	Name               string              `json:"name"`
	Label              string              `json:"label"`
	LabelPlural        string              `json:"labelPlural"`
	KeyPrefix          *string             `json:"keyPrefix"`
	Custom             bool                `json:"custom"`
	Createable         bool                `json:"createable"`
	Updateable         bool                `json:"updateable"`
	Deletable          bool                `json:"deletable"`
	Queryable          bool                `json:"queryable"`
	Fields             []Field             `json:"fields"`
	ChildRelationships []ChildRelationship `json:"childRelationships"`

	// Path is the file the describe was read from (Parse's path).
	Path string `json:"-"`
}

// Field is one entry of a describe result's "fields".
type Field struct {
	Name                  string          `json:"name"`
	Label                 string          `json:"label"`
	Type                  string          `json:"type"`
	SoapType              string          `json:"soapType"`
	Length                int             `json:"length"`
	Precision             int             `json:"precision"`
	Scale                 int             `json:"scale"`
	Digits                int             `json:"digits"`
	Createable            bool            `json:"createable"`
	Updateable            bool            `json:"updateable"`
	Nillable              bool            `json:"nillable"`
	DefaultedOnCreate     bool            `json:"defaultedOnCreate"`
	Calculated            bool            `json:"calculated"`
	AutoNumber            bool            `json:"autoNumber"`
	Custom                bool            `json:"custom"`
	ExternalID            bool            `json:"externalId"`
	IDLookup              bool            `json:"idLookup"`
	Unique                bool            `json:"unique"`
	CaseSensitive         bool            `json:"caseSensitive"`
	NameField             bool            `json:"nameField"`
	Filterable            bool            `json:"filterable"`
	Sortable              bool            `json:"sortable"`
	HTMLFormatted         bool            `json:"htmlFormatted"`
	DeprecatedAndHidden   bool            `json:"deprecatedAndHidden"`
	DependentPicklist     bool            `json:"dependentPicklist"`
	RestrictedPicklist    bool            `json:"restrictedPicklist"`
	PolymorphicForeignKey bool            `json:"polymorphicForeignKey"`
	CompoundFieldName     *string         `json:"compoundFieldName"`
	ControllerName        *string         `json:"controllerName"`
	RelationshipName      *string         `json:"relationshipName"`
	ExtraTypeInfo         *string         `json:"extraTypeInfo"`
	InlineHelpText        *string         `json:"inlineHelpText"`
	CalculatedFormula     *string         `json:"calculatedFormula"`
	DefaultValue          json.RawMessage `json:"defaultValue"`
	ReferenceTo           []string        `json:"referenceTo"`
	PicklistValues        []PicklistValue `json:"picklistValues"`

	// Missing lists the WriteAttributes the describe does not give for
	// this field: they are taken as false.
	Missing []string `json:"-"`
}

// WriteAttributes are the field attributes that decide a field's place in
// the write shapes. Salesforce always sends them; describes written by
// other tools sometimes leave them out.
var WriteAttributes = []string{"createable", "updateable", "nillable", "defaultedOnCreate"}

// markMissing sets Missing on the fields that lack a write attribute.
// Counting the keys in data settles the usual case, a describe that gives
// every attribute of every field, without decoding it again.
func (o *SObject) markMissing(data []byte) {
	suspect := false
	for _, a := range WriteAttributes {
		want := len(o.Fields)
		if a == "createable" || a == "updateable" {
			want++ // the object has them too
		}
		if bytes.Count(data, []byte(`"`+a+`"`)) < want {
			suspect = true
		}
	}
	if !suspect {
		return
	}
	var keys struct {
		Fields []map[string]json.RawMessage `json:"fields"`
	}
	if json.Unmarshal(data, &keys) != nil || len(keys.Fields) != len(o.Fields) {
		return
	}
	for i, f := range keys.Fields {
		for _, a := range WriteAttributes {
			if _, ok := f[a]; !ok {
				o.Fields[i].Missing = append(o.Fields[i].Missing, a)
			}
		}
	}
}

// PicklistValue is one entry of a field's "picklistValues".
type PicklistValue struct {
	Active       bool    `json:"active"`
	DefaultValue bool    `json:"defaultValue"`
	Label        *string `json:"label"`
	ValidFor     *string `json:"validFor"`
	Value        string  `json:"value"`
}

// ChildRelationship is one entry of a describe result's "childRelationships".
type ChildRelationship struct {
	ChildSObject     string  `json:"childSObject"`
	Field            string  `json:"field"`
	RelationshipName *string `json:"relationshipName"`
	CascadeDelete    bool    `json:"cascadeDelete"`
}

// ParseVersion normalizes a Salesforce REST API version: "62.0", "v62.0"
// and "62" are "62.0". Anything else is an error that says the form
// wanted.
func ParseVersion(s string) (string, error) {
	v := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if !strings.Contains(v, ".") {
		v += ".0"
	}
	if !versionRE.MatchString(v) {
		return "", fmt.Errorf("API version %q: want a form like 62.0", s)
	}
	return v, nil
}

var versionRE = regexp.MustCompile(`^[0-9]{2,3}\.[0-9]$`)

// Str returns *p, or "" when p is nil.
func Str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// FileError reports a describe file that cannot be used. Path names the file;
// Field, when set, names the offending field of the object.
type FileError struct {
	Path  string
	Field string
	Err   error
}

func (e *FileError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("describe %s: field %q: %v", e.Path, e.Field, e.Err)
	}
	return fmt.Sprintf("describe %s: %v", e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Parse decodes one describe result and checks that it can be generated from.
// path is used in errors only. The result shares no memory with data.
func Parse(path string, data []byte) (*SObject, error) {
	var o SObject
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FileError{Path: path, Err: errors.New("file is empty")}
	}
	if err := decodeOne(data, &o); err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	if err := o.validate(); err != nil {
		err.Path = path
		if isGlobal(data) {
			err.Err = ErrGlobalDescribe
		}
		return nil, err
	}
	o.Path = path
	o.markMissing(data)
	return &o, nil
}

// ErrGlobalDescribe is the error of Parse for a global describe result
// (GET /services/data/vXX.X/sobjects, the list of the org's objects): it is
// not an sObject describe. LoadDir and the fake org (package sftest) skip
// such files.
var ErrGlobalDescribe = errors.New(`a global describe result ("sobjects" list), not an sObject describe result: save it as _global.json, or anywhere outside the folder`)

// isGlobal reports whether data is a JSON object with an "sobjects" list
// and no "fields": a global describe result.
func isGlobal(data []byte) bool {
	var g struct {
		SObjects []json.RawMessage `json:"sobjects"`
		Fields   json.RawMessage   `json:"fields"`
	}
	return json.Unmarshal(data, &g) == nil && g.SObjects != nil && g.Fields == nil
}

// Skipped reports whether a file of a describe folder is not a describe
// file: anything but *.json, and names starting with "_" or "." (room for
// the global describe, _global.json, the pull manifest, notes). The
// generator and the fake org apply the same rule.
func Skipped(name string) bool {
	return !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")
}

func (o *SObject) validate() *FileError {
	if o.Name == "" {
		return &FileError{Err: errors.New(`missing "name": not an sObject describe result`)}
	}
	if !validAPIName(o.Name) {
		return &FileError{Err: fmt.Errorf("object name %q is not a valid API name", o.Name)}
	}
	if len(o.Fields) == 0 {
		return &FileError{Err: errors.New(`no "fields": not an sObject describe result`)}
	}
	seen := make(map[string]bool, len(o.Fields))
	for i, f := range o.Fields {
		key := strings.ToLower(f.Name)
		switch {
		case f.Name == "":
			return &FileError{Field: fmt.Sprintf("#%d", i), Err: errors.New(`missing "name"`)}
		case !validAPIName(f.Name):
			return &FileError{Field: f.Name, Err: errors.New("not a valid API name")}
		case f.Type == "":
			return &FileError{Field: f.Name, Err: errors.New(`missing "type"`)}
		case seen[key]:
			return &FileError{Field: f.Name, Err: errors.New("duplicate field name")}
		}
		seen[key] = true
		if rn := Str(f.RelationshipName); rn != "" && !validAPIName(rn) {
			return &FileError{Field: f.Name, Err: fmt.Errorf("relationship name %q is not a valid API name", rn)}
		}
		for _, t := range f.ReferenceTo {
			if !validAPIName(t) {
				return &FileError{Field: f.Name, Err: fmt.Errorf("referenceTo %q is not a valid API name", t)}
			}
		}
	}
	for _, cr := range o.ChildRelationships {
		if rn := Str(cr.RelationshipName); rn != "" && !validAPIName(rn) {
			return &FileError{Err: fmt.Errorf("child relationship %q (from %s.%s) is not a valid API name", rn, cr.ChildSObject, cr.Field)}
		}
	}
	return nil
}

// validAPIName reports whether s looks like a Salesforce API name: ASCII
// letters, digits and underscores, starting with a letter.
func validAPIName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case (c >= '0' && c <= '9' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

// decodeOne decodes the single JSON value data holds into v, and says where
// the input broke when it cannot.
func decodeOne(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		rest := bytes.TrimSpace(data[dec.InputOffset():])
		if len(rest) > 0 {
			line, col := position(data, dec.InputOffset()+int64(bytes.Index(data[dec.InputOffset():], rest[:1])))
			return fmt.Errorf("invalid JSON at line %d, column %d: data after the describe result", line, col)
		}
		return nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated JSON: the file ends before the describe result does")
	case errors.As(err, &syn):
		// The offset counts the byte that broke the syntax.
		line, col := position(data, syn.Offset-1)
		return fmt.Errorf("invalid JSON at line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("the file holds a JSON %s, not the object of an sObject describe result", typ.Value)
	case errors.As(err, &typ):
		// The offset is just past the value of the wrong type.
		line, col := position(data, typ.Offset-1)
		return fmt.Errorf("line %d, column %d: %q must be a JSON %s, not %s", line, col, typ.Field, jsonKind(typ.Type), typ.Value)
	}
	return err
}

// jsonKind names a Go type as the JSON kind that decodes into it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "number"
	case reflect.Slice:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = int(off) - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

// LoadDir reads every *.json file of dir as a describe result and returns the
// objects sorted by name. Files that Skipped names are skipped, and so is a
// global describe result wherever it is (ErrGlobalDescribe).
func LoadDir(dir string) ([]*SObject, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("describe folder %s does not exist", dir)
		}
		return nil, fmt.Errorf("describe folder: %w", err)
	}
	var paths []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || Skipped(name) {
			continue
		}
		paths = append(paths, filepath.Join(dir, name))
	}
	// Decoding is most of the time of a large org: spread it over the CPUs.
	objs := make([]*SObject, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf []byte // Parse keeps nothing of the data
			for i := range next {
				data, err := readFile(paths[i], buf[:0])
				if err != nil {
					errs[i] = &FileError{Path: paths[i], Err: err}
					continue
				}
				objs[i], errs[i] = Parse(paths[i], data)
				if errors.Is(errs[i], ErrGlobalDescribe) {
					errs[i] = nil
				}
				buf = data
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	// The first error in file order, so that the report does not depend on
	// scheduling.
	if err := errors.Join(errs...); err != nil {
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
	}
	objs = slices.DeleteFunc(objs, func(o *SObject) bool { return o == nil }) // global describes
	byName := map[string]string{}
	for _, o := range objs {
		key := strings.ToLower(o.Name)
		if prev, ok := byName[key]; ok {
			return nil, &FileError{Path: o.Path, Err: fmt.Errorf("object %s is also described by %s", o.Name, prev)}
		}
		byName[key] = o.Path
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("describe folder %s holds no *.json describe files", dir)
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Name < objs[j].Name })
	return objs, nil
}

// readFile is os.ReadFile appending to buf.
func readFile(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
