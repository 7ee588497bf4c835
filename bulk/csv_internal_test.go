package bulk

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

type shape struct {
	Text   *string                                 `json:"Text__c,omitempty"`
	Num    *float64                                `json:"Num__c,omitempty"`
	Count  *int64                                  `json:"Count__c,omitempty"`
	Flag   *bool                                   `json:"Flag__c,omitempty"`
	When   *sftype.DateTime                        `json:"When__c,omitempty"`
	Day    *sftype.Date                            `json:"Day__c,omitempty"`
	Clock  *sftype.Time                            `json:"Clock__c,omitempty"`
	Multi  *sftype.MultiPicklist                   `json:"Multi__c,omitempty"`
	Clear  nullable.Nullable[string]               `json:"Clear__c,omitempty"`
	Multi2 nullable.Nullable[sftype.MultiPicklist] `json:"Multi2__c,omitempty"`
	Skip   string                                  `json:"-"`
	Attrs  *sftype.Attributes                      `json:"attributes,omitempty" sobject:"Thing__c"`
}

// cells writes rec and returns its cells by column name.
func cells(t *testing.T, rec shape) map[string]string {
	t.Helper()
	cols, err := writeColumns(reflect.TypeFor[shape]())
	if err != nil {
		t.Fatal(err)
	}
	var r row
	if err := writeFields(&r, cols, reflect.ValueOf(rec), 0); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range r.cells {
		out[cols[c.col].name] = string(r.buf[c.start:c.end])
	}
	return out
}

func TestCellForms(t *testing.T) {
	when, _ := sftype.ParseDateTime("2024-01-31T12:00:00.5+02:00")
	day, _ := sftype.ParseDate("2024-02-29")
	clock, _ := sftype.ParseTime("23:59:59.999Z")
	got := cells(t, shape{
		Text: new("x"), Num: new(1e21), Count: new(int64(-42)), Flag: new(false), When: &when, Day: &day,
		Clock: &clock, Multi: &sftype.MultiPicklist{"A", "B C"}, Clear: nullable.NewNullNullable[string](),
		Multi2: nullable.NewNullableWithValue(sftype.MultiPicklist{}),
	})
	want := map[string]string{
		"Text__c": "x", "Num__c": "1000000000000000000000", "Count__c": "-42", "Flag__c": "false",
		"When__c": "2024-01-31T10:00:00.500Z", "Day__c": "2024-02-29", "Clock__c": "23:59:59.999Z",
		"Multi__c": "A;B C", "Clear__c": "#N/A", "Multi2__c": "#N/A",
	}
	if !reflectEqual(got, want) {
		t.Errorf("cells\n got %v\nwant %v", got, want)
	}
	if got := cells(t, shape{Num: new(0.000001), Text: new("")}); got["Num__c"] != "0.000001" || got["Text__c"] != "#N/A" {
		t.Errorf("small number, empty text: %v", got)
	}
	if got := cells(t, shape{}); len(got) != 0 {
		t.Errorf("unset fields wrote %v", got)
	}
}

func reflectEqual(a, b map[string]string) bool { return reflect.DeepEqual(a, b) }

func TestAppendCellQuoting(t *testing.T) {
	for in, want := range map[string]string{
		`plain`: `plain`, `a,b`: `"a,b"`, `say "hi"`: `"say ""hi"""`, "two\nlines": "\"two\nlines\"",
		"cr\r": "\"cr\r\"", " lead": `" lead"`, "trail ": `"trail "`, `semi;colon`: `semi;colon`, `#N/A`: `#N/A`,
	} {
		if got := string(appendCell(nil, []byte(in), ',')); got != want {
			t.Errorf("appendCell(%q) = %q, want %q", in, got, want)
		}
		if n := escapedLen([]byte(in), ','); n != len(want) {
			t.Errorf("escapedLen(%q) = %d, want %d", in, n, len(want))
		}
	}
	if got := string(appendCell(nil, []byte("semi;colon"), ';')); got != `"semi;colon"` {
		t.Errorf("semicolon delimiter: %q", got)
	}
}

// TestSpoolSizeIsExact: the size the spool counts is the size of the CSV
// it writes, so a job never passes its limit, whether fits measured the
// row or not.
func TestSpoolSizeIsExact(t *testing.T) {
	names := []string{"Id", "Name", "Notes, quoted", "Amount"}
	for _, eol := range []LineEnding{LF, CRLF} {
		sp := newSpool(t.TempDir(), names, ',', eol, 1<<20)
		var r row
		var want int64
		for i := range 25 {
			r.reset()
			r.text(1, strings.Repeat("n", i))
			if i%3 == 0 {
				r.text(2, "has \"quote\", comma")
			}
			if i%5 == 0 {
				r.text(3, "12.5")
			}
			if i%2 == 0 { // add measures the cells fits did not
				if ok, _ := sp.fits(&r); !ok {
					t.Fatal("does not fit")
				}
			}
			if err := sp.add(&r); err != nil {
				t.Fatal(err)
			}
			want = sp.csvSize(sp.nused, sp.header, sp.cells, sp.rows)
		}
		out, err := sp.finish()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out.csv)
		if int64(len(b)) != want || out.size != want || !slices.Equal(out.cols, []int{1, 2, 3}) {
			t.Errorf("%s: CSV of %d bytes, counted %d, columns %v\n%s", eol, len(b), want, out.cols, b)
		}
		sp.reset()
	}
}

func TestParseRecordError(t *testing.T) {
	for in, want := range map[string]sobjects.Error{
		"REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --": {
			Code: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [Name]", Fields: []string{"Name"}},
		"DUPLICATE_VALUE:duplicate value found: Ext__c duplicates value on record with id: 001:--": {
			Code: "DUPLICATE_VALUE", Message: "duplicate value found: Ext__c duplicates value on record with id: 001"},
		"FIELD_CUSTOM_VALIDATION_EXCEPTION:Amount: must be positive:Amount,Stage --": {
			Code: "FIELD_CUSTOM_VALIDATION_EXCEPTION", Message: "Amount: must be positive", Fields: []string{"Amount", "Stage"}},
		"something odd happened": {Message: "something odd happened"},
		"":                       {Message: "record failed"},
	} {
		got := ParseRecordError(in)
		if got.Code != want.Code || got.Message != want.Message || !slices.Equal(got.Fields, want.Fields) {
			t.Errorf("ParseRecordError(%q) = %+v", in, got)
		}
		if want.Code != "" && !errors.Is(got, want.Code) {
			t.Errorf("%q does not match its code", in)
		}
	}
}

func FuzzParseRecordError(f *testing.F) {
	f.Add("REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --")
	f.Add("X:y:z,w --")
	f.Fuzz(func(t *testing.T, s string) {
		e := ParseRecordError(s)
		if e.Message == "" && e.Code == "" {
			t.Fatalf("%q: empty error", s)
		}
	})
}

// FuzzReadPlan: any cell decodes into a shape or fails with an error, never
// a panic.
func FuzzReadPlan(f *testing.F) {
	f.Add("Num__c", "1.5")
	f.Add("When__c", "2024-01-31T12:00:00.000Z")
	f.Add("Multi__c", "a;b")
	f.Fuzz(func(t *testing.T, col, cell string) {
		p, err := newReadPlan(reflect.TypeFor[shape](), []string{col})
		if err != nil {
			return
		}
		var v shape
		_ = p.decode(unsafe.Pointer(&v), []string{cell})
	})
}
