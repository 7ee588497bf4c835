package sobjects_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

const (
	loc1 = "/services/data/v67.0/query/01gxx000000MyIDAAA-2000"
	loc2 = "/services/data/v67.0/query/01gxx000000MyIDAAA-4000"
)

// registerPages serves a 5-record query in pages of 2, 2 and 1.
func registerPages(mock *httpmock.MockTransport, wrap func(httpmock.Responder) httpmock.Responder) {
	if wrap == nil {
		wrap = func(r httpmock.Responder) httpmock.Responder { return r }
	}
	mock.RegisterResponder("GET", base+"/query", wrap(respond(200,
		queryPage(5, loc1, accountJSON("001xx0000000001AAA", "A1"), accountJSON("001xx0000000002AAA", "A2")))))
	mock.RegisterResponder("GET", instance+loc1, wrap(respond(200,
		queryPage(5, loc2, accountJSON("001xx0000000003AAA", "A3"), accountJSON("001xx0000000004AAA", "A4")))))
	mock.RegisterResponder("GET", instance+loc2, wrap(respond(200,
		queryPage(5, "", accountJSON("001xx0000000005AAA", "A5")))))
}

// drain ranges over seq and returns how many records it yielded and the
// error it yielded last.
func drain[T any](seq iter.Seq2[T, error]) (n int, err error) {
	for _, e := range seq {
		if e != nil {
			err = e
			continue
		}
		n++
	}
	return n, err
}

func names(t *testing.T, seq func(func(sampleorg.Account, error) bool)) []string {
	t.Helper()
	var out []string
	for acc, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *acc.Name)
	}
	return out
}

func TestQueryFollowsPages(t *testing.T) {
	c, mock := newClient(t)
	var rawQuery string
	registerPages(mock, func(next httpmock.Responder) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			if req.URL.Path == "/services/data/v67.0/query" {
				rawQuery = req.URL.RawQuery
			}
			if got := req.Header.Get("Sforce-Query-Options"); got != "batchSize=200" {
				t.Errorf("%s: Sforce-Query-Options = %q", req.URL.Path, got)
			}
			return next(req)
		}
	})
	soql := "SELECT Id, Name FROM Account WHERE CreatedDate > 2024-01-01T00:00:00+00:00"
	got := names(t, sobjects.Query[sampleorg.Account](testCtx(t), c, soql, sobjects.BatchSize(200)))
	if strings.Join(got, ",") != "A1,A2,A3,A4,A5" {
		t.Fatalf("records = %v", got)
	}
	if !strings.Contains(rawQuery, "%2B00%3A00") || strings.Contains(rawQuery, "+00") {
		t.Errorf("the + of the datetime is not percent-encoded: %s", rawQuery)
	}
}

func TestQueryBreakStopsFetching(t *testing.T) {
	c, mock := newClient(t)
	registerPages(mock, nil)
	for acc, err := range sobjects.Query[sampleorg.Account](testCtx(t), c, "SELECT Id FROM Account") {
		if err != nil || *acc.Name != "A1" {
			t.Fatal(acc, err)
		}
		break
	}
	if n := calls(mock, "GET "+instance+loc1); n != 0 {
		t.Fatalf("fetched the next page %d times after break", n)
	}
	// Breaking on the second page fetches neither the third nor more.
	n := 0
	for range sobjects.Query[sampleorg.Account](testCtx(t), c, "SELECT Id FROM Account") {
		if n++; n == 3 {
			break
		}
	}
	if calls(mock, "GET "+instance+loc1) != 1 || calls(mock, "GET "+instance+loc2) != 0 {
		t.Fatalf("calls = %v", mock.GetCallCountInfo())
	}
}

func TestQueryAllCountFirst(t *testing.T) {
	c, mock := newClient(t)
	ctx := testCtx(t)
	mock.RegisterResponder("GET", base+"/queryAll", respond(200, queryPage(1, "", accountJSON(acctID, "Deleted Co"))))
	mock.RegisterResponder("GET", base+"/query", func(req *http.Request) (*http.Response, error) {
		switch q := req.URL.Query().Get("q"); q {
		case "SELECT COUNT() FROM Account":
			return sfResponse(200, `{"totalSize":17,"done":true,"records":[]}`), nil
		case "SELECT Id FROM Account LIMIT 1":
			return sfResponse(200, queryPage(1, "", accountJSON(acctID, "First"))), nil
		default:
			return sfResponse(200, `{"totalSize":0,"done":true,"records":[]}`), nil
		}
	})
	if got := names(t, sobjects.QueryAll[sampleorg.Account](ctx, c, "SELECT Id FROM Account")); len(got) != 1 || got[0] != "Deleted Co" {
		t.Errorf("QueryAll = %v", got)
	}
	if n, err := sobjects.Count(ctx, c, "SELECT COUNT() FROM Account"); n != 17 || err != nil {
		t.Errorf("Count = %d, %v", n, err)
	}
	if acc, err := sobjects.First[sampleorg.Account](ctx, c, "SELECT Id FROM Account LIMIT 1"); err != nil || *acc.Name != "First" {
		t.Errorf("First = %v, %v", acc, err)
	}
	if _, err := sobjects.First[sampleorg.Account](ctx, c, "SELECT Id FROM Account WHERE Name = 'none'"); !errors.Is(err, sobjects.ErrNoRecords) {
		t.Errorf("First on no rows: %v", err)
	}
}

func TestQueryRelationships(t *testing.T) {
	c, mock := newClient(t)
	const childNext = "/services/data/v67.0/query/01gxx000000ChildAAA-200"
	contact := func(id, last string) string {
		return fmt.Sprintf(`{"attributes":{"type":"Contact","url":"/services/data/v67.0/sobjects/Contact/%s"},"Id":"%s","LastName":%q}`, id, id, last)
	}
	parent := `{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/` + acctID + `"},"Id":"` + acctID + `","Name":"Acme",` +
		`"Owner":{"attributes":{"type":"User","url":"/services/data/v67.0/sobjects/User/005xx000001Sv6eAAC"},"Name":"Ada Admin"},` +
		`"Parent":null,` +
		`"Contacts":{"totalSize":3,"done":false,"nextRecordsUrl":"` + childNext + `","records":[` +
		contact("003xx000004TmiQAAS", "Lovelace") + `,` + contact("003xx000004TmiRAAS", "Hopper") + `]}}`
	other := `{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/` + acctID2 + `"},"Id":"` + acctID2 + `","Name":"Solo","Contacts":null}`
	mock.RegisterResponder("GET", base+"/query", respond(200, queryPage(2, "", parent, other)))
	mock.RegisterResponder("GET", instance+childNext, respond(200, queryPage(3, "", contact("003xx000004TmiSAAS", "Turing"))))

	ctx := testCtx(t)
	var got []string
	for acc, err := range sobjects.Query[sampleorg.Account](ctx, c, "SELECT Id, Name, Owner.Name, Parent.Name, (SELECT Id, LastName FROM Contacts) FROM Account") {
		if err != nil {
			t.Fatal(err)
		}
		if acc.Parent != nil {
			t.Errorf("null parent decoded as %+v", acc.Parent)
		}
		var contacts []string
		for ct, err := range sobjects.Records(ctx, c, acc.Contacts) {
			if err != nil {
				t.Fatal(err)
			}
			contacts = append(contacts, *ct.LastName)
		}
		got = append(got, *acc.Name+":"+strings.Join(contacts, "+"))
	}
	if strings.Join(got, " ") != "Acme:Lovelace+Hopper+Turing Solo:" {
		t.Fatalf("got %v", got)
	}
}

func TestQueryAggregate(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("GET", base+"/query", respond(200, `{"totalSize":2,"done":true,"records":[`+
		`{"attributes":{"type":"AggregateResult"},"Industry":"Banking","expr0":300.0,"total":1500000.5,"latest":"2024-01-31"},`+
		`{"attributes":{"type":"AggregateResult"},"Industry":null,"expr0":400,"total":null,"latest":null}]}`))
	var rows []string
	for row, err := range sobjects.Query[sobjects.AggregateResult](testCtx(t), c, "SELECT Industry, COUNT(Id), SUM(AnnualRevenue) total, MAX(LastActivityDate) latest FROM Account GROUP BY Industry") {
		if err != nil {
			t.Fatal(err)
		}
		industry, hasIndustry := row.String("Industry")
		n, okN := row.Int("EXPR0")
		total, hasTotal := row.Float("total")
		rows = append(rows, fmt.Sprintf("%s/%t %d/%t %.1f/%t", industry, hasIndustry, n, okN, total, hasTotal))
	}
	if got := strings.Join(rows, "; "); got != "Banking/true 300/true 1500000.5/true; /false 400/true 0.0/false" {
		t.Fatalf("rows = %s", got)
	}
}

func TestQueryRefusesUnsafeNextURL(t *testing.T) {
	for _, next := range []string{
		"https://evil.example/services/data/v67.0/query/01gxx-2000",
		"http://na1.salesforce.com/services/data/v67.0/query/01gxx-2000",
		"//evil.example/services/data/v67.0/query/01gxx-2000",
		"/services/data/../../evil/01gxx-2000",
		"/services/data/v67.0/query/../../../../limits",
		"/services/data/v67.0/query/%2e%2e/x",
		"/services/data/v67.0/query/01gxx-2000?redirect=https://evil.example",
		"/services/data/v67.0/query/01gxx-2000#frag",
		"/services/data//evil.example/x",
		"/services/oauth2/token",
		"/services/data/",
		"services/data/v67.0/query/01gxx-2000",
		"/services/data/v67.0/query/01gxx\\2000",
		"/services/data/v67.0/query/01gxx 2000",
		"/services/data/v67.0/query/01gx\u00e9-2000",
		"",
	} {
		t.Run(next, func(t *testing.T) {
			c, mock := newClient(t)
			mock.RegisterResponder("GET", base+"/query", respond(200,
				fmt.Sprintf(`{"totalSize":2,"done":false,"nextRecordsUrl":%q,"records":[%s]}`, next, accountJSON(acctID, "A1"))))
			recs, err := drain(sobjects.Query[sampleorg.Account](testCtx(t), c, "SELECT Id FROM Account"))
			if recs != 1 || !errors.Is(err, sobjects.ErrUnsafeURL) {
				t.Fatalf("records %d, err %v; want 1 record then ErrUnsafeURL", recs, err)
			}
			var e *sobjects.Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %T", err)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Fatalf("%d requests, want only the first page", n)
			}
		})
	}
	for _, ok := range []string{loc1, "/services/data/v52.0/query/0r8xx3Kcr3WDLaKAKG-2000", "/services/data/v67.0/queryAll/01gxx-500"} {
		if !sobjects.SafeNextURL(ok) {
			t.Errorf("refused %s", ok)
		}
	}
}

// TestQuerySessionExpiresMidPagination expires the session between two
// pages: the next page's request is rejected with 401, the session refreshes
// once, the page is fetched again with the new token, and the loop never
// sees it.
func TestQuerySessionExpiresMidPagination(t *testing.T) {
	mock := httpmock.NewMockTransport()
	src := &countingSource{instance: instance}
	o := &org{}
	o.accept("00Dxx0000001gPF!tok-1")
	var once sync.Once
	registerPages(mock, func(next httpmock.Responder) httpmock.Responder {
		return o.guard(func(req *http.Request) (*http.Response, error) {
			resp, err := next(req)
			if req.URL.Path == "/services/data/v67.0/query" {
				// The session times out after the first page.
				once.Do(func() { o.accept("00Dxx0000001gPF!tok-2") })
			}
			return resp, err
		})
	})
	c, err := sobjects.New(auth.NewSession(src), sobjects.WithHTTPClient(&http.Client{Transport: mock}))
	if err != nil {
		t.Fatal(err)
	}
	got := names(t, sobjects.Query[sampleorg.Account](testCtx(t), c, "SELECT Id, Name FROM Account"))
	if strings.Join(got, ",") != "A1,A2,A3,A4,A5" {
		t.Fatalf("records = %v", got)
	}
	if n := src.n.Load(); n != 2 {
		t.Fatalf("token calls = %d, want 2 (first token and one refresh)", n)
	}
	if n := calls(mock, "GET "+instance+loc1); n != 2 {
		t.Fatalf("second page requested %d times, want 2 (rejected, then retried)", n)
	}
}

func TestQueryConcurrent(t *testing.T) {
	c, mock := newClient(t)
	registerPages(mock, nil)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() {
			n := 0
			for _, err := range sobjects.Query[sampleorg.Account](ctx, c, "SELECT Id FROM Account") {
				if err != nil {
					errs <- err
					return
				}
				n++
			}
			if n != 5 {
				errs <- fmt.Errorf("got %d records", n)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if l, ok := c.LastLimits(); !ok || l.APIUsage.Used != 18 || l.APIUsage.Max != 5000 {
		t.Errorf("LastLimits = %+v, %t", l, ok)
	}
}

func TestQueryHonoursContext(t *testing.T) {
	c, mock := newClient(t)
	registerPages(mock, nil)
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	var err error
	n := 0
	for _, e := range sobjects.Query[sampleorg.Account](ctx, c, "SELECT Id FROM Account") {
		if e != nil {
			err = e
			break
		}
		n++
		cancel()
	}
	if n != 1 || !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %d records, err %v", n, err)
	}
	if calls(mock, "GET "+instance+loc1) != 0 {
		t.Fatal("fetched a page after cancel")
	}
}

func TestQueryBadPages(t *testing.T) {
	for name, tc := range map[string]struct {
		status  int
		body    string
		snippet string
		is      error
	}{
		"truncated":        {200, `{"totalSize":5,"done":true,"records":[{"attributes":{"type":"Account"},"Name":"A3"},{"Name":"A`, `{"totalSize":5`, sobjects.ErrMalformedResponse},
		"html":             {200, "<html><body>\n<h1>Maintenance</h1></body></html>", "<html><body> <h1>Maintenance</h1></body></html>", sobjects.ErrMalformedResponse},
		"empty":            {200, "", "", sobjects.ErrMalformedResponse},
		"records object":   {200, `{"totalSize":1,"done":true,"records":{}}`, `{"totalSize":1`, sobjects.ErrMalformedResponse},
		"bad datetime":     {200, `{"totalSize":1,"done":true,"records":[{"CreatedDate":"yesterday"}]}`, `{"totalSize":1`, sobjects.ErrMalformedResponse},
		"done without url": {200, `{"totalSize":9,"done":false,"records":[]}`, "", sobjects.ErrUnsafeURL},
		"html 503":         {503, "<html><head><title>Service Unavailable</title></head></html>", "<html><head><title>Service Unavailable", sobjects.ErrServerUnavailable},
		"expired locator":  {400, `[{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}]`, "", sobjects.ErrInvalidQueryLocator},
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newClient(t)
			mock.RegisterResponder("GET", base+"/query", respond(200, queryPage(5, loc1, accountJSON(acctID, "A1"))))
			mock.RegisterResponder("GET", instance+loc1, respond(tc.status, tc.body))
			n, err := drain(sobjects.Query[sampleorg.Account](testCtx(t), c, "SELECT Id FROM Account"))
			var e *sobjects.Error
			if n != 1 || !errors.Is(err, tc.is) || !errors.As(err, &e) {
				t.Fatalf("%d records, err %v", n, err)
			}
			if e.StatusCode != tc.status || !strings.HasPrefix(e.Snippet, tc.snippet) {
				t.Fatalf("status %d snippet %q", e.StatusCode, e.Snippet)
			}
		})
	}
}

// TestQueryRecordsOutliveTheirPage keeps records of the first page while
// the next pages are decoded into the reused buffer.
func TestQueryRecordsOutliveTheirPage(t *testing.T) {
	c, mock := newClient(t)
	registerPages(mock, nil)
	var kept []sampleorg.Account
	for acc, err := range sobjects.Query[sampleorg.Account](testCtx(t), c, "SELECT Id FROM Account") {
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, acc)
	}
	for i, acc := range kept {
		if want := fmt.Sprintf("A%d", i+1); *acc.Name != want || *acc.Owner.Name != "Ada Admin" {
			t.Fatalf("record %d changed to %s", i, *acc.Name)
		}
	}
}
