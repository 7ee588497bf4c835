package sobjects_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

// counted answers 200 with body and counts the bytes the client reads.
func counted(body string, read *atomic.Int64) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := sfResponse(200, "")
		r.Body = io.NopCloser(&countingReader{r: strings.NewReader(body), n: read})
		return r, nil
	}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

type smallRecord struct {
	Id   string
	Name string
}

// TestQueryRefusesPagesLargerThanSalesforceSends: a page of more records
// than Salesforce's maximum (2,000), or of more bytes than the bound, is
// refused with a typed error once the bound is passed, not read whole.
func TestQueryRefusesPagesLargerThanSalesforceSends(t *testing.T) {
	const rec = `{"attributes":{"type":"Account"},"Id":"001xx0000000001AAA","Name":"A"}`
	sobjects.SetBodyLimits(t, 1<<20, 1<<20)
	for name, tc := range map[string]struct {
		body    string
		maxRead int
	}{
		"100,000 records": {`{"totalSize":100000,"done":true,"records":[` + strings.TrimSuffix(strings.Repeat(rec+",", 100_000), ",") + "]}",
			2_100 * len(rec)},
		"3 records of 600 KB": {`{"totalSize":3,"done":true,"records":[` + strings.TrimSuffix(strings.Repeat(`{"Name":"`+strings.Repeat("x", 600<<10)+`"},`, 3), ",") + "]}",
			1<<20 + 64<<10},
	} {
		c, mock := newClient(t)
		var read atomic.Int64
		mock.RegisterResponder("GET", base+"/query", counted(tc.body, &read))
		n, err := drain(sobjects.Query[smallRecord](testCtx(t), c, "SELECT Id, Name FROM Account"))
		var e *sobjects.Error
		if n != 0 || !errors.Is(err, sobjects.ErrMalformedResponse) || !errors.As(err, &e) || e.StatusCode != 200 {
			t.Errorf("%s: %d records, %v; want an *Error wrapping ErrMalformedResponse", name, n, err)
		}
		if got := read.Load(); got > int64(tc.maxRead) {
			t.Errorf("%s: read %d bytes of the page, want at most %d", name, got, tc.maxRead)
		}
	}
	// A page of exactly 2,000 records is fine.
	c, mock := newClient(t)
	mock.RegisterResponder("GET", base+"/query", respond(200, `{"totalSize":2000,"done":true,"records":[`+strings.TrimSuffix(strings.Repeat(rec+",", 2000), ",")+"]}"))
	if n, err := drain(sobjects.Query[smallRecord](testCtx(t), c, "SELECT Id FROM Account")); n != 2000 || err != nil {
		t.Errorf("a full page: %d records, %v", n, err)
	}
}

// TestDecodedBodiesAreBounded: a record or collections results larger than
// the bound, or more results than records, are refused once the bound is
// passed, not read whole.
func TestDecodedBodiesAreBounded(t *testing.T) {
	sobjects.SetBodyLimits(t, 1<<20, 1<<20)
	c, mock := newClient(t)
	var read atomic.Int64
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, counted(`{"Name":"`+strings.Repeat("x", 8<<20)+`"}`, &read))
	if _, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID); !errors.Is(err, sobjects.ErrMalformedResponse) {
		t.Errorf("an 8 MB record: %v, want ErrMalformedResponse", err)
	}
	if got := read.Load(); got > 1<<20+64<<10 {
		t.Errorf("read %d bytes of an 8 MB record", got)
	}

	read.Store(0)
	result := `{"id":"003xx000004TmiQAAS","success":true,"errors":[]}`
	mock.RegisterResponder("POST", base+"/composite/sobjects", counted("["+strings.TrimSuffix(strings.Repeat(result+",", 100_000), ",")+"]", &read))
	if _, err := sobjects.CreateMany(testCtx(t), c, make([]sampleorg.ContactCreate, 2)); !errors.Is(err, sobjects.ErrMalformedResponse) {
		t.Errorf("100,000 results for 2 records: %v, want ErrMalformedResponse", err)
	}
	if got := read.Load(); got > 16<<10 {
		t.Errorf("read %d bytes of 100,000 results for 2 records", got)
	}
}

// TestCollectionsMalformedEntryCostsOnlyItsRecord: an entry of the results
// that cannot be read fails its own record; the others keep their results.
func TestCollectionsMalformedEntryCostsOnlyItsRecord(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("POST", base+"/composite/sobjects", respond(200, `[
		{"id":"003xx0000000001AAA","success":true,"errors":[]},
		{"success":false,"errors":[{"statusCode":7,"message":"odd"}]},
		null,
		"garbage",
		{"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"duplicate value found"}]},
		{"id":"003xx0000000006AAA","success":true,"errors":[]}]`))
	res, err := sobjects.CreateMany(testCtx(t), c, make([]sampleorg.ContactCreate, 6))
	if err != nil || len(res) != 6 {
		t.Fatalf("%d results, %v; want 6 results and no error", len(res), err)
	}
	if res[0].Err() != nil || res[0].ID != "003xx0000000001AAA" || res[5].Err() != nil || res[5].ID != "003xx0000000006AAA" || !res[5].Created {
		t.Errorf("the good records lost their results: %+v %+v", res[0], res[5])
	}
	for i := 1; i <= 3; i++ {
		err := res[i].Err()
		var e *sobjects.Error
		if res[i].Success || len(res[i].Errors) != 1 || !errors.Is(err, sobjects.ErrMalformedResponse) || !errors.As(err, &e) {
			t.Errorf("result %d: %+v, %v; want a failed result wrapping ErrMalformedResponse", i, res[i], err)
		}
	}
	if err := res[4].Err(); !errors.Is(err, sobjects.ErrDuplicateValue) || errors.Is(err, sobjects.ErrMalformedResponse) {
		t.Errorf("result 4: %v", err)
	}
}
