package sobjects_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/internal/benchdata"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// readShapes checks every read shape of the sample org.
var readShapes = []func(*testing.T, *rand.Rand){
	checkDecode[sampleorg.Account], checkDecode[sampleorg.Case], checkDecode[sampleorg.Contact],
	checkDecode[sampleorg.Lead], checkDecode[sampleorg.Opportunity], checkDecode[sampleorg.Task],
	checkDecode[sampleorg.User], checkDecode[sampleorg.WidgetC], checkDecode[benchdata.HandAccount],
	checkDecode[oddRead],
}

// oddRead has fields the decoder must leave to encoding/json.
type oddRead struct {
	Number  *json.Number                 `json:"Number"`
	Plain   string                       `json:"Plain"`
	Count   int                          `json:"Count"`
	Flag    bool                         `json:"Flag"`
	Ratio   float64                      `json:"Ratio"`
	Small   *int32                       `json:"Small"`
	Raw     json.RawMessage              `json:"Raw"`
	List    []string                     `json:"List"`
	Map     map[string]any               `json:"Map"`
	Any     any                          `json:"Any"`
	Owner   *oddRead                     `json:"Owner"`
	Attrs   sftype.Attributes            `json:"attributes"`
	Stamp   *sftype.DateTime             `json:"Stamp"`
	Address *sftype.Address              `json:"Address"`
	Parent  *sftype.Record               `json:"Parent"`
	Kids    *sftype.QueryResult[oddRead] `json:"Kids"`
}

// TestUnmarshalRecordMatchesEncodingJSON writes random JSON for every read
// shape (values of the right type and of the wrong one, nulls, unknown keys,
// keys in another case, escapes, invalid UTF-8, nested records, syntax
// errors) and compares the decoder with json.Unmarshal: the same value and
// the same error.
func TestUnmarshalRecordMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range readShapes {
		c(t, rng)
	}
}

func checkDecode[T any](t *testing.T, rng *rand.Rand) {
	t.Helper()
	for i := range 200 {
		var b strings.Builder
		keep := []int{2, 8}[i%2] // one field in 2 or in 8: records where the fast path decides alone too
		randomObject(rng, &b, reflect.TypeFor[T](), 0, i%5 == 0, keep)
		data := []byte(b.String())
		if i%20 == 19 && len(data) > 2 { // a syntax error somewhere
			data = data[:rng.IntN(len(data))]
		}
		compareDecode[T](t, data)
	}
	compareDecode[T](t, []byte(benchdata.Record(7)))
}

func compareDecode[T any](t *testing.T, data []byte) {
	t.Helper()
	var want, got T
	werr := json.Unmarshal(data, &want)
	gerr := sobjects.UnmarshalRecord(data, &got)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("%T of %s:\njson.Unmarshal error %v\ndecoder error        %v", got, data, werr, gerr)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("%T of %s:\ndecoder        %s\njson.Unmarshal %s", got, data, g, w)
	}
}

var jsonTexts = []string{`""`, `"Acme"`, `"line\nbreak \"quoted\" back\\slash\/ \b\f\r\t"`, `"O'Brien \"Q\" \\ \n\t\u00e9\ud83d\ude00"`, `"日本"`, "\"bad \xff utf-8\"",
	`"2024-01-31T12:00:00.000+0000"`, `"2024-01-31"`, `"12:30:00.000Z"`, `"a;b;c"`, `"<&>"`}

// randomObject writes a JSON object for struct type t.
func randomObject(rng *rand.Rand, b *strings.Builder, t reflect.Type, depth int, odd bool, keep int) {
	b.WriteByte('{')
	n := 0
	sep := func() {
		if n > 0 {
			b.WriteByte(',')
		}
		if rng.IntN(8) == 0 {
			b.WriteString(" \n")
		}
		n++
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" || rng.IntN(keep) != 0 {
			continue
		}
		if odd && rng.IntN(20) == 0 {
			name = strings.ToUpper(name) // matches only ignoring case
		}
		sep()
		b.WriteString(strconv.Quote(name) + ":")
		randomJSON(rng, b, sf.Type, depth, odd)
	}
	if rng.IntN(4) == 0 {
		sep()
		b.WriteString(`"Unknown__c":`)
		randomJSON(rng, b, reflect.TypeFor[map[string]any](), depth, odd)
	}
	b.WriteByte('}')
}

func randomJSON(rng *rand.Rand, b *strings.Builder, t reflect.Type, depth int, odd bool) {
	if rng.IntN(6) == 0 {
		b.WriteString("null")
		return
	}
	if odd && rng.IntN(15) == 0 { // the wrong JSON type
		b.WriteString([]string{`7`, `"x"`, `true`, `[1,2]`, `{"a":1}`}[rng.IntN(5)])
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[sftype.DateTime](), reflect.TypeFor[sftype.Date](), reflect.TypeFor[sftype.Time](),
		reflect.TypeFor[sftype.MultiPicklist]():
		b.WriteString(jsonTexts[6+rng.IntN(4)])
		return
	case reflect.TypeFor[sftype.Record]():
		b.WriteString(`{"attributes":{"type":"User","url":"/u"},"Id":"005xx","Name":"Ada"}`)
		return
	case reflect.TypeFor[json.RawMessage]():
		b.WriteString(`{"any":[1,"two",null]}`)
		return
	}
	switch t.Kind() {
	case reflect.String:
		b.WriteString(jsonTexts[rng.IntN(len(jsonTexts))])
	case reflect.Bool:
		b.WriteString([]string{"true", "false"}[rng.IntN(2)])
	case reflect.Int, reflect.Int64, reflect.Int32:
		b.WriteString([]string{"0", "-17", "123456789", "9223372036854775807", "1e3", "2.0", "99999999999999999999"}[rng.IntN(7)])
	case reflect.Float64, reflect.Float32:
		b.WriteString([]string{"0", "-0", "1.5", "37.7936", "-122.3951", "1e21", "2.5E-7", "123456789012345678901234567890"}[rng.IntN(8)])
	case reflect.Struct:
		if depth > 0 {
			b.WriteString("null")
			return
		}
		randomObject(rng, b, t, depth+1, odd, 2)
	case reflect.Slice:
		b.WriteString(`[]`)
	default: // maps and anything else: an object of mixed values
		b.WriteString(`{"a":[1,{"b":"c"}],"d":true,"e":null,"f":-1.5e-3}`)
	}
}

// FuzzUnmarshalRecord holds the decoder to json.Unmarshal on any input.
func FuzzUnmarshalRecord(f *testing.F) {
	f.Add([]byte(benchdata.Record(1)))
	f.Add([]byte(`{"Id":"x","Owner":{"Name":null},"NumberOfEmployees":2,"AnnualRevenue":1e3,"IsDeleted":true}`))
	f.Add([]byte(`{"NAME":"x"}`))
	f.Add([]byte(`{"Name":"\u0041"} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		compareDecode[sampleorg.Account](t, data)
	})
}

// BenchmarkUnmarshalRecord compares the decoder with json.Unmarshal on a
// typical record:
//
//	go test -run XXX -bench UnmarshalRecord -benchmem ./sobjects
func BenchmarkUnmarshalRecord(b *testing.B) {
	data := []byte(benchdata.Record(42))
	b.Run("decoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var a sampleorg.Account
			if err := sobjects.UnmarshalRecord(data, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var a sampleorg.Account
			if err := json.Unmarshal(data, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json-hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var a benchdata.HandAccount
			if err := json.Unmarshal(data, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
