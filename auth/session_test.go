package auth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
)

// storm authorizes n POSTs with the current token, expires that token, and
// sends them all at once. The token endpoint is held until every one of the
// n requests has been rejected, so that all of them queue behind the
// refresh. It returns each caller's error (nil for success, checked).
func storm(t testing.TB, o *fakeOrg, s *auth.Session, d auth.Doer, n int) []error {
	t.Helper()
	ctx := context.Background()
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = request(ctx, fmt.Sprintf(`{"Name":"caller-%d"}`, i))
		if err := s.RequestEditor(ctx, reqs[i]); err != nil {
			t.Fatalf("RequestEditor: %v", err)
		}
	}
	gate := make(chan struct{})
	base := o.unauth.Load()
	o.tokenGate = gate
	o.on401 = func(count int64) {
		if count == base+int64(n) {
			close(gate)
		}
	}
	defer func() { o.tokenGate, o.on401 = nil, nil }()
	o.expire()

	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			<-start
			resp, err := do(d, req)
			if errs[i] = err; err == nil {
				expectEcho(t, resp, err, fmt.Sprintf(`{"Name":"caller-%d"}`, i))
			}
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func noErrors(t testing.TB, errs []error) {
	t.Helper()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
	}
}

func TestStormOfThousandCallersRefreshesOnce(t *testing.T) {
	o := newFakeOrg(t)
	s, d := o.session()
	noErrors(t, storm(t, o, s, d, 1000))
	o.wantTokens(t, 2)
	if got := o.apiCalls.Load(); got != 2000 {
		t.Errorf("API requests = %d, want 2000 (each rejected once, retried once)", got)
	}
}

func TestThreeExpiriesThreeRefreshes(t *testing.T) {
	o := newFakeOrg(t)
	s, d := o.session()
	for round := 1; round <= 3; round++ {
		noErrors(t, storm(t, o, s, d, 25))
		if got, want := o.tokenCalls.Load(), int64(1+round); got != want {
			t.Fatalf("after expiry %d: token requests = %d, want %d", round, got, want)
		}
	}
}

func TestLate401FromPreRefreshRequestDoesNotRefreshAgain(t *testing.T) {
	o := newFakeOrg(t)
	s, d := o.session()
	first := "Bearer " + o.validToken()
	arrived, release := make(chan struct{}), make(chan struct{})
	o.api = func(r *http.Request, body string) *http.Response {
		if body == "late" && r.Header.Get("Authorization") == first {
			close(arrived)
			<-release // answered after the refresh
			return jsonResponse(401, expiredBody)
		}
		return nil
	}
	late := make(chan error, 1)
	go func() {
		resp, err := send(s, d, request(context.Background(), "late"))
		if err == nil {
			expectEcho(t, resp, err, "late")
		}
		late <- err
	}()
	<-arrived
	o.expire()
	resp, err := send(s, d, request(context.Background(), "trigger"))
	expectEcho(t, resp, err, "trigger")
	close(release)
	if err := <-late; err != nil {
		t.Fatalf("late request: %v", err)
	}
	o.wantTokens(t, 2)
}

func TestPersistent401IsTriedExactlyTwice(t *testing.T) {
	o := newFakeOrg(t)
	s, d := o.session()
	o.api = func(*http.Request, string) *http.Response { return jsonResponse(401, expiredBody) }
	before := o.apiCalls.Load()
	resp, err := send(s, d, request(context.Background(), "x"))
	if resp != nil {
		t.Fatalf("got a response, want an error")
	}
	if !errors.Is(err, auth.ErrSessionExpired) {
		t.Fatalf("err = %v, want ErrSessionExpired", err)
	}
	var e *auth.Error
	if !errors.As(err, &e) || e.StatusCode != 401 || e.Code != "INVALID_SESSION_ID" || e.Message != "Session expired or invalid" {
		t.Errorf("error details = %+v", e)
	}
	if got := o.apiCalls.Load() - before; got != 2 {
		t.Errorf("attempts = %d, want 2", got)
	}
	o.wantTokens(t, 2)
}

func TestUnrefreshable401PassesThroughUntouched(t *testing.T) {
	bodies := map[string]string{
		"REST API not allowed": `[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]`,
		"agent":                `[{"message":"Connected app is not attached to Agent","errorCode":"INVALID_SESSION_ID"}]`,
		"bad auth header":      `[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]`,
		"html":                 `<html><body>Unauthorized</body></html>`,
		"empty":                ``,
		"truncated":            `[{"message":"Session expired or invalid","errorCode":"INVALID_SESS`,
		"oversized":            `[{"message":"` + strings.Repeat("x", 70<<10) + `","errorCode":"INVALID_SESSION_ID"}]`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			o := newFakeOrg(t)
			s, d := o.session()
			o.api = func(*http.Request, string) *http.Response {
				r := jsonResponse(401, body)
				r.Header.Set("X-Probe", "kept")
				return r
			}
			resp, err := send(s, d, request(context.Background(), "x"))
			if err != nil {
				t.Fatal(err)
			}
			if got := readBody(t, resp); resp.StatusCode != 401 || got != body || resp.Header.Get("X-Probe") != "kept" {
				t.Errorf("got %d %.60q, want the 401 untouched", resp.StatusCode, got)
			}
			if o.tokenCalls.Load() != 1 || o.apiCalls.Load() != 1 {
				t.Errorf("token requests = %d, API requests = %d; want 1, 1", o.tokenCalls.Load(), o.apiCalls.Load())
			}
		})
	}
}

func TestOtherResponsesPassThroughUntouched(t *testing.T) {
	for _, status := range []int{200, 204, 300, 400, 403, 404, 500, 503} {
		o := newFakeOrg(t)
		s, d := o.session()
		body := fmt.Sprintf(`[{"message":"status %d","errorCode":"INVALID_SESSION_ID"}]`, status)
		o.api = func(*http.Request, string) *http.Response { return jsonResponse(status, body) }
		resp, err := send(s, d, request(context.Background(), "x"))
		if err != nil {
			t.Fatal(err)
		}
		if got := readBody(t, resp); resp.StatusCode != status || got != body {
			t.Errorf("status %d: got %d %q", status, resp.StatusCode, got)
		}
		if o.tokenCalls.Load() != 1 || o.apiCalls.Load() != 1 {
			t.Errorf("status %d: token requests = %d, API requests = %d", status, o.tokenCalls.Load(), o.apiCalls.Load())
		}
	}
}

func TestFailedRefreshReachesEveryWaiterOnce(t *testing.T) {
	o := newFakeOrg(t)
	s, d := o.session()
	o.tokenErr = func(int64) (*http.Response, error) {
		return jsonResponse(400, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`), nil
	}
	errs := storm(t, o, s, d, 100)
	for i, err := range errs {
		if err != errs[0] {
			t.Fatalf("caller %d got %v, caller 0 got %v: want the same error", i, err, errs[0])
		}
	}
	err := errs[0]
	if !errors.Is(err, auth.ErrReauthorizationRequired) {
		t.Errorf("err = %v, want ErrReauthorizationRequired", err)
	}
	var e *auth.Error
	if !errors.As(err, &e) || e.Code != "invalid_grant" || e.Message != "expired access/refresh token" || e.StatusCode != 400 {
		t.Errorf("error details = %+v", e)
	}
	// The code is a sentinel of the one ErrorCode type that sobjects shares.
	if !errors.Is(err, auth.ErrorCode("invalid_grant")) || errors.Is(err, auth.ErrorCode("INVALID_SESSION_ID")) {
		t.Errorf("errors.Is with the error's own code: %v", err)
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("the raw *oauth2.RetrieveError is not reachable: %v", err)
	}
	o.wantTokens(t, 2)

	// The failure is terminal: fail fast, no token request, nothing sent.
	tokens, calls := o.tokenCalls.Load(), o.apiCalls.Load()
	if _, err := send(s, d, request(context.Background(), "x")); err != errs[0] {
		t.Errorf("after a terminal failure: %v, want the same error", err)
	}
	if _, err := s.Token(context.Background()); err != errs[0] {
		t.Errorf("Token after a terminal failure: %v", err)
	}
	if o.tokenCalls.Load() != tokens || o.apiCalls.Load() != calls {
		t.Errorf("a failed session called the token endpoint or the API again")
	}

	// New credentials revive it.
	o.tokenErr = nil
	s.SetTokenSource(o.source())
	resp, err := send(s, d, request(context.Background(), "revived"))
	expectEcho(t, resp, err, "revived")
}

// TestCancelledWaiterLeavesAtOnce: the caller whose request started the
// refresh gives up while the token endpoint is held; it returns at once with
// its context error, the refresh is not cancelled, and the other callers
// complete.
func TestCancelledWaiterLeavesAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	o := newFakeOrg(t)
	s, d := o.session()
	waiting := make(chan struct{}, 64)
	auth.SetWaitHook(s, func() { waiting <- struct{}{} })
	gate := make(chan struct{})
	var refreshCtxErr atomic.Value
	o.tokenGate = gate
	o.onToken = func(r *http.Request) { refreshCtxErr.Store(fmt.Sprint(r.Context().Err())) }
	o.expire()

	ctx, cancel := context.WithCancel(context.Background())
	leaver := make(chan error, 1)
	go func() {
		_, err := send(s, d, request(ctx, "leaver"))
		leaver <- err
	}()
	<-waiting // the leaver started the refresh and waits for it

	const others = 5
	var wg sync.WaitGroup
	for i := range others {
		wg.Go(func() {
			body := fmt.Sprintf("other-%d", i)
			resp, err := send(s, d, request(context.Background(), body))
			expectEcho(t, resp, err, body)
		})
	}
	for range others {
		<-waiting
	}
	cancel()
	err := <-leaver // returns while the token endpoint is still held
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("leaver: %v, want context.Canceled", err)
	}
	var e *auth.Error
	if !errors.As(err, &e) || e.Op != "wait" {
		t.Errorf("leaver error = %#v, want Op wait", err)
	}
	close(gate)
	wg.Wait()
	o.wantTokens(t, 2)
	if got := refreshCtxErr.Load(); got != "<nil>" {
		t.Errorf("the refresh context was cancelled with its first caller: %v", got)
	}
}

func TestRotatedRefreshTokenIsUsedNextAndPersistedFirst(t *testing.T) {
	o := newFakeOrg(t)
	o.rotate = true
	var mu sync.Mutex
	var persisted []string
	var s *auth.Session
	hook := func(ctx context.Context, tok *oauth2.Token) error {
		mu.Lock()
		defer mu.Unlock()
		persisted = append(persisted, tok.RefreshToken)
		// Nobody may have the token yet: a caller that gives up at once
		// must find the refresh still running.
		done, cancel := context.WithCancel(ctx)
		cancel()
		if s != nil {
			if _, err := s.Token(done); !errors.Is(err, context.Canceled) {
				t.Errorf("the token was released before the hook returned (err %v)", err)
			}
		}
		return nil
	}
	s, d := o.session(auth.WithOnRefresh(hook))
	for range 3 {
		noErrors(t, storm(t, o, s, d, 20))
	}
	want := []string{secretMark + "-rt-1", secretMark + "-rt-2", secretMark + "-rt-3", secretMark + "-rt-4"}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(persisted) != fmt.Sprint(want) {
		t.Errorf("hook got refresh tokens %d of %d in order", len(persisted), len(want))
	}
	tok, err := s.Token(context.Background())
	if err != nil || tok.RefreshToken != want[3] {
		t.Errorf("the current token does not carry the rotated refresh token")
	}
}

func TestHookErrorFailsTheRefreshOnly(t *testing.T) {
	o := newFakeOrg(t)
	o.rotate = true
	errDisk := errors.New("disk full")
	var calls atomic.Int64
	s, d := o.session(auth.WithOnRefresh(func(context.Context, *oauth2.Token) error {
		if calls.Add(1) == 2 {
			return errDisk
		}
		return nil
	}))
	o.expire()
	_, err := send(s, d, request(context.Background(), "x"))
	var e *auth.Error
	if !errors.Is(err, errDisk) || !errors.As(err, &e) || e.Op != "hook" {
		t.Fatalf("err = %v, want the hook error", err)
	}
	// Not terminal: the next call refreshes again, with the rotated token.
	resp, err := send(s, d, request(context.Background(), "y"))
	expectEcho(t, resp, err, "y")
	o.wantTokens(t, 3)
}

func TestTransientTokenFailuresAreRetried(t *testing.T) {
	processing := func() *http.Response {
		return jsonResponse(400, `{"error":"invalid_grant","error_description":"token request is already being processed"}`)
	}
	cases := []struct {
		name  string
		fail  func(n int64) (*http.Response, error) // n: 1-based index among refresh calls
		calls int64                                 // token requests of the refresh
		ok    bool
	}{
		{"already being processed", func(n int64) (*http.Response, error) {
			if n == 1 {
				return processing(), nil
			}
			return nil, nil
		}, 2, true},
		{"network errors", func(n int64) (*http.Response, error) {
			if n <= 2 {
				return nil, errors.New("connection reset by peer")
			}
			return nil, nil
		}, 3, true},
		{"server error", func(n int64) (*http.Response, error) {
			if n == 1 {
				return httpmockString(503, "<html>maintenance</html>"), nil
			}
			return nil, nil
		}, 2, true},
		{"network down", func(int64) (*http.Response, error) { return nil, errors.New("no route to host") }, 3, false},
		{"rate limited", func(int64) (*http.Response, error) {
			return jsonResponse(400, `{"error":"rate_limit_exceeded","error_description":"rate limit exceeded"}`), nil
		}, 3, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := newFakeOrg(t)
			s, d := o.session() // WithRefreshRetry(3, 1ms)
			o.tokenErr = func(n int64) (*http.Response, error) { return tc.fail(n - 1) }
			o.expire()
			resp, err := send(s, d, request(context.Background(), "x"))
			if got := o.tokenCalls.Load() - 1; got != tc.calls {
				t.Errorf("token requests = %d, want %d", got, tc.calls)
			}
			if tc.ok {
				expectEcho(t, resp, err, "x")
				return
			}
			if err == nil || errors.Is(err, auth.ErrReauthorizationRequired) {
				t.Fatalf("err = %v, want a transient failure", err)
			}
			// Not terminal: once the endpoint recovers, the next call works.
			o.tokenErr = nil
			resp, err = send(s, d, request(context.Background(), "y"))
			expectEcho(t, resp, err, "y")
		})
	}
}

func httpmockString(status int, body string) *http.Response {
	r := jsonResponse(status, body)
	r.Header.Set("Content-Type", "text/html")
	return r
}

func TestMaxSessionAgeRefreshesProactivelyOnce(t *testing.T) {
	o := newFakeOrg(t)
	var mu sync.Mutex
	now := time.Now()
	s := auth.NewSession(o.source(), auth.WithLogger(testLogger()), auth.WithMaxSessionAge(time.Hour))
	auth.SetClock(s, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	first, err := s.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(59 * time.Minute)
	mu.Unlock()
	if tok, _ := s.Token(context.Background()); tok != first {
		t.Fatalf("refreshed before the max session age")
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			tok, err := s.Token(context.Background())
			noteErr(err)
			if err != nil || tok.AccessToken == first.AccessToken {
				t.Errorf("no new token after the max session age: %v", err)
			}
		})
	}
	wg.Wait()
	o.wantTokens(t, 2)
}

func TestRetryFollowsNewInstanceURL(t *testing.T) {
	o := newFakeOrg(t)
	s, d := o.session()
	var mu sync.Mutex
	var hosts []string
	o.api = func(r *http.Request, _ string) *http.Response {
		mu.Lock()
		hosts = append(hosts, r.URL.Host)
		mu.Unlock()
		return nil
	}
	o.mu.Lock()
	o.instance = "https://na2.example.test"
	o.mu.Unlock()
	o.expire()
	req := request(context.Background(), "moved")
	resp, err := send(s, d, req)
	expectEcho(t, resp, err, "moved")
	if fmt.Sprint(hosts) != "[na1.example.test na2.example.test]" {
		t.Errorf("requests went to %v", hosts)
	}
	if req.URL.Host != "na1.example.test" {
		t.Errorf("Wrap modified the caller's request: %s", req.URL)
	}
}

func TestWrapAuthorizesWithoutRequestEditor(t *testing.T) {
	o := newFakeOrg(t)
	s := auth.NewSession(o.source(), auth.WithLogger(testLogger()))
	d := s.Wrap(o.client)
	req := request(context.Background(), "plain")
	resp, err := do(d, req)
	expectEcho(t, resp, err, "plain")
	o.expire()
	req2 := request(context.Background(), "after expiry")
	resp, err = do(d, req2)
	expectEcho(t, resp, err, "after expiry")
	for _, r := range []*http.Request{req, req2} {
		if r.Header.Get("Authorization") != "" || r.URL.Host != "placeholder.invalid" {
			t.Errorf("Wrap modified the caller's request")
		}
	}
	o.wantTokens(t, 2)
}

func TestUnreplayableBodyIsNotRetried(t *testing.T) {
	o := newFakeOrg(t)
	s, d := o.session()
	o.expire()
	req := request(context.Background(), "once")
	req.Body, req.GetBody = io.NopCloser(strings.NewReader("once")), nil
	calls := o.apiCalls.Load()
	_, err := send(s, d, req)
	if !errors.Is(err, auth.ErrNotReplayable) {
		t.Fatalf("err = %v, want ErrNotReplayable", err)
	}
	if got := o.apiCalls.Load() - calls; got != 1 {
		t.Errorf("API requests = %d, want 1", got)
	}
	// The session renewed itself in the background.
	resp, err := send(s, d, request(context.Background(), "again"))
	expectEcho(t, resp, err, "again")
	if o.tokenCalls.Load() != 2 || o.unauth.Load() != 1 {
		t.Errorf("token requests = %d, rejections = %d; want 2, 1", o.tokenCalls.Load(), o.unauth.Load())
	}
}

func TestStaticTokenExpirySurfacesAsTypedError(t *testing.T) {
	o := newFakeOrg(t)
	static := "00D000000000001!" + secretMark + "-static"
	o.mu.Lock()
	o.valid = static
	o.mu.Unlock()
	s := auth.NewSession(auth.StaticToken(instanceURL, static), auth.WithLogger(testLogger()))
	d := s.Wrap(o.client)
	resp, err := send(s, d, request(context.Background(), "ok"))
	expectEcho(t, resp, err, "ok")
	o.expire()
	for range 2 {
		calls := o.apiCalls.Load()
		_, err = send(s, d, request(context.Background(), "dead"))
		if !errors.Is(err, auth.ErrSessionExpired) {
			t.Fatalf("err = %v, want ErrSessionExpired", err)
		}
		if got := o.apiCalls.Load() - calls; got > 2 {
			t.Errorf("API requests = %d", got)
		}
	}
	// Once known dead, the token is not sent again.
	calls := o.apiCalls.Load()
	if _, err := send(s, d, request(context.Background(), "dead")); !errors.Is(err, auth.ErrSessionExpired) || o.apiCalls.Load() != calls {
		t.Errorf("a dead static token was sent again: %v", err)
	}
}

func TestTokenNeverSentOverPlainHTTP(t *testing.T) {
	o := newFakeOrg(t)
	o.instance = "http://na1.example.test"
	s := auth.NewSession(o.source(), auth.WithLogger(testLogger()))
	_, err := s.Token(context.Background())
	noteErr(err)
	if !errors.Is(err, auth.ErrInsecureURL) {
		t.Fatalf("http instance_url: err = %v, want ErrInsecureURL", err)
	}
	if _, err := s.Token(context.Background()); !errors.Is(err, auth.ErrInsecureURL) || o.tokenCalls.Load() != 1 {
		t.Errorf("an insecure instance_url must fail fast: %v, %d token requests", err, o.tokenCalls.Load())
	}

	// A token without instance_url is used on the request's own URL, which
	// must then be https or loopback.
	bare := auth.NewSession(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: secretMark + "-bare"}))
	for url, ok := range map[string]bool{
		"http://example.com/x": false, "ftp://example.com/x": false, "https://example.com/x": true,
		"http://127.0.0.1:8080/x": true, "http://localhost/x": true, "http://[::1]/x": true,
	} {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		err := bare.RequestEditor(context.Background(), req)
		noteErr(err)
		if ok != (err == nil) || (!ok && !errors.Is(err, auth.ErrInsecureURL)) {
			t.Errorf("%s: err = %v", url, err)
		}
		if !ok && req.Header.Get("Authorization") != "" {
			t.Errorf("%s: token set on a refused request", url)
		}
	}

	_, err = auth.StaticToken("http://na1.example.test", secretMark).Token()
	noteErr(err)
	if !errors.Is(err, auth.ErrInsecureURL) {
		t.Errorf("StaticToken over http: %v", err)
	}
}

func TestSessionStringHidesToken(t *testing.T) {
	o := newFakeOrg(t)
	s, _ := o.session()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%q", "%x"} {
		if out := fmt.Sprintf(verb, s); strings.Contains(out, secretMark) || !strings.Contains(out, "generation") {
			t.Errorf("%s: %s", verb, out)
		}
	}
	fmt.Fprintln(captureWriter{}, s)
}

// blockingSource returns a fixed token once release is closed.
type blockingSource struct {
	token   string
	started chan struct{}
	release chan struct{}
	calls   atomic.Int64
}

func (b *blockingSource) Token() (*oauth2.Token, error) {
	b.calls.Add(1)
	if b.started != nil {
		close(b.started)
	}
	if b.release != nil {
		<-b.release
	}
	return (&oauth2.Token{AccessToken: b.token}).WithExtra(map[string]any{"instance_url": instanceURL}), nil
}

// tokenLater calls s.Token on a goroutine of its own and sends what it
// returned: the access token, or the error's text.
func tokenLater(s *auth.Session) <-chan string {
	got := make(chan string, 1)
	go func() {
		tok, err := s.Token(context.Background())
		noteErr(err)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- tok.AccessToken
	}()
	return got
}

func TestSetTokenSourceDuringRefreshMintsWithTheNewSource(t *testing.T) {
	old := &blockingSource{token: secretMark + "-old", started: make(chan struct{}), release: make(chan struct{})}
	fresh := &blockingSource{token: secretMark + "-new"}
	s := auth.NewSession(old, auth.WithLogger(testLogger()))
	got := tokenLater(s)
	<-old.started // the first refresh is running on the old source
	s.SetTokenSource(fresh)
	close(old.release)
	if tok := <-got; tok != fresh.token {
		t.Errorf("the waiter got a token of the old source")
	}
	if old.calls.Load() != 1 || fresh.calls.Load() != 1 {
		t.Errorf("source calls: old %d, new %d; want 1, 1", old.calls.Load(), fresh.calls.Load())
	}
}

// hanging is a token source that never answers: it waits for its context.
type hanging struct{ deadline chan time.Time }

func (h hanging) Token() (*oauth2.Token, error) { return h.TokenContext(context.Background()) }

func (h hanging) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	d, _ := ctx.Deadline()
	h.deadline <- d
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestRefreshTimeoutEndsAHangingRefresh: a token endpoint that never answers
// is abandoned at the refresh timeout, not at the caller's (absent) deadline,
// and the caller gets an error saying so.
func TestRefreshTimeoutEndsAHangingRefresh(t *testing.T) {
	src := hanging{deadline: make(chan time.Time, 8)}
	const timeout = 50 * time.Millisecond
	s := auth.NewSession(src, auth.WithRefreshTimeout(timeout), auth.WithRefreshRetry(1, time.Millisecond))
	start := time.Now()
	_, err := s.Token(context.Background()) // no deadline of its own
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Token = %v, want an error wrapping context.DeadlineExceeded", err)
	}
	// The refresh started right after start: its deadline is about start +
	// 50 ms. The default timeout (30 s) would put it 30 s out; the 5 s
	// margin only absorbs a loaded machine.
	d := <-src.deadline
	if d.IsZero() || d.Before(start.Add(timeout)) || d.After(start.Add(timeout+5*time.Second)) {
		t.Errorf("the source saw deadline %v, %v after the call; want the refresh timeout, %v", d, d.Sub(start), timeout)
	}
}

// TestSetTokenSourceNilDuringRefresh: taking the credentials away while a
// refresh runs fails that refresh and later calls with a config error, and
// never calls a nil source.
func TestSetTokenSourceNilDuringRefresh(t *testing.T) {
	old := &blockingSource{token: secretMark + "-old", started: make(chan struct{}), release: make(chan struct{})}
	s := auth.NewSession(old, auth.WithLogger(testLogger()))
	errc := make(chan error, 1)
	go func() {
		_, err := s.Token(context.Background())
		errc <- err
	}()
	<-old.started
	s.SetTokenSource(nil)
	close(old.release)
	for _, err := range []error{<-errc, func() error { _, err := s.Token(context.Background()); return err }()} {
		noteErr(err)
		var e *auth.Error
		if !errors.As(err, &e) || e.Op != "config" {
			t.Errorf("got %v, want a config *auth.Error", err)
		}
	}
	fresh := &blockingSource{token: secretMark + "-new"}
	s.SetTokenSource(fresh)
	if tok, err := s.Token(context.Background()); err != nil || tok.AccessToken != fresh.token {
		t.Errorf("after new credentials: %v", err)
	}
}

// lateSource answers only once its context has ended and the test lets it:
// a token endpoint that outlives the refresh timeout.
type lateSource struct {
	timedOut, release chan struct{}
	token             string
	err               error
}

func (l *lateSource) Token() (*oauth2.Token, error) { return l.TokenContext(context.Background()) }

func (l *lateSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	<-ctx.Done()
	close(l.timedOut)
	<-l.release
	if l.err != nil {
		return nil, l.err
	}
	return (&oauth2.Token{AccessToken: l.token}).WithExtra(map[string]any{"instance_url": instanceURL}), nil
}

// TestNewestCredentialsWinOverALateResult: new credentials given while the
// old source is past the refresh timeout win over whatever the old source
// answers late, a token or a terminal invalid_grant; the hook never sees
// the old token.
func TestNewestCredentialsWinOverALateResult(t *testing.T) {
	for name, late := range map[string]*lateSource{
		"late token":         {token: secretMark + "-old"},
		"late invalid_grant": {err: &oauth2.RetrieveError{ErrorCode: "invalid_grant", ErrorDescription: "expired access/refresh token"}},
	} {
		late.timedOut, late.release = make(chan struct{}), make(chan struct{})
		var hooked []string
		s := auth.NewSession(late, auth.WithLogger(testLogger()), auth.WithRefreshRetry(1, time.Millisecond),
			auth.WithRefreshTimeout(10*time.Millisecond),
			auth.WithOnRefresh(func(_ context.Context, tok *oauth2.Token) error {
				hooked = append(hooked, tok.AccessToken) // the hook never runs concurrently
				return nil
			}))
		got := tokenLater(s)
		<-late.timedOut // the refresh timeout of the old credentials has passed
		fresh := &blockingSource{token: secretMark + "-new"}
		s.SetTokenSource(fresh)
		close(late.release)
		if tok := <-got; tok != fresh.token {
			t.Errorf("%s: the waiter got %q, want the new credentials' token", name, strings.ReplaceAll(tok, secretMark, "<secret>"))
		}
		tok, err := s.Token(context.Background())
		if err != nil || tok.AccessToken != fresh.token || fresh.calls.Load() != 1 {
			t.Errorf("%s: afterwards: %v, %d calls of the new source", name, err, fresh.calls.Load())
		}
		if len(hooked) != 1 || hooked[0] != fresh.token {
			t.Errorf("%s: the hook saw %d tokens, want only the new one", name, len(hooked))
		}
	}
}
