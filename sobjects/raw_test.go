package sobjects_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

func TestCallApexREST(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("POST", instance+"/services/apexrest/orders/v1", func(req *http.Request) (*http.Response, error) {
		if got := req.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("Authorization = %q", got)
		}
		if ct := req.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		if body := readBody(t, req); body != `{"sku":"A-1","qty":2}` {
			t.Errorf("body = %s", body)
		}
		if req.URL.RawQuery != "dryRun=true" {
			t.Errorf("query = %q", req.URL.RawQuery)
		}
		return sfResponse(201, `{"id":"801xx0000000001AAA","status":"Draft"}`), nil
	})
	type order struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	in := struct {
		SKU string `json:"sku"`
		Qty int    `json:"qty"`
	}{"A-1", 2}
	got, err := sobjects.Call[order](testCtx(t), c, "POST", "/services/apexrest/orders/v1?dryRun=true", in)
	if err != nil || got != (order{"801xx0000000001AAA", "Draft"}) {
		t.Fatalf("Call = %+v, %v", got, err)
	}
	if l, ok := c.LastLimits(); !ok || l.APIUsage.Used != 18 {
		t.Errorf("limits of a raw call not recorded: %+v", l)
	}
}

func TestCallRelativePathAndNoContent(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("GET", base+"/limits", respond(200, `{"DailyApiRequests":{"Max":15000,"Remaining":14990}}`))
	mock.RegisterResponder("DELETE", instance+"/services/apexrest/orders/v1/7", respond(204, ""))
	limits, err := sobjects.Call[map[string]struct{ Max, Remaining int }](testCtx(t), c, "GET", "limits", nil)
	if err != nil || limits["DailyApiRequests"].Remaining != 14990 {
		t.Fatalf("Call limits = %+v, %v", limits, err)
	}
	if _, err := sobjects.Call[struct{}](testCtx(t), c, "DELETE", "/services/apexrest/orders/v1/7", nil); err != nil {
		t.Fatalf("204: %v", err)
	}
}

func TestCallErrors(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("GET", instance+"/services/apexrest/missing", respond(404, `[{"errorCode":"NOT_FOUND","message":"Could not find a match for URL"}]`))
	mock.RegisterResponder("GET", instance+"/services/apexrest/html", respond(200, `<html>maintenance</html>`))
	_, err := sobjects.Call[map[string]any](testCtx(t), c, "GET", "/services/apexrest/missing", nil)
	var e *sobjects.Error
	if !errors.As(err, &e) || !errors.Is(err, sobjects.ErrNotFound) || e.StatusCode != 404 || e.Op != "raw GET /services/apexrest/missing" {
		t.Errorf("404: %#v", err)
	}
	_, err = sobjects.Call[map[string]any](testCtx(t), c, "GET", "/services/apexrest/html", nil)
	if !errors.Is(err, sobjects.ErrMalformedResponse) {
		t.Errorf("HTML body: %v", err)
	}
}

// TestRawRefusesOtherHosts: nothing leaves for a URL that is not a path on
// the instance under /services/.
func TestRawRefusesOtherHosts(t *testing.T) {
	c, mock := newClient(t)
	var sent atomic.Int32
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		sent.Add(1)
		return sfResponse(200, `{}`), nil
	})
	for _, path := range []string{
		"https://evil.example/services/apexrest/x",
		"http://na1.salesforce.com/services/apexrest/x",
		"//evil.example/services/apexrest/x",
		"/services/apexrest/../../secret",
		"/services/apexrest/%2e%2e/x",
		"/secur/frontdoor.jsp",
		"/services\\apexrest",
		"/services/apexrest/a b",
		"",
		"mailto:x@example.com",
	} {
		if _, err := c.Raw(testCtx(t), "GET", path, nil); !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("Raw(%q) = %v, want ErrInvalidArgument", path, err)
		}
	}
	if n := sent.Load(); n != 0 {
		t.Fatalf("%d requests sent for refused paths", n)
	}
}

// middleware is a Doer around an http.Client, as tracing or metrics would be.
type middleware struct {
	next   *http.Client
	seen   atomic.Int32
	authed atomic.Int32
}

func (m *middleware) Do(req *http.Request) (*http.Response, error) {
	m.seen.Add(1)
	if strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ") {
		m.authed.Add(1)
	}
	return m.next.Do(req)
}

// TestWithHTTPClientMiddleware: a Doer given to WithHTTPClient sees every
// request the client sends, retries included, authorized.
func TestWithHTTPClientMiddleware(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mw := &middleware{next: &http.Client{Transport: mock}}
	c, _ := newClient(t, sobjects.WithHTTPClient(mw), sobjects.WithRetry(sobjects.RetryPolicy{BaseDelay: 1}))
	var calls atomic.Int32
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, func(*http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			return sfResponse(400, `[{"errorCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record"}]`), nil
		}
		return sfResponse(200, `{"attributes":{"type":"Account"},"Id":"`+acctID+`"}`), nil
	})
	mock.RegisterResponder("GET", instance+"/services/apexrest/ping", respond(200, `"pong"`))
	if _, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID); err != nil {
		t.Fatal(err)
	}
	if s, err := sobjects.Call[string](testCtx(t), c, "GET", "/services/apexrest/ping", nil); err != nil || s != "pong" {
		t.Fatalf("Call = %q, %v", s, err)
	}
	if mw.seen.Load() != 3 || mw.authed.Load() != 3 {
		t.Fatalf("middleware saw %d requests, %d authorized; want 3 and 3", mw.seen.Load(), mw.authed.Load())
	}
}

// TestRawReplaysSectionReader: a file section is a replayable body: after
// a 401 the session refreshes once and the same bytes are sent again,
// with their length, from the section's start.
func TestRawReplaysSectionReader(t *testing.T) {
	mock := httpmock.NewMockTransport()
	src := &countingSource{instance: instance}
	o := &org{}
	o.accept("00Dxx0000001gPF!tok-2") // the first token is already dead
	var bodies []string
	mock.RegisterResponder("PUT", base+"/jobs/ingest/750xx0000000001AAA/batches", func(req *http.Request) (*http.Response, error) {
		bodies = append(bodies, fmt.Sprintf("%d:%s", req.ContentLength, readBody(t, req)))
		return o.guard(respond(201, ""))(req)
	})
	c, err := sobjects.New(auth.NewSession(src), sobjects.WithHTTPClient(&http.Client{Transport: mock}))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(t.TempDir(), "job")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("skip|Name\nAcme\n|skip"); err != nil {
		t.Fatal(err)
	}
	section := io.NewSectionReader(f, 5, 10) // "Name\nAcme\n"
	resp, err := c.Raw(testCtx(t), "PUT", "jobs/ingest/750xx0000000001AAA/batches", section, sobjects.Header("Content-Type", "text/csv"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []string{"10:Name\nAcme\n", "10:Name\nAcme\n"}
	if !slices.Equal(bodies, want) || src.n.Load() != 2 {
		t.Fatalf("bodies %q, token calls %d", bodies, src.n.Load())
	}
}
