package sobjects_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// writeShapes checks every create and update shape of the sample org.
var writeShapes = []func(*testing.T, *rand.Rand){
	check[sampleorg.AccountCreate], check[sampleorg.AccountUpdate], check[sampleorg.CaseCreate], check[sampleorg.CaseUpdate],
	check[sampleorg.ContactCreate], check[sampleorg.ContactUpdate], check[sampleorg.LeadCreate], check[sampleorg.LeadUpdate],
	check[sampleorg.OpportunityCreate], check[sampleorg.OpportunityUpdate], check[sampleorg.TaskCreate], check[sampleorg.TaskUpdate],
	check[sampleorg.UserCreate], check[sampleorg.UserUpdate], check[sampleorg.WidgetCCreate], check[sampleorg.WidgetCUpdate],
}

// check fills T at random, hundreds of times, and compares both entries of
// the encoder (generic and reflect) with json.Marshal, byte for byte.
func check[T any](t *testing.T, rng *rand.Rand) {
	t.Helper()
	for i := range 200 {
		var rec T
		fill(rng, reflect.ValueOf(&rec).Elem(), i%4 == 0)
		want, werr := json.Marshal(&rec)
		for name, enc := range map[string]func() ([]byte, error){
			"generic": func() ([]byte, error) { return sobjects.MarshalRecord(&rec) },
			"reflect": func() ([]byte, error) { return sobjects.MarshalValue(&rec) },
		} {
			got, gerr := enc()
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("%T %s: json.Marshal error %v, encoder error %v", rec, name, werr, gerr)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%T %s:\nencoder      %s\njson.Marshal %s", rec, name, got, want)
			}
		}
	}
}

// odd are structs the encoder must hand to encoding/json whole, or write
// exactly as it does: embedded fields, tag options, plain fields without
// omitempty, unexported fields, renamed and skipped fields.
type oddEmbedded struct {
	sftype.Attributes
	Name *string `json:"Name,omitempty"`
}

type oddOptions struct {
	N    int     `json:"N,string"`
	Z    *string `json:"Z,omitzero"`
	Both *string `json:"Both,omitempty,omitzero"`
}

type oddPlain struct {
	hidden   string
	Skipped  string `json:"-"`
	Dash     string `json:"-,"`
	Untagged *string
	Plain    *string                   `json:"Plain"`
	Null     nullable.Nullable[string] `json:"Null"`
	Float    float64                   `json:"Float,omitempty"`
	Count    int                       `json:"Count,omitempty"`
	Flag     bool                      `json:"Flag,omitempty"`
	Text     string                    `json:"Text,omitempty"`
	Raw      json.RawMessage           `json:"Raw,omitempty"`
	Any      any                       `json:"Any,omitempty"`
	Array    [2]int                    `json:"Array,omitempty"`
	Struct   sftype.Location           `json:"Struct,omitempty"`
	HTML     string                    `json:"<b>,omitempty"`
}

// oddDuplicate has two fields of one JSON name, which encoding/json drops
// both of (built at run time: go vet refuses such tags in source).
var oddDuplicate = reflect.New(reflect.StructOf([]reflect.StructField{
	{Name: "Dup1", Type: reflect.TypeFor[*string](), Tag: `json:"Dup,omitempty"`},
	{Name: "Dup2", Type: reflect.TypeFor[*string](), Tag: `json:"Dup,omitempty"`},
	{Name: "Other", Type: reflect.TypeFor[*string](), Tag: `json:"Other,omitempty"`},
})).Elem().Interface()

type oddEmpty struct{}

// TestMarshalRecordMatchesEncodingJSON fills every write shape (and odd
// structs) at random, thousands of times, and compares the encoder's bytes
// with json.Marshal's.
func TestMarshalRecordMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range append(writeShapes, check[oddEmbedded], check[oddOptions], check[oddPlain], check[oddEmpty]) {
		c(t, rng)
	}
	// A type built at run time reaches the reflect entry only.
	typ := reflect.TypeOf(oddDuplicate)
	for range 100 {
		v := reflect.New(typ)
		fill(rng, v.Elem(), false)
		want, _ := json.Marshal(v.Interface())
		if got, err := sobjects.MarshalValue(v.Interface()); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: encoder %s (%v), json.Marshal %s", typ, got, err, want)
		}
	}
}

// fill sets the exported fields of struct v at random: unset, null, empty,
// zero or a value, strings with HTML, line separators and invalid UTF-8.
// sparse leaves most fields unset, as updates do.
func fill(rng *rand.Rand, v reflect.Value, sparse bool) {
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() || (sparse && rng.IntN(10) > 0) {
			continue
		}
		randomValue(rng, f)
	}
}

var texts = []string{"", "Acme", "<a href=\"x\">&amp;</a>", "line\u2028sep\u2029", "bad \xff utf-8", "tab\tquote\"back\\slash", "日本"}

func randomValue(rng *rand.Rand, v reflect.Value) {
	switch v.Interface().(type) {
	case sftype.DateTime:
		v.Set(reflect.ValueOf(sftype.DateTimeOf(time.Unix(rng.Int64N(4e9), int64(rng.IntN(1000))*1e6))))
		return
	case sftype.Date:
		v.Set(reflect.ValueOf(sftype.DateOf(time.Unix(rng.Int64N(4e9), 0))))
		return
	case sftype.Time:
		v.Set(reflect.ValueOf(sftype.TimeOf(time.Unix(rng.Int64N(86400), int64(rng.IntN(1000))*1e6))))
		return
	case time.Time:
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if rng.IntN(3) == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		p := reflect.New(v.Type().Elem())
		randomValue(rng, p.Elem())
		v.Set(p)
	case reflect.Map: // nullable.Nullable[T]: unset, empty, null or a value
		switch rng.IntN(4) {
		case 0:
			v.Set(reflect.Zero(v.Type()))
		case 1:
			v.Set(reflect.MakeMap(v.Type()))
		case 2:
			m := reflect.MakeMap(v.Type())
			m.SetMapIndex(reflect.ValueOf(false), reflect.Zero(v.Type().Elem()))
			v.Set(m)
		default:
			m := reflect.MakeMap(v.Type())
			e := reflect.New(v.Type().Elem()).Elem()
			randomValue(rng, e)
			m.SetMapIndex(reflect.ValueOf(true), e)
			v.Set(m)
		}
	case reflect.String:
		v.SetString(texts[rng.IntN(len(texts))])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt([]int64{0, 1, -7, math.MaxInt32, 1 << 53}[rng.IntN(5)])
	case reflect.Float64, reflect.Float32:
		v.SetFloat([]float64{0, math.Copysign(0, -1), 1.5, 1e21, 123456789.125, -2.5e-7, 1e-7, 3e-9, math.NaN(), math.Inf(1)}[rng.IntN(10)])
	case reflect.Slice:
		if rng.IntN(4) == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		s := reflect.MakeSlice(v.Type(), rng.IntN(3), 3)
		for i := range s.Len() {
			randomValue(rng, s.Index(i))
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			randomValue(rng, v.Index(i))
		}
	case reflect.Interface:
		if rng.IntN(2) == 0 {
			v.Set(reflect.ValueOf(texts[rng.IntN(len(texts))]))
		}
	case reflect.Struct:
		fill(rng, v, false)
	}
}

// FuzzAppendString holds the encoder's string escaping to encoding/json's.
func FuzzAppendString(f *testing.F) {
	for _, s := range texts {
		f.Add(s)
	}
	f.Add("\x00\x1f\x7f<script>&amp;\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		type one struct {
			S *string `json:"S,omitempty"`
		}
		want, _ := json.Marshal(one{&s})
		got, err := sobjects.MarshalRecord(&one{&s})
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%q: encoder %s, json.Marshal %s (%v)", s, got, want, err)
		}
	})
}

// TestMarshalRecordLeavesTheRecordOnTheStack holds the encoder to what
// keeps its two loops apart: a record whose set fields all have a fast path
// stays on the caller's stack, and the output is the one allocation.
func TestMarshalRecordLeavesTheRecordOnTheStack(t *testing.T) {
	phone, rating := nullable.NewNullableWithValue("(415) 555-0100"), nullable.NewNullableWithValue(picklists.AccountRatingValueWarm)
	allocs := testing.AllocsPerRun(100, func() {
		var upd sampleorg.AccountUpdate
		upd.Phone, upd.Rating = phone, rating
		if _, err := sobjects.MarshalRecord(&upd); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 1 {
		t.Errorf("MarshalRecord of an AccountUpdate with two fields set: %v allocations, want 1 (the output)", allocs)
	}
}

// BenchmarkMarshalRecord compares the encoder with json.Marshal on an
// update shape with two fields set, the common PATCH:
//
//	go test -run XXX -bench MarshalRecord -benchmem ./sobjects
func BenchmarkMarshalRecord(b *testing.B) {
	upd := &sampleorg.AccountUpdate{Phone: nullable.NewNullableWithValue("(415) 555-0100"), Rating: nullable.NewNullableWithValue(picklists.AccountRatingValueWarm)}
	b.Run("encoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sobjects.MarshalRecord(upd); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(upd); err != nil {
				b.Fatal(err)
			}
		}
	})
}
