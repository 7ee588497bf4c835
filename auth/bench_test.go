package auth_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
)

// loopbackOrg serves a token endpoint and a small JSON API resource on a
// loopback server; the API accepts only the newest token.
func loopbackOrg(b *testing.B) (*exampleOrg, func() *http.Client) {
	org := newExampleOrg()
	b.Cleanup(org.Close)
	var clients []*http.Client
	b.Cleanup(func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	})
	// Each side gets a transport of its own, configured alike.
	client := func() *http.Client {
		c := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		clients = append(clients, c)
		return c
	}
	return org, client
}

func drain(b *testing.B, resp *http.Response, err error, want int) {
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		b.Fatalf("status %d, want %d", resp.StatusCode, want)
	}
}

// BenchmarkSteadyState compares a bare http.Client with the full stack
// (RequestEditor + Wrap) on the same loopback handler, interleaving the two
// so that both see the same conditions. rps-ratio is the full stack's
// requests/s over the bare client's, from the median latencies.
func BenchmarkSteadyState(b *testing.B) {
	org, client := loopbackOrg(b)
	ctx := context.Background()
	s := auth.NewSession(auth.RefreshTokenConfig{LoginURL: org.URL, ClientID: "c", RefreshToken: "rt-0"}.TokenSource(ctx))
	tok, err := s.Token(ctx)
	if err != nil {
		b.Fatal(err)
	}
	bare, stack := client(), s.Wrap(client())
	bareAuth := "Bearer " + tok.AccessToken
	url := org.URL + "/services/data/v62.0/sobjects/Account/001000000000001AAA"
	const placeholderURL = "https://instance.invalid/services/data/v62.0/sobjects/Account/001000000000001AAA"

	runBare := func() time.Duration {
		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("Authorization", bareAuth)
		resp, err := bare.Do(req)
		drain(b, resp, err, 200)
		return time.Since(start)
	}
	runStack := func() time.Duration {
		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, placeholderURL, nil)
		if err := s.RequestEditor(ctx, req); err != nil {
			b.Fatal(err)
		}
		resp, err := stack.Do(req)
		drain(b, resp, err, 200)
		return time.Since(start)
	}
	runBare()
	runStack()
	var tBare, tStack durations
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			tBare = append(tBare, runBare())
			tStack = append(tStack, runStack())
		} else {
			tStack = append(tStack, runStack())
			tBare = append(tBare, runBare())
		}
	}
	bareNs, stackNs := tBare.median(), tStack.median()
	b.ReportMetric(bareNs, "bare-p50-ns")
	b.ReportMetric(stackNs, "stack-p50-ns")
	b.ReportMetric(bareNs/stackNs, "rps-ratio")
}

// durations are per-request latencies. Benchmarks report their median:
// on a shared machine a mean is at the mercy of a few preempted requests.
type durations []time.Duration

func (d durations) median() float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(s[len(s)/2].Nanoseconds())
}

// BenchmarkQueuedCaller measures a caller whose request meets an expired
// session and waits on the refresh (whether its own 401 started the refresh
// or joined one in flight, it waits on the same channel). ideal-ns is the
// least that can cost, measured in the same iteration with a bare client
// on the same server: the rejected request, one token request and the
// retried request. overhead-ns is the difference: the session's own work
// (classifying the 401, x/oauth2 building the token request and decoding
// its response, handing the token over), with no polling and no sleep.
func BenchmarkQueuedCaller(b *testing.B) {
	org, client := loopbackOrg(b)
	ctx := context.Background()
	s := auth.NewSession(auth.ClientCredentialsConfig{MyDomainURL: org.URL, ClientID: "c", ClientSecret: "s"}.TokenSource(
		context.WithValue(ctx, oauth2.HTTPClient, client())))
	d := s.Wrap(client())
	bare := client()
	tokenForm := "grant_type=client_credentials&client_id=c&client_secret=s"
	apiURL := org.URL + "/services/data/v62.0/sobjects/Account"
	post := func(c *http.Client, url, ctype, body string, want int) {
		resp, err := c.Post(url, ctype, strings.NewReader(body))
		drain(b, resp, err, want)
	}
	var tQueued, tIdeal durations
	for b.Loop() {
		start := time.Now()
		post(bare, apiURL, "application/json", `{"Name":"x"}`, 401)
		post(bare, org.URL+"/services/oauth2/token", "application/x-www-form-urlencoded", tokenForm, 200)
		org.expire() // the bare token must not serve the session
		post(bare, apiURL, "application/json", `{"Name":"x"}`, 401)
		tIdeal = append(tIdeal, time.Since(start))

		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "https://instance.invalid/services/data/v62.0/sobjects/Account",
			strings.NewReader(`{"Name":"x"}`))
		if err := s.RequestEditor(ctx, req); err != nil {
			b.Fatal(err)
		}
		org.expire()
		start = time.Now()
		resp, err := d.Do(req)
		drain(b, resp, err, 201)
		tQueued = append(tQueued, time.Since(start))
	}
	queued, ideal := tQueued.median(), tIdeal.median()
	b.ReportMetric(queued, "queued-p50-ns")
	b.ReportMetric(ideal, "ideal-p50-ns")
	b.ReportMetric(queued-ideal, "overhead-ns")
	b.ReportMetric(queued/ideal, "queued/ideal")
}

// BenchmarkStorm: 1,000 concurrent callers meet an expired session, where
// each new token revokes the old one. It reports the token requests per
// expiry and the callers that failed, both measured.
func BenchmarkStorm(b *testing.B) {
	const callers = 1000
	o := newFakeOrg(b)
	s, d := o.session()
	failed := 0
	before := o.tokenCalls.Load()
	for b.Loop() {
		for _, err := range storm(b, o, s, d, callers) {
			if err != nil {
				failed++
			}
		}
	}
	perExpiry := float64(o.tokenCalls.Load()-before) / float64(b.N)
	b.ReportMetric(perExpiry, "token_calls/expiry")
	b.ReportMetric(float64(failed), "failed_calls")
	b.Logf("figure: token_calls_per_expiry = %g (%d expiries x %d callers, %d failed calls)", perExpiry, b.N, callers, failed)
}
