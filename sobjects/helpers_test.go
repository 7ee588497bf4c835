package sobjects_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sobjects"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	instance = "https://na1.salesforce.com"
	base     = instance + "/services/data/v67.0"
	token    = "00Dxx0000001gPF!AQ4AQFakeAccessTokenForTests"
	acctID   = "001xx000003DGb2AAG"
	acctID2  = "001xx000003DGb3AAG"
)

// newClient returns a client whose requests go to a fresh httpmock
// transport, authorized with a static token for instance.
func newClient(t testing.TB, opts ...sobjects.Option) (*sobjects.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	s := auth.NewSession(auth.StaticToken(instance, token))
	c, err := sobjects.New(s, append([]sobjects.Option{sobjects.WithHTTPClient(&http.Client{Transport: mock})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mock
}

// sfResponse builds a response as Salesforce sends it: JSON content type
// and Sforce-Limit-Info.
func sfResponse(status int, body string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	r.Header.Set("Sforce-Limit-Info", "api-usage=18/5000")
	return r
}

func respond(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) { return sfResponse(status, body), nil }
}

// readBody returns the request body as a string.
func readBody(t testing.TB, req *http.Request) string {
	t.Helper()
	if req.Body == nil {
		return ""
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Error(err)
	}
	return string(b)
}

// calls returns how often the mock answered method+" "+url.
func calls(mock *httpmock.MockTransport, key string) int { return mock.GetCallCountInfo()[key] }

// countingSource mints tokens tok-1, tok-2, … for an instance and counts
// its calls.
type countingSource struct {
	instance string
	n        atomic.Int32
}

func (s *countingSource) Token() (*oauth2.Token, error) {
	n := s.n.Add(1)
	tok := &oauth2.Token{AccessToken: fmt.Sprintf("00Dxx0000001gPF!tok-%d", n), TokenType: "Bearer"}
	return tok.WithExtra(map[string]any{"instance_url": s.instance, "issued_at": "1700000000000"}), nil
}

// org is a fake org session check: it accepts one access token at a time
// and answers the others 401 INVALID_SESSION_ID.
type org struct {
	mu    sync.Mutex
	valid string
}

func (o *org) accept(tok string) { o.mu.Lock(); o.valid = tok; o.mu.Unlock() }

// guard wraps a responder with the session check.
func (o *org) guard(next httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		o.mu.Lock()
		ok := req.Header.Get("Authorization") == "Bearer "+o.valid
		o.mu.Unlock()
		if !ok {
			return sfResponse(401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`), nil
		}
		return next(req)
	}
}

// accountJSON is an Account record as a query or GET returns it.
func accountJSON(id, name string) string {
	return fmt.Sprintf(`{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/%s"},`+
		`"Id":"%s","Name":%q,"AnnualRevenue":1500000.0,"NumberOfEmployees":120,"Phone":null,`+
		`"CreatedDate":"2013-05-20T20:49:32.000+0000","LastActivityDate":"2024-01-31",`+
		`"Owner":{"attributes":{"type":"User","url":"/services/data/v67.0/sobjects/User/005xx000001Sv6eAAC"},"Name":"Ada Admin"}}`, id, id, name)
}

// queryPage is a page of a query result.
func queryPage(total int, next string, records ...string) string {
	done := next == ""
	nextField := ""
	if !done {
		nextField = fmt.Sprintf(`"nextRecordsUrl":%q,`, next)
	}
	return fmt.Sprintf(`{"totalSize":%d,"done":%t,%s"records":[%s]}`, total, done, nextField, strings.Join(records, ","))
}

// testCtx returns a context that ends with the test.
func testCtx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// noSleep records the retry delays instead of waiting.
type noSleep struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (n *noSleep) sleep(ctx context.Context, d time.Duration) error {
	n.mu.Lock()
	n.delays = append(n.delays, d)
	n.mu.Unlock()
	return ctx.Err()
}
