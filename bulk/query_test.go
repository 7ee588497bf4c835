package bulk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/typedforce/typedforce/bulk"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// TestQueryEveryFieldType: records written through the CSV writer come
// back through the CSV reader unchanged, for every field type Bulk API
// carries, relationship columns included.
func TestQueryEveryFieldType(t *testing.T) {
	org := newOrg(t)
	ctx, c := testCtx(t), org.Client()
	acct := sftest.Seed(t, org, sampleorg.AccountCreate{Name: "Parent, Inc."})[0]
	due, _ := sftype.ParseDate("2024-02-29")
	at, _ := sftype.ParseDateTime("2024-01-31T23:59:58.123Z")
	opens, _ := sftype.ParseTime("08:30:00.000Z")
	in := sampleorg.WidgetCCreate{
		Name:             new("Widget \"one\", with\nlines"),
		AccountC:         &acct,
		BigCountC:        new(int64(9007199254740993)),
		CategoryC:        new(picklists.WidgetCCategoryCValue("Hardware")),
		ColorsC:          &sftype.MultiPicklist{"Red", "Blue"},
		DiscountC:        new(12.5),
		DueDateC:         &due,
		IsActiveC:        new(true),
		Is_Active__c:     new(false),
		LastInspectedAtC: &at,
		OpeningTimeC:     &opens,
		PriceC:           new(12345678901.25),
		QuantityC:        new(1e15),
		WeightC:          new(0.05),
		NotesC:           new("  spaced  "),
		ExternalIdC:      new("E-1"),
	}
	ingested(t)(bulk.Insert(ctx, c, slices.Values([]sampleorg.WidgetCCreate{in}), fast))
	ws := collect(t, bulk.Query[sampleorg.WidgetC](ctx, c, `SELECT Id, Name, Account__c, Account__r.Name, Big_Count__c,
		Category__c, Colors__c, Discount__c, Due_Date__c, IsActive__c, Is_Active__c, Last_Inspected_At__c,
		Opening_Time__c, Price__c, Quantity__c, Weight__c, Notes__c, External_Id__c, Owner.Name, Specification__c,
		Support_Email__c FROM Widget__c`, fast))
	if len(ws) != 1 {
		t.Fatalf("%d widgets", len(ws))
	}
	w := ws[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"Name", *w.Name, *in.Name},
		{"Account__c", *w.AccountC, acct},
		{"Account__r.Name", *w.AccountR.Name, "Parent, Inc."},
		{"Big_Count__c", *w.BigCountC, *in.BigCountC},
		{"Category__c", *w.CategoryC, *in.CategoryC},
		{"Colors__c", w.ColorsC.String(), "Red;Blue"},
		{"Discount__c", *w.DiscountC, 12.5},
		{"Due_Date__c", *w.DueDateC, due},
		{"IsActive__c", *w.IsActiveC, true},
		{"Is_Active__c", *w.Is_Active__c, false},
		{"Last_Inspected_At__c", w.LastInspectedAtC.String(), at.String()},
		{"Opening_Time__c", *w.OpeningTimeC, opens},
		{"Price__c", *w.PriceC, 12345678901.25},
		{"Quantity__c", *w.QuantityC, 1e15},
		{"Weight__c", *w.WeightC, 0.05},
		{"Notes__c", *w.NotesC, "  spaced  "},
		{"External_Id__c", *w.ExternalIdC, "E-1"},
		{"Specification__c (empty cell)", w.SpecificationC == nil, true},
		{"Support_Email__c (empty cell)", w.SupportEmailC == nil, true},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
	var owner struct{ Name string }
	if w.Owner == nil || w.Owner.Decode(&owner) != nil || owner.Name == "" {
		t.Errorf("Owner.Name into the polymorphic record: %+v", w.Owner)
	}
}

func seedAccounts(t testing.TB, org *sftest.Org, n int) {
	for i := range n {
		sftest.Seed(t, org, sampleorg.AccountCreate{Name: fmt.Sprintf("A%04d", i)})
	}
}

// TestQueryPagingGzip: a loopback org, pages of five records through
// Sforce-Locator, each compressed with gzip on the wire.
func TestQueryPagingGzip(t *testing.T) {
	org := sftest.NewServer(t)
	seedAccounts(t, org, 23)
	var mu sync.Mutex
	encodings := map[string]int{}
	hc := org.HTTPClient()
	c, err := org.NewClient(sobjects.WithHTTPClient(doerFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := hc.Do(req)
		if err == nil && req.Method == "GET" && len(req.URL.Path) > 8 && req.URL.Path[len(req.URL.Path)-8:] == "/results" {
			mu.Lock()
			encodings[resp.Header.Get("Content-Encoding")]++
			mu.Unlock()
		}
		return resp, err
	})))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for a, err := range bulk.Query[sampleorg.Account](testCtx(t), c, "SELECT Name FROM Account ORDER BY Name", fast, bulk.WithPageSize(5)) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, *a.Name)
	}
	if len(names) != 23 || names[0] != "A0000" || names[22] != "A0022" || !slices.IsSorted(names) {
		t.Fatalf("names %v", names)
	}
	if encodings["gzip"] != 5 || len(encodings) != 1 {
		t.Errorf("result pages by Content-Encoding: %v", encodings)
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// TestQueryBreakStopsFetching: leaving the loop fetches no further page.
func TestQueryBreakStopsFetching(t *testing.T) {
	org := newOrg(t)
	seedAccounts(t, org, 20)
	n := 0
	for _, err := range bulk.Query[sampleorg.Account](testCtx(t), org.Client(), "SELECT Id FROM Account", fast, bulk.WithPageSize(5)) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 7 {
			break
		}
	}
	if got := org.Stats().Requests[sftest.EndpointBulkQueryResults]; got != 2 {
		t.Errorf("%d result pages fetched", got)
	}
}

// TestQueryExpiryDuringPaging: a session that expires between result
// pages costs one token request; no record is lost or repeated.
func TestQueryExpiryDuringPaging(t *testing.T) {
	org := newOrg(t)
	seedAccounts(t, org, 20)
	c := org.Client()
	warm(t, c)
	org.ResetStats()
	seen := map[string]bool{}
	for a, err := range bulk.Query[sampleorg.Account](testCtx(t), c, "SELECT Id FROM Account", fast, bulk.WithPageSize(5)) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[*a.Id] {
			t.Fatalf("%s twice", *a.Id)
		}
		seen[*a.Id] = true
		if len(seen) == 7 {
			org.ExpireSession()
		}
	}
	st := org.Stats()
	if len(seen) != 20 || st.TokenRequests != 1 || st.Rejected != 1 {
		t.Errorf("%d records, %d token requests, %d rejected", len(seen), st.TokenRequests, st.Rejected)
	}
}

// TestQueryErrors: malformed pages, bad queries, a failed job's message,
// and a deadline that aborts the job are typed errors with the job id.
func TestQueryErrors(t *testing.T) {
	org := newOrg(t)
	seedAccounts(t, org, 3)
	ctx, c := testCtx(t), org.Client()
	last := func(seq func(func(sampleorg.Account, error) bool)) error {
		var got error
		for _, err := range seq {
			got = err
		}
		return got
	}
	for _, body := range []string{"Id,Name\n\"001,x\n", "Id,NumberOfEmployees\n001xx0000000001AAA,many\n"} {
		org.FailNext(1, sftest.Fault{Body: body, Endpoint: sftest.EndpointBulkQueryResults})
		err := last(bulk.Query[sampleorg.Account](ctx, c, "SELECT Id, NumberOfEmployees FROM Account", fast))
		var je *bulk.JobError
		if !errors.As(err, &je) || je.JobID == "" || !errors.Is(err, sobjects.ErrMalformedResponse) {
			t.Errorf("%q: %v", body, err)
		}
	}
	if err := last(bulk.Query[sampleorg.Account](ctx, c, "SELECT Nope FROM Account", fast)); !errors.Is(err, sobjects.ErrInvalidField) {
		t.Errorf("bad field: %v", err)
	}
	org.SetBulkDelay(time.Hour)
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err := last(bulk.Query[sampleorg.Account](dctx, c, "SELECT Id FROM Account", fast))
	var je *bulk.JobError
	if !errors.As(err, &je) || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, bulk.ErrJobAborted) {
		t.Fatalf("deadline: %v", err)
	}
	if st, _ := org.BulkJobState(je.JobID); st != "Aborted" {
		t.Errorf("job %s is %s", je.JobID, st)
	}
}

// TestQueryNotStruct: a T that is not a struct is refused before a job
// is created.
func TestQueryNotStruct(t *testing.T) {
	org := newOrg(t)
	var got error
	for _, err := range bulk.Query[string](testCtx(t), org.Client(), "SELECT Id FROM Account", fast) {
		got = err
	}
	if !errors.Is(got, sobjects.ErrInvalidArgument) {
		t.Errorf("err = %v", got)
	}
	if n := org.Stats().Requests[sftest.EndpointBulkQueryCreate]; n != 0 {
		t.Errorf("%d query jobs created", n)
	}
}
