package describe

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// validDoc is a small describe result in the shape the REST API returns,
// with keys the package ignores (urls, soapType of the object, ...).
const validDoc = `{
  "name": "Widget__c",
  "label": "Widget",
  "labelPlural": "Widgets",
  "keyPrefix": "a01",
  "custom": true,
  "createable": true,
  "updateable": true,
  "deletable": true,
  "queryable": true,
  "urls": {"sobject": "/services/data/v62.0/sobjects/Widget__c"},
  "fields": [
    {"name": "Id", "label": "Record ID", "type": "id", "soapType": "tns:ID", "length": 18, "idLookup": true},
    {"name": "Name", "label": "Widget Name", "type": "string", "length": 80, "nameField": true, "createable": true, "updateable": true, "defaultValue": null},
    {"name": "Status__c", "label": "Status", "type": "picklist", "custom": true, "restrictedPicklist": true,
     "defaultValue": "Draft",
     "picklistValues": [
       {"active": true, "defaultValue": true, "label": "Draft", "validFor": null, "value": "Draft"},
       {"active": false, "defaultValue": false, "label": null, "validFor": null, "value": "In Progress"}
     ]},
    {"name": "Account__c", "label": "Account", "type": "reference", "referenceTo": ["Account"], "relationshipName": "Account__r", "nillable": true},
    {"name": "Price__c", "label": "Price", "type": "currency", "precision": 18, "scale": 2, "inlineHelpText": "in */ EUR"}
  ],
  "childRelationships": [
    {"childSObject": "Widget__c", "field": "Parent__c", "relationshipName": "Children__r", "cascadeDelete": false},
    {"childSObject": "AttachedContentDocument", "field": "LinkedEntityId", "relationshipName": null, "cascadeDelete": true}
  ]
}`

func TestParseValid(t *testing.T) {
	o, err := Parse("Widget__c.json", []byte(validDoc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if o.Name != "Widget__c" || o.Label != "Widget" || o.LabelPlural != "Widgets" || Str(o.KeyPrefix) != "a01" {
		t.Errorf("object header = %q %q %q %q", o.Name, o.Label, o.LabelPlural, Str(o.KeyPrefix))
	}
	if !o.Custom || !o.Createable || !o.Updateable || !o.Deletable || !o.Queryable {
		t.Errorf("object flags not decoded: %+v", o)
	}
	var names []string
	for _, f := range o.Fields {
		names = append(names, f.Name)
	}
	if want := []string{"Id", "Name", "Status__c", "Account__c", "Price__c"}; !slices.Equal(names, want) {
		t.Fatalf("fields = %v, want %v (in file order)", names, want)
	}
	status := o.Fields[2]
	if status.Type != "picklist" || !status.RestrictedPicklist || len(status.PicklistValues) != 2 {
		t.Fatalf("Status__c = %+v", status)
	}
	if v := status.PicklistValues[1]; v.Value != "In Progress" || v.Active || v.Label != nil {
		t.Errorf("second picklist value = %+v, want inactive \"In Progress\" with a null label", v)
	}
	if string(status.DefaultValue) != `"Draft"` {
		t.Errorf("Status__c defaultValue = %s, want the raw JSON \"Draft\"", status.DefaultValue)
	}
	if string(o.Fields[1].DefaultValue) != "null" {
		t.Errorf("Name defaultValue = %q, want the raw JSON null", o.Fields[1].DefaultValue)
	}
	ref := o.Fields[3]
	if !slices.Equal(ref.ReferenceTo, []string{"Account"}) || Str(ref.RelationshipName) != "Account__r" || !ref.Nillable {
		t.Errorf("Account__c = %+v", ref)
	}
	if price := o.Fields[4]; price.Precision != 18 || price.Scale != 2 || Str(price.InlineHelpText) != "in */ EUR" {
		t.Errorf("Price__c = %+v", price)
	}
	if len(o.ChildRelationships) != 2 || Str(o.ChildRelationships[0].RelationshipName) != "Children__r" ||
		o.ChildRelationships[1].RelationshipName != nil || !o.ChildRelationships[1].CascadeDelete {
		t.Errorf("childRelationships = %+v", o.ChildRelationships)
	}
}

func TestParseNullKeyPrefix(t *testing.T) {
	o, err := Parse("x.json", []byte(`{"name": "AccountHistory", "keyPrefix": null, "fields": [{"name": "Id", "type": "id"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if o.KeyPrefix != nil || Str(o.KeyPrefix) != "" {
		t.Errorf("keyPrefix = %v, want nil", o.KeyPrefix)
	}
}

// edit returns validDoc changed by fn, re-encoded as indented JSON.
func edit(t testing.TB, fn func(o map[string]any)) []byte {
	t.Helper()
	var o map[string]any
	if err := json.Unmarshal([]byte(validDoc), &o); err != nil {
		t.Fatal(err)
	}
	fn(o)
	data, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func field(o map[string]any, i int) map[string]any {
	return o["fields"].([]any)[i].(map[string]any)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		field string   // want FileError.Field
		want  []string // substrings of the message
	}{
		{name: "empty file", data: nil, want: []string{"empty"}},
		{name: "blank file", data: []byte(" \n\t\r\n"), want: []string{"empty"}},
		{name: "truncated", data: []byte(validDoc[:len(validDoc)/2]), want: []string{"truncated"}},
		{name: "truncated after whitespace", data: []byte(`{"name": "Account"` + "\n\n"), want: []string{"truncated"}},
		{name: "array", data: []byte(`[{"name": "Account"}]`), want: []string{"array"}},
		{name: "string", data: []byte(`"Account"`), want: []string{"string"}},
		{name: "number", data: []byte(`42`), want: []string{"number"}},
		{name: "null", data: []byte(`null`), want: []string{`missing "name"`}},
		{name: "empty object", data: []byte(`{}`), want: []string{`missing "name"`}},
		{name: "global describe", data: []byte(`{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [{"name": "Account"}]}`),
			want: []string{"a global describe result", "not an sObject describe", "_global.json"}},
		{name: "name not a string", data: []byte(`{"name": 7, "fields": []}`), want: []string{`"name"`, "string", "line 1"}},
		{name: "fields not an array", data: []byte("{\n  \"name\": \"A\",\n  \"fields\": {}\n}"), want: []string{`"fields"`, "line 3"}},
		{name: "field length not a number", data: edit(t, func(o map[string]any) { field(o, 1)["length"] = "80" }),
			want: []string{`"fields.length"`, "line "}},
		{name: "missing name", data: edit(t, func(o map[string]any) { delete(o, "name") }), want: []string{`missing "name"`}},
		{name: "missing fields", data: edit(t, func(o map[string]any) { delete(o, "fields") }), want: []string{`no "fields"`}},
		{name: "no fields", data: edit(t, func(o map[string]any) { o["fields"] = []any{} }), want: []string{`no "fields"`}},
		{name: "object name with a space", data: edit(t, func(o map[string]any) { o["name"] = "Bad Name" }),
			want: []string{`"Bad Name"`, "not a valid API name"}},
		{name: "object name starting with a digit", data: edit(t, func(o map[string]any) { o["name"] = "1Widget__c" }),
			want: []string{`"1Widget__c"`, "not a valid API name"}},
		{name: "object name starting with an underscore", data: edit(t, func(o map[string]any) { o["name"] = "_Widget" }),
			want: []string{"not a valid API name"}},
		{name: "object name non-ASCII", data: edit(t, func(o map[string]any) { o["name"] = "Économie__c" }),
			want: []string{"not a valid API name"}},
		{name: "object name too long", data: edit(t, func(o map[string]any) { o["name"] = "A" + strings.Repeat("b", 255) }),
			want: []string{"not a valid API name"}},
		{name: "field without name", data: edit(t, func(o map[string]any) { delete(field(o, 1), "name") }),
			field: "#1", want: []string{`missing "name"`}},
		{name: "field without type", data: edit(t, func(o map[string]any) { delete(field(o, 2), "type") }),
			field: "Status__c", want: []string{`missing "type"`}},
		{name: "field with empty type", data: edit(t, func(o map[string]any) { field(o, 2)["type"] = "" }),
			field: "Status__c", want: []string{`missing "type"`}},
		{name: "duplicate field", data: edit(t, func(o map[string]any) { field(o, 4)["name"] = "Name" }),
			field: "Name", want: []string{"duplicate"}},
		{name: "duplicate field ignoring case", data: edit(t, func(o map[string]any) { field(o, 4)["name"] = "status__C" }),
			field: "status__C", want: []string{"duplicate"}},
		{name: "field name with a dash", data: edit(t, func(o map[string]any) { field(o, 4)["name"] = "Price-2__c" }),
			field: "Price-2__c", want: []string{"not a valid API name"}},
		{name: "field name with a comment closer", data: edit(t, func(o map[string]any) { field(o, 4)["name"] = "Price*/" }),
			field: "Price*/", want: []string{"not a valid API name"}},
		{name: "relationship name with a space", data: edit(t, func(o map[string]any) { field(o, 3)["relationshipName"] = "Account r" }),
			field: "Account__c", want: []string{`"Account r"`, "relationship name"}},
		{name: "referenceTo not an API name", data: edit(t, func(o map[string]any) { field(o, 3)["referenceTo"] = []any{"Account", "Not`Valid"} }),
			field: "Account__c", want: []string{"referenceTo", "\"Not`Valid\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const path = "testdir/Widget__c.json"
			o, err := Parse(path, tt.data)
			if err == nil {
				t.Fatalf("Parse succeeded (%s), want an error", o.Name)
			}
			if o != nil {
				t.Errorf("Parse returned an object with its error")
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v is not a *FileError", err, err)
			}
			if fe.Path != path || fe.Field != tt.field {
				t.Errorf("FileError{Path: %q, Field: %q}, want {%q, %q}", fe.Path, fe.Field, path, tt.field)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("error %q does not name the file", msg)
			}
			if tt.field != "" && !strings.Contains(msg, fmt.Sprintf("%q", tt.field)) {
				t.Errorf("error %q does not name the field %q", msg, tt.field)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestParseValidAPINameEdges(t *testing.T) {
	for _, name := range []string{"A", "ns__Thing__c", "Site__Latitude__s", "Widget__History", "X9", "A" + strings.Repeat("b", 254)} {
		data := edit(t, func(o map[string]any) { o["name"] = name; field(o, 4)["name"] = name })
		if _, err := Parse("x.json", data); err != nil {
			t.Errorf("API name %q: %v", name, err)
		}
	}
}

// TestParseChildRelationshipName: a child relationship's name becomes a Go
// field name (via naming.APIItem) just like a parent relationship's, so a
// name that is not an API name must be refused here, naming the file, rather
// than failing later inside oapi-codegen without it.
func TestParseChildRelationshipName(t *testing.T) {
	for _, rel := range []string{"Bad Name", "Kids-r", "Enfants__é", "*/Kids"} {
		data := edit(t, func(o map[string]any) {
			o["childRelationships"].([]any)[0].(map[string]any)["relationshipName"] = rel
		})
		_, err := Parse("Widget__c.json", data)
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Errorf("childRelationships[].relationshipName %q: err = %v, want a *FileError", rel, err)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", rel)) {
			t.Errorf("error %q does not name the relationship %q", err, rel)
		}
	}
}

// TestParseSyntaxErrorPosition: a syntax error names the line and column of
// the offending character, and is not mistaken for truncation when that
// character happens to be the last byte of the file.
func TestParseSyntaxErrorPosition(t *testing.T) {
	const doc = `{"name": "Account", "fields": [{"name": "Id", "type": "id"}]}`
	tests := []struct {
		name        string
		before, bad string // the offending text starts right after before
	}{
		{"missing comma", "{\n  \"name\": \"Account\",\n  \"fields\": [\n    {\"name\": \"Id\" ", "\"type\": \"id\"}\n  ]\n}\n"},
		{"bad literal", `{"name": "Account", "custom": `, `xrue, "fields": []}`},
		{"newline in string", `{"name": "Acc`, "\n\", \"fields\": []}"},
		{"byte order mark", "", "\ufeff" + doc},
		{"extra closing brace at the end", doc, "}"},
		{"garbage after the object", doc + "\n", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := 1 + strings.Count(tt.before, "\n")
			col := len(tt.before) - strings.LastIndexByte(tt.before, '\n')
			want := fmt.Sprintf("line %d, column %d", line, col)
			_, err := Parse("Account.json", []byte(tt.before+tt.bad))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, "Account.json") || !strings.Contains(msg, "invalid JSON") || !strings.Contains(msg, want) {
				t.Errorf("error %q, want it to name Account.json, say invalid JSON and point at %s", msg, want)
			}
			if strings.Contains(msg, "truncated") {
				t.Errorf("error %q calls a complete file truncated", msg)
			}
		})
	}
}

// TestParseTypeErrorPosition: a value of the wrong JSON type is located on
// its line, at a column inside the value.
func TestParseTypeErrorPosition(t *testing.T) {
	data := "{\n  \"name\": \"Account\",\n  \"fields\": [\n    {\"name\": \"Id\", \"type\": \"id\", \"length\": \"18\"}\n  ]\n}\n"
	_, err := Parse("Account.json", []byte(data))
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	var line, col int
	msg := err.Error()
	if _, scanErr := fmt.Sscanf(msg[strings.Index(msg, "line "):], "line %d, column %d", &line, &col); scanErr != nil {
		t.Fatalf("error %q holds no line and column: %v", msg, scanErr)
	}
	start := strings.Index(data, `"18"`)
	lineStart := strings.LastIndexByte(data[:start], '\n')
	first, last := start-lineStart, start-lineStart+len(`"18"`)-1
	if line != 4 || col < first || col > last {
		t.Errorf("error %q points at line %d, column %d; want line 4, a column in [%d, %d]", msg, line, col, first, last)
	}
	if !strings.Contains(msg, "length") {
		t.Errorf("error %q does not name the key", msg)
	}
}

// TestParseEveryPrefix: every strict prefix of a valid describe is reported as
// truncated, never accepted and never a panic.
func TestParseEveryPrefix(t *testing.T) {
	for n := 1; n < len(validDoc); n++ {
		prefix := validDoc[:n]
		_, err := Parse("Widget__c.json", []byte(prefix))
		if err == nil {
			t.Fatalf("prefix of %d bytes parsed", n)
		}
		want := "truncated"
		if strings.TrimSpace(prefix) == "" {
			want = "empty"
		}
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("prefix of %d bytes: %v, want %q", n, err, want)
		}
	}
}

func TestFileErrorUnwrap(t *testing.T) {
	inner := errors.New("boom")
	err := error(&FileError{Path: "a.json", Field: "F", Err: inner})
	if !errors.Is(err, inner) {
		t.Error("errors.Is does not reach the wrapped error")
	}
	if got, want := err.Error(), `describe a.json: field "F": boom`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&FileError{Path: "a.json", Err: inner}).Error(), "describe a.json: boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func obj(name string) string {
	return fmt.Sprintf(`{"name": %q, "fields": [{"name": "Id", "type": "id"}]}`, name)
}

func objNames(objs []*SObject) []string {
	var names []string
	for _, o := range objs {
		names = append(names, o.Name)
	}
	return names
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Widget__c.json":         obj("Widget__c"),
		"Account.json":           obj("Account"),
		"contact-export.json":    obj("Contact"),                                                                  // the file name does not matter
		"sobjects.json":          `{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [{"name": "Account"}]}`, // a global describe: skipped
		"_global.json":           "not even JSON",
		".hidden.json":           "{",
		"README.md":              "notes",
		"Account.json.bak":       "{",
		"Lead.JSON":              "{", // only *.json, case-sensitively
		"nested.json/inner.json": obj("Nested"),
		"sub/Case.json":          obj("Case"),
	})
	objs, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	if got, want := objNames(objs), []string{"Account", "Contact", "Widget__c"}; !slices.Equal(got, want) {
		t.Errorf("LoadDir = %v, want %v (sorted, skipped files left out)", got, want)
	}
}

func TestLoadDirErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		dir   string   // relative to the temp dir; default the temp dir
		want  []string // substrings; "$DIR" stands for the folder
	}{
		{name: "missing folder", dir: "nope", want: []string{"$DIR", "does not exist"}},
		{name: "empty folder", want: []string{"$DIR", "no *.json"}},
		{name: "no json", files: map[string]string{"Account.txt": obj("Account"), "_x.json": obj("X"), ".y.json": obj("Y")},
			want: []string{"$DIR", "no *.json"}},
		{name: "not a folder", files: map[string]string{"file": "x"}, dir: "file", want: []string{"$DIR"}},
		{name: "malformed file", files: map[string]string{"Account.json": obj("Account"), "Contact.json": `{"name": "Contact", "fields": [`},
			want: []string{filepath.Join("$DIR", "Contact.json"), "truncated"}},
		{name: "bad field", files: map[string]string{"Contact.json": `{"name": "Contact", "fields": [{"name": "Email"}]}`},
			want: []string{filepath.Join("$DIR", "Contact.json"), `"Email"`, `missing "type"`}},
		{name: "same object twice", files: map[string]string{"Account.json": obj("Account"), "Account2.json": obj("Account")},
			want: []string{filepath.Join("$DIR", "Account.json"), filepath.Join("$DIR", "Account2.json"), "Account"}},
		{name: "same object ignoring case", files: map[string]string{"a.json": obj("Account"), "b.json": obj("ACCOUNT")},
			want: []string{filepath.Join("$DIR", "a.json"), filepath.Join("$DIR", "b.json")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, tt.files)
			dir := root
			if tt.dir != "" {
				dir = filepath.Join(root, tt.dir)
			}
			objs, err := LoadDir(dir)
			if err == nil {
				t.Fatalf("LoadDir succeeded with %v", objNames(objs))
			}
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "$DIR", dir)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestLoadDirFileErrorType: errors about one file are *FileError, with the
// path as LoadDir saw it.
func TestLoadDirFileErrorType(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Lead.json": `{"name": "Lead", "fields": [{"name": "Id", "type": "id"}, {"name": "ID", "type": "id"}]}`})
	_, err := LoadDir(dir)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != filepath.Join(dir, "Lead.json") || fe.Field != "ID" {
		t.Fatalf("err = %#v, want a *FileError for Lead.json, field ID", err)
	}
}

// TestLoadDirFirstError: with several bad files, the error is about the
// first in file-name order, every time.
func TestLoadDirFirstError(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 40 {
		name := fmt.Sprintf("Obj%02d__c", i)
		files[name+".json"] = obj(name)
		if i >= 7 && i%3 == 1 {
			files[name+".json"] = `{"name": "` + name + `", "fields": [{"name": "Id"}]}`
		}
	}
	files["Obj39__c.json"] = "{"
	writeFiles(t, dir, files)
	for range 20 {
		_, err := LoadDir(dir)
		var fe *FileError
		if !errors.As(err, &fe) || fe.Path != filepath.Join(dir, "Obj07__c.json") {
			t.Fatalf("err = %v, want the error of Obj07__c.json", err)
		}
	}
}

// realDescribes is ../shared/real-describes seen from the repository root
// (see docs in that folder); tests skip when it is absent.
var realDescribes = filepath.Join("..", "..", "..", "shared", "real-describes")

// TestRealDescribes parses every recorded describe response. The field
// counts are the ones listed in the folder's README.
func TestRealDescribes(t *testing.T) {
	if _, err := os.Stat(realDescribes); err != nil {
		t.Skipf("real describes not available (%v): they live beside the repository in ../shared", err)
	}
	fieldCounts := map[string]int{
		"Account": 64, "Case": 35, "Contact": 59, "Event": 48, "Lead": 54, "Opportunity": 40, "OpportunityContactRole": 11,
	}
	paths, err := filepath.Glob(filepath.Join(realDescribes, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	copyDir := t.TempDir()
	var parsed []string
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Parse(path, data)
		if filepath.Base(path) == "global-describe.json" {
			// A list of objects, not one object's describe.
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "not an sObject describe") {
				t.Errorf("global describe: err = %v, want a *FileError saying it is not an sObject describe", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		if o.Name != name || len(o.ChildRelationships) == 0 {
			t.Errorf("%s: object %q with %d childRelationships", path, o.Name, len(o.ChildRelationships))
		}
		if n, ok := fieldCounts[name]; ok && len(o.Fields) != n {
			t.Errorf("%s: %d fields, want %d", path, len(o.Fields), n)
		}
		parsed = append(parsed, name)
		writeFiles(t, copyDir, map[string]string{filepath.Base(path): string(data)})
	}
	for name := range fieldCounts {
		if !slices.Contains(parsed, name) {
			t.Errorf("%s.json missing from %s", name, realDescribes)
		}
	}
	objs, err := LoadDir(copyDir)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(parsed)
	if got := objNames(objs); !slices.Equal(got, parsed) {
		t.Errorf("LoadDir = %v, want %v, sorted", got, parsed)
	}
}

// TestBundledDescribes loads the bundled example org: each file is named
// after its object, and the custom object covers the field types the real
// describes lack (see docs/design).
func TestBundledDescribes(t *testing.T) {
	dir := filepath.Join("..", "..", "sampleorg", "describe")
	objs, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, o := range objs {
		if _, err := os.Stat(filepath.Join(dir, o.Name+".json")); err != nil {
			t.Errorf("object %s is not in %s.json", o.Name, o.Name)
		}
		for _, f := range o.Fields {
			types[f.Type] = true
		}
	}
	for _, typ := range []string{"multipicklist", "location", "base64", "time", "long", "anyType", "encryptedstring", "address", "reference", "picklist"} {
		if !types[typ] {
			t.Errorf("no bundled field has type %q", typ)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(validDoc))
	f.Add([]byte(obj("Account")))
	f.Add([]byte(validDoc[:100]))
	f.Add([]byte(""))
	f.Add([]byte("[]"))
	f.Add([]byte(`"Account"`))
	f.Add([]byte("null"))
	f.Add([]byte(`{"name": "A", "fields": [{"name": "a", "type": "id"}, {"name": "A", "type": "id"}]}`))
	f.Add([]byte(`{"name": "A", "fields": [{"name": "a b", "type": "id", "referenceTo": ["x y"]}]}`))
	f.Add([]byte(`{"name": "A", "fields": [{"name": "B", "type": "string", "length": 1e400}]}`))
	f.Add([]byte("{\"name\": \"A\"}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Parse("fuzz.json", data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != "fuzz.json" || !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("error %T %q is not a *FileError naming the file", err, err)
			}
			if o != nil {
				t.Fatal("object returned with an error")
			}
			return
		}
		if o == nil {
			t.Fatal("nil object without an error")
		}
		if verr := o.validate(); verr != nil {
			t.Fatalf("accepted object fails validation: %v", verr)
		}
	})
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]string{"62.0": "62.0", "v62.0": "62.0", " 62 ": "62.0", "100.0": "100.0"} {
		if got, err := ParseVersion(in); err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "latest", "62.0.1", "6.0", "v", "62.00", "sixty"} {
		if got, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %q, want an error", in, got)
		}
	}
}
