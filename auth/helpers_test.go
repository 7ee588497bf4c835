package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
)

// secretMark is part of every token, refresh token and client secret in
// these tests. TestMain fails the run if it shows up in any error string or
// log line the tests produced.
const secretMark = "Sekr1t"

// capture collects every log line and error string of the test suite.
var capture struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines int
}

type captureWriter struct{}

func (captureWriter) Write(p []byte) (int, error) {
	capture.mu.Lock()
	defer capture.mu.Unlock()
	capture.lines++
	return capture.buf.Write(p)
}

// testLogger logs at debug level into capture.
func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(captureWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// noteErr records what an error prints with the usual verbs.
func noteErr(err error) {
	if err != nil {
		fmt.Fprintf(captureWriter{}, "%v\n%+v\n%#v\n%s\n", err, err, err, err.Error())
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		capture.mu.Lock()
		out, lines := capture.buf.String(), capture.lines
		capture.mu.Unlock()
		if i := strings.Index(out, secretMark); i >= 0 {
			lo, hi := max(0, i-200), min(len(out), i+100)
			fmt.Fprintf(os.Stderr, "FAIL: a secret appears in the captured errors/logs:\n%s\n", out[lo:hi])
			code = 1
		} else if testing.Verbose() {
			fmt.Printf("secret scan: %d captured log lines and error strings, no secret\n", lines)
		}
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: goroutine leak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

const (
	loginURL    = "https://login.example.test"
	tokenURL    = loginURL + "/services/oauth2/token"
	instanceURL = "https://na1.example.test"
	// placeholder is the server URL a generated client is built with;
	// RequestEditor points requests at the instance URL.
	placeholder = "https://placeholder.invalid/services/data/v62.0/sobjects/Account"
)

// fakeOrg is a Salesforce org on httpmock: a token endpoint (refresh token
// flow, with rotation) and an API that accepts only the newest token.
type fakeOrg struct {
	t      testing.TB
	mt     *httpmock.MockTransport
	client *http.Client

	tokenCalls atomic.Int64
	apiCalls   atomic.Int64
	unauth     atomic.Int64 // 401s served

	mu       sync.Mutex
	valid    string // the access token the API accepts; "" for none
	refresh  string // the refresh token the endpoint accepts
	instance string // instance_url of the next token
	rotate   bool

	// tokenGate, when set, holds every token request until closed.
	tokenGate chan struct{}
	// tokenErr, when set, answers the nth token request (1-based) instead
	// of minting, unless it returns nil.
	tokenErr func(n int64) (*http.Response, error)
	// onToken, when set, sees each token request once the gate opened.
	onToken func(r *http.Request)
	// api, when set, answers API requests first (nil: default behaviour).
	api func(r *http.Request, body string) *http.Response
	// on401, when set, sees the running count of 401s served.
	on401 func(count int64)
}

func newFakeOrg(t testing.TB) *fakeOrg {
	o := &fakeOrg{t: t, mt: httpmock.NewMockTransport(), refresh: secretMark + "-rt-0", instance: instanceURL}
	o.client = &http.Client{Transport: o.mt}
	o.mt.RegisterResponder(http.MethodPost, tokenURL, o.token)
	o.mt.RegisterRegexpResponder(http.MethodPost, regexp.MustCompile(`^https://na\d\.example\.test/`), o.serveAPI)
	o.mt.RegisterRegexpResponder(http.MethodGet, regexp.MustCompile(`^https://na\d\.example\.test/`), o.serveAPI)
	return o
}

func jsonResponse(status int, body string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	return r
}

const expiredBody = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`

func (o *fakeOrg) token(r *http.Request) (*http.Response, error) {
	n := o.tokenCalls.Add(1)
	if o.tokenGate != nil {
		<-o.tokenGate
	}
	if o.onToken != nil {
		o.onToken(r)
	}
	if o.tokenErr != nil {
		if resp, err := o.tokenErr(n); resp != nil || err != nil {
			return resp, err
		}
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("client_secret") != secretMark+"-client" {
		return jsonResponse(400, `{"error":"invalid_client","error_description":"invalid client credentials"}`), nil
	}
	if r.PostForm.Get("refresh_token") != o.refresh {
		return jsonResponse(400, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`), nil
	}
	o.valid = fmt.Sprintf("00D000000000001!%s-at-%d", secretMark, n)
	resp := map[string]string{
		"access_token": o.valid,
		"instance_url": o.instance,
		"id":           loginURL + "/id/00D000000000001/005000000000001",
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(time.Now().UnixMilli(), 10),
		"signature":    "c2lnbmF0dXJl",
	}
	if o.rotate {
		o.refresh = fmt.Sprintf("%s-rt-%d", secretMark, n)
		resp["refresh_token"] = o.refresh
	}
	b, _ := json.Marshal(resp)
	return jsonResponse(200, string(b)), nil
}

// serveAPI echoes the request body with 201 when the request carries the
// valid token, else answers 401 INVALID_SESSION_ID.
func (o *fakeOrg) serveAPI(r *http.Request) (*http.Response, error) {
	o.apiCalls.Add(1)
	var body string
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		body = string(b)
	}
	if o.api != nil {
		if resp := o.api(r, body); resp != nil {
			return resp, nil
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+o.valid {
		if n := o.unauth.Add(1); o.on401 != nil {
			o.on401(n)
		}
		return jsonResponse(401, expiredBody), nil
	}
	return jsonResponse(201, body), nil
}

func (o *fakeOrg) validToken() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.valid
}

// wantTokens checks how many token requests the org has served.
func (o *fakeOrg) wantTokens(t testing.TB, want int64) {
	t.Helper()
	if got := o.tokenCalls.Load(); got != want {
		t.Errorf("token requests = %d, want %d", got, want)
	}
}

// expire makes the API reject every token issued so far.
func (o *fakeOrg) expire() {
	o.mu.Lock()
	o.valid = ""
	o.mu.Unlock()
}

// source returns the refresh-token flow against the fake org, checked
// for concurrent calls.
func (o *fakeOrg) source() oauth2.TokenSource {
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, o.client)
	return &exclusive{t: o.t, src: auth.RefreshTokenConfig{LoginURL: loginURL, ClientID: "client-id",
		ClientSecret: secretMark + "-client", RefreshToken: secretMark + "-rt-0"}.TokenSource(ctx).(auth.ContextTokenSource)}
}

// exclusive fails the test if its source is ever called concurrently.
type exclusive struct {
	t        testing.TB
	src      auth.ContextTokenSource
	inflight atomic.Int32
}

func (e *exclusive) Token() (*oauth2.Token, error) { return e.TokenContext(context.Background()) }

func (e *exclusive) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if e.inflight.Add(1) != 1 {
		e.t.Errorf("the token source was called concurrently")
	}
	defer e.inflight.Add(-1)
	return e.src.TokenContext(ctx)
}

// session returns a session on the fake org with its first token minted,
// and the Doer of the full stack.
func (o *fakeOrg) session(opts ...auth.Option) (*auth.Session, auth.Doer) {
	o.t.Helper()
	opts = append([]auth.Option{auth.WithLogger(testLogger()), auth.WithRefreshRetry(3, time.Millisecond)}, opts...)
	s := auth.NewSession(o.source(), opts...)
	if _, err := s.Token(context.Background()); err != nil {
		o.t.Fatalf("first token: %v", err)
	}
	return s, s.Wrap(o.client)
}

// request builds a POST as the generated client would, against the
// placeholder server URL.
func request(ctx context.Context, body string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, placeholder, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

// send authorizes req with RequestEditor and sends it through d.
func send(s *auth.Session, d auth.Doer, req *http.Request) (*http.Response, error) {
	if err := s.RequestEditor(req.Context(), req); err != nil {
		noteErr(err)
		return nil, err
	}
	return do(d, req)
}

func do(d auth.Doer, req *http.Request) (*http.Response, error) {
	resp, err := d.Do(req)
	noteErr(err)
	return resp, err
}

// readBody reads and closes a response body.
func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b)
}

// expectEcho checks a 201 whose body is the request body.
func expectEcho(t testing.TB, resp *http.Response, err error, body string) {
	t.Helper()
	if err != nil {
		t.Errorf("request failed: %v", err)
		return
	}
	got := readBody(t, resp)
	if resp.StatusCode != 201 || got != body {
		t.Errorf("got %d %q, want 201 %q", resp.StatusCode, got, body)
	}
}
