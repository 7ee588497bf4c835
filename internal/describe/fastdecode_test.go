package describe

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/internal/synthorg"
)

// checkSame fails unless fastDecode, when it accepts data, decodes what
// encoding/json decodes. It reports whether fastDecode accepted data.
func checkSame(t testing.TB, data []byte) bool {
	t.Helper()
	var fast SObject
	if !fastDecode(data, &fast) {
		return false
	}
	var std SObject
	if err := decodeOne(data, &std); err != nil {
		t.Fatalf("fastDecode accepted %q, which encoding/json refuses: %v", data, err)
	}
	if !reflect.DeepEqual(fast, std) {
		t.Fatalf("fastDecode and encoding/json differ on %q:\nfast %+v\nstd  %+v", data, fast, std)
	}
	return true
}

// filled returns a value of type t with every field set, slices holding two
// elements.
func filled(t reflect.Type, seed string) reflect.Value {
	v := reflect.New(t).Elem()
	switch {
	case t == reflect.TypeFor[json.RawMessage]():
		v.SetBytes([]byte(`{"` + seed + `":[1.5e3,"two",null,{}]}`)) // compact, as json.Marshal writes it
	case t.Kind() == reflect.String:
		v.SetString("S_" + seed)
	case t.Kind() == reflect.Bool:
		v.SetBool(true)
	case t.Kind() == reflect.Int:
		v.SetInt(int64(len(seed)))
	case t.Kind() == reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
		v.Elem().Set(filled(t.Elem(), seed))
	case t.Kind() == reflect.Slice:
		v.Set(reflect.Append(v, filled(t.Elem(), seed+"1"), filled(t.Elem(), seed+"2")))
	case t.Kind() == reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).Tag.Get("json") == "-" {
				continue // not decoded
			}
			v.Field(i).Set(filled(t.Field(i).Type, seed+t.Field(i).Name))
		}
	default:
		panic("filled: no value for " + t.String())
	}
	return v
}

// TestFastDecodeEveryField: every field of the structs is decoded by the fast
// path (a field added to the structs but not to fastdecode.go fails here).
func TestFastDecodeEveryField(t *testing.T) {
	want := filled(reflect.TypeFor[SObject](), "").Interface().(SObject)
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got SObject
	if !fastDecode(data, &got) {
		t.Fatalf("fastDecode refused %s", data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fastDecode:\ngot  %+v\nwant %+v", got, want)
	}
	checkSame(t, data)
	indented, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !checkSame(t, indented) {
		t.Errorf("fastDecode refused %s", indented)
	}
}

// TestFastDecodeUsual: the fast path takes the describe results of the tests,
// of the synthetic orgs and of the real describes, decoding what encoding/json
// decodes.
func TestFastDecodeUsual(t *testing.T) {
	docs := map[string][]byte{"validDoc": []byte(validDoc)}
	dir := t.TempDir()
	if err := synthorg.Write(dir, 20, 60); err != nil {
		t.Fatal(err)
	}
	synth, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	real, _ := filepath.Glob(filepath.Join(realDescribes, "*.json"))
	bundled, _ := filepath.Glob(filepath.Join("..", "..", "openapi", "describe", "*.json"))
	for _, path := range append(append(synth, real...), bundled...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		docs[path] = data
	}
	for name, data := range docs {
		if !checkSame(t, data) {
			t.Errorf("%s: fastDecode refused it", name)
		}
	}
}

// TestFastDecodeSame: on odd input, the fast path either decodes what
// encoding/json decodes or leaves the file to it.
func TestFastDecodeSame(t *testing.T) {
	const field = `{"name": "Id", "type": "id"}`
	doc := func(members ...string) string {
		return `{"name": "A", "fields": [` + field + `]` + strings.Join(append([]string{""}, members...), ", ") + `}`
	}
	fieldDoc := func(members ...string) string {
		return `{"name": "A", "fields": [{` + strings.Join(append([]string{`"name": "F"`, `"type": "string"`}, members...), ", ") + `}]}`
	}
	taken := []string{
		doc(),
		doc(`"label": null`, `"keyPrefix": null`, `"custom": null`, `"childRelationships": null`),
		doc(`"label": ""`, `"keyPrefix": ""`, `"childRelationships": []`),
		doc(`"label": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"`),
		doc(`"label": "Économie – 経済"`),
		doc("\"label\": \"bad \xff\xfe UTF-8\"", "\"labelPlural\": \"\xed\xa0\x80\""),
		doc(`"label": "\ud800 lone surrogate"`),
		doc(`"urls": {"a": [1, -2.5e+3, 0.1E-2, -0, true, false, null, "x\"y", {}, [], {"b": {"c": [[]]}}]}`),
		doc(`"": 1`, `"fieldz": [`+field+`]`, `"naMe_": "x"`),
		doc(`"childRelationships": [null, {"childSObject": "B", "field": "AId", "relationshipName": null, "cascadeDelete": true, "junctionIdListNames": []}]`),
		`{"name": "A", "fields": [null, ` + field + `]}`,
		`{"fields": [` + field + `], "name": "A"}`,
		" \t\r\n{ \"name\" : \"A\" , \"fields\" : [ " + field + " ] } \n\r\t ",
		fieldDoc(`"length": 0`, `"precision": -0`, `"scale": -12`, `"digits": 123456789012345678`),
		fieldDoc(`"length": null`, `"unique": null`, `"relationshipName": null`, `"referenceTo": null`, `"picklistValues": null`, `"defaultValue": null`),
		fieldDoc(`"referenceTo": []`, `"picklistValues": []`),
		fieldDoc(`"referenceTo": ["B", null, "C"]`),
		fieldDoc(`"picklistValues": [null, {"value": "v", "label": null, "validFor": "gA==", "active": true, "defaultValue": false, "extra": 1}]`),
		fieldDoc(`"defaultValue": true`),
		fieldDoc(`"defaultValue": -1.5e-7`),
		fieldDoc(`"defaultValue": "x\u0041"`),
		fieldDoc(`"defaultValue": { "a" : [ 1 , { } ] }`),
		fieldDoc(`"defaultValue": []`),
		fieldDoc(`"label": "x"`) + "\n",
	}
	for _, data := range taken {
		if !checkSame(t, []byte(data)) {
			t.Errorf("fastDecode refused %s", data)
		}
	}
	left := []string{
		// Not an object, or not only one.
		"", "null", "[]", `"A"`, "42", "\ufeff" + doc(), "\f" + doc(), doc() + "\f", doc() + " x", doc() + "}", doc() + doc(),
		// Keys encoding/json matches ignoring case, escaped keys, repeated keys.
		doc(`"Label": "x"`), doc(`"LABEL": "x"`), `{"NAME": "A", "fields": [` + field + `]}`,
		fieldDoc(`"Length": 1`), fieldDoc(`"referenceto": ["B"]`), fieldDoc(`"picklistValues": [{"Value": "v"}]`),
		doc(`"childRelationships": [{"Field": "x"}]`),
		doc(`"ſabel": "x"`), fieldDoc(`"ſcale": 2`), doc(`"\u006cabel": "x"`), doc(`"la\u0062el": "x"`),
		doc(`"label": "x"`, `"label": "y"`), doc(`"fields": []`), fieldDoc(`"referenceTo": ["B"]`, `"referenceTo": ["C"]`),
		// Numbers other than plain integers, or too large.
		fieldDoc(`"length": 1.0`), fieldDoc(`"length": 1e2`), fieldDoc(`"length": 1E2`), fieldDoc(`"length": 01`),
		fieldDoc(`"length": -`), fieldDoc(`"length": +1`), fieldDoc(`"length": 1234567890123456789`),
		fieldDoc(`"length": 99999999999999999999`), fieldDoc(`"length": 1e400`), fieldDoc(`"length": "1"`),
		fieldDoc(`"defaultValue": 01`), fieldDoc(`"defaultValue": 1.`), fieldDoc(`"defaultValue": .5`), fieldDoc(`"defaultValue": 1e`),
		fieldDoc(`"defaultValue": -`), fieldDoc(`"defaultValue": NaN`), fieldDoc(`"defaultValue": nul`), fieldDoc(`"defaultValue": True`),
		// Values of the wrong kind.
		doc(`"label": 1`), doc(`"label": true`), doc(`"label": {}`), doc(`"keyPrefix": []`), doc(`"custom": "true"`),
		doc(`"custom": 1`), doc(`"childRelationships": {}`), doc(`"childRelationships": [1]`), `{"name": "A", "fields": {}}`,
		`{"name": "A", "fields": [[]]}`, `{"name": "A", "fields": ["x"]}`, fieldDoc(`"referenceTo": "B"`),
		fieldDoc(`"referenceTo": [1]`), fieldDoc(`"picklistValues": [true]`), fieldDoc(`"picklistValues": [{"active": "yes"}]`),
		// Bad syntax.
		doc(`"label": "a` + "\n" + `b"`), doc(`"label": "\x"`), doc(`"label": "\u12"`), doc(`"label": "\u12G4"`),
		doc(`"urls": {"a": 1,}`), doc(`"urls": [1,]`), doc(`"urls": [,1]`), doc(`"urls": {1: 2}`), doc(`"urls": {"a" 1}`),
		doc(`"urls": "` + "\x01" + `"`), doc(`"urls": ` + strings.Repeat("[", 600) + strings.Repeat("]", 600)),
		doc(`"urls": ` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001)),
		`{"name": "A" "fields": []}`, `{"name": "A", "fields": [` + field + ` ` + field + `]}`, `{"name": "A",}`, `{,}`,
	}
	for _, data := range left {
		if checkSame(t, []byte(data)) {
			t.Errorf("fastDecode took %q", data)
		}
	}
	// Every prefix of a valid document is left to encoding/json.
	for n := range len(validDoc) {
		if checkSame(t, []byte(validDoc[:n])) {
			t.Errorf("fastDecode took the prefix %q", validDoc[:n])
		}
	}
}

// FuzzFastDecode checks fastDecode against encoding/json.
func FuzzFastDecode(f *testing.F) {
	f.Add([]byte(validDoc))
	f.Add([]byte(obj("Account")))
	data, _ := json.Marshal(filled(reflect.TypeFor[SObject](), "").Interface())
	f.Add(data)
	f.Add([]byte(`{"name": "A", "fields": [{"name": "F", "type": "string", "length": -0, "referenceTo": [null], "defaultValue": {"a": [1e5]}}], "Label": "x"}`))
	f.Add([]byte(`{"name": "A", "label": "\u00e9\ud83d", "fields": [null], "childRelationships": [{"cascadeDelete": null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSame(t, data)
	})
}

// TestParseKeepsNoData: the object Parse returns shares no memory with the
// data (LoadDir reuses its read buffers), on the fast path or not.
func TestParseKeepsNoData(t *testing.T) {
	fallback := strings.Replace(validDoc, `"label": "Widget"`, `"Label": "Widget"`, 1)
	for _, doc := range []string{validDoc, fallback} {
		data := []byte(doc)
		o, err := Parse("Widget__c.json", data)
		if err != nil {
			t.Fatal(err)
		}
		for i := range data {
			data[i] = 'x'
		}
		want, err := Parse("Widget__c.json", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(o, want) {
			t.Errorf("the object changed with the data it was parsed from:\n%+v\nwant %+v", o, want)
		}
	}
}
