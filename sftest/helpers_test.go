package sftest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/typedforce/typedforce/sftest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const v = "/services/data/v67.0"

// testCtx returns a context that ends with the test.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// rawClient sends requests to an org with a token of its own, as code
// that does not use the typed client would.
type rawClient struct {
	t     testing.TB
	org   *sftest.Org
	token string
}

func newRaw(t testing.TB, org *sftest.Org) *rawClient {
	t.Helper()
	tok, err := org.TokenSource().Token()
	if err != nil {
		t.Fatal(err)
	}
	return &rawClient{t: t, org: org, token: tok.AccessToken}
}

// with returns the client for the subtest t.
func (c *rawClient) with(t testing.TB) *rawClient {
	d := *c
	d.t = t
	return &d
}

// do sends a request; headers come in name, value pairs.
func (c *rawClient) do(method, path, body string, headers ...string) (*http.Response, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(testCtx(c.t), method, c.org.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.org.HTTPClient().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, b
}

// expect sends a request and checks its status; it returns the body.
func (c *rawClient) expect(status int, method, path, body string, headers ...string) []byte {
	c.t.Helper()
	resp, b := c.do(method, path, body, headers...)
	if resp.StatusCode != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, status, b)
	}
	return b
}

// apiErr is one error of a Salesforce error body.
type apiErr struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

// expectError sends a request that must fail with status and code; it
// returns the error.
func (c *rawClient) expectError(status int, code, method, path, body string, headers ...string) apiErr {
	c.t.Helper()
	b := c.expect(status, method, path, body, headers...)
	var errs []apiErr
	if err := json.Unmarshal(b, &errs); err != nil || len(errs) != 1 {
		c.t.Fatalf("%s %s: error body %s is not an array of one error", method, path, b)
	}
	if errs[0].ErrorCode != code {
		c.t.Fatalf("%s %s: errorCode %s, want %s: %s", method, path, errs[0].ErrorCode, code, errs[0].Message)
	}
	return errs[0]
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

// insert stores a fixture record and returns its id.
func insert(t testing.TB, org *sftest.Org, sobject string, fields map[string]any) string {
	t.Helper()
	id, err := org.Insert(sobject, fields)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func decodeBody(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
