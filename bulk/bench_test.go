package bulk

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/typedforce/typedforce/internal/benchdata"
	"github.com/typedforce/typedforce/sampleorg"
)

var benchColumns = strings.Split("Id,Name,AccountNumber,Type,Industry,AnnualRevenue,NumberOfEmployees,Phone,Fax,Website,"+
	"Description,BillingStreet,BillingCity,BillingState,BillingPostalCode,BillingCountry,BillingLatitude,BillingLongitude,"+
	"ShippingCity,ShippingCountry,Rating,Ownership,Sic,TickerSymbol,Site,CreatedDate,LastModifiedDate,SystemModstamp,"+
	"LastActivityDate,IsDeleted,ParentId,OwnerId,Owner.Id,Owner.Name,Owner.Email", ",")

// benchPage is a CSV result page of the benchmark fixture's records.
func benchPage(tb testing.TB) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(benchColumns)
	for i := range benchdata.PageSize {
		var rec map[string]any
		if err := json.Unmarshal([]byte(benchdata.Record(i)), &rec); err != nil {
			tb.Fatal(err)
		}
		row := make([]string, len(benchColumns))
		for k, c := range benchColumns {
			var v any = rec
			for p := range strings.SplitSeq(c, ".") {
				v = v.(map[string]any)[p]
			}
			switch v := v.(type) {
			case string:
				row[k] = strings.Replace(v, ".000+0000", ".000Z", 1)
			case float64:
				row[k] = strconv.FormatFloat(v, 'f', -1, 64)
			case bool:
				row[k] = strconv.FormatBool(v)
			}
		}
		_ = w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

// BenchmarkDecodeAccounts decodes a CSV page of 2,000 Accounts into the
// generated read shape, as Query does: reported per record.
func BenchmarkDecodeAccounts(b *testing.B) {
	page := benchPage(b)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if n%benchdata.PageSize == 0 {
			n = 0
		}
		cr := newCSVReader(bytes.NewReader(page), Comma)
		header, _ := cr.Read()
		plan, err := newReadPlan(reflect.TypeFor[sampleorg.Account](), slicesClone(header))
		if err != nil {
			b.Fatal(err)
		}
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			var a sampleorg.Account
			if err := plan.decode(unsafe.Pointer(&a), rec); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchdata.PageSize), "ns/record")
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// BenchmarkSpoolAccounts writes Account create shapes to a job's spool,
// as an ingest does before the upload: reported per record.
func BenchmarkSpoolAccounts(b *testing.B) {
	_, cols, err := shapeColumns[sampleorg.AccountCreate]()
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
	}
	recs := make([]sampleorg.AccountCreate, 1000)
	for i := range recs {
		s := "Account " + strconv.Itoa(i) + ", \"Holdings\""
		recs[i] = sampleorg.AccountCreate{Name: s, AccountNumber: &s, Phone: &s, Website: &s, BillingCity: &s, Description: &s}
	}
	sp := newSpool(b.TempDir(), names, ',', LF, DefaultMaxJobBytes)
	defer sp.reset()
	var r row
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.reset()
		if err := writeFields(&r, cols, reflect.ValueOf(&recs[i%len(recs)]).Elem(), 0); err != nil {
			b.Fatal(err)
		}
		if ok, _ := sp.fits(&r); !ok {
			sp.reset()
		}
		if err := sp.add(&r); err != nil {
			b.Fatal(err)
		}
	}
}
