package interceptor_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/interceptor"
)

func newClient(org *fakeorg.Org, rt string) *interceptor.Client {
	return interceptor.New(&http.Client{}, org.URL+"/services/oauth2/token", fakeorg.ClientID, fakeorg.ClientSecret, rt)
}

const recordURL = "/services/data/v67.0/sobjects/Account/001xx0000000042AAA"

func patch(t *testing.T, c *interceptor.Client, org *fakeorg.Org) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPatch, org.URL+recordURL, strings.NewReader(`{"Phone":"1"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if resp != nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

// TestRefreshAndReplay: the first request mints a token; after an expiry,
// one request refreshes once and is sent again with its body.
func TestRefreshAndReplay(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	c := newClient(org, org.Reset(fakeorg.Revoking))
	var mu sync.Mutex
	var bodies []string
	org.OnPatch(func(b []byte) {
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	})
	if resp, err := patch(t, c, org); err != nil || resp.StatusCode != 204 {
		t.Fatalf("first PATCH: %v %v", resp, err)
	}
	org.Expire()
	before := org.Counts()
	if resp, err := patch(t, c, org); err != nil || resp.StatusCode != 204 {
		t.Fatalf("PATCH after expiry: %v %v", resp, err)
	}
	d := org.Counts().Sub(before)
	if d.TokenCalls != 1 || d.Unauthorized != 1 || d.FamilyKills != 0 {
		t.Errorf("counts %+v, want one token request and one 401", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 || bodies[1] != `{"Phone":"1"}` {
		t.Errorf("bodies %q", bodies)
	}
}

// TestRetriedOnce: a request rejected again after the refresh is not sent
// a third time; the caller gets the 401.
func TestRetriedOnce(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	rt := org.Reset(fakeorg.Revoking)
	c := newClient(org, rt)
	if _, err := patch(t, c, org); err != nil {
		t.Fatal(err)
	}
	// Revoke the family behind the client's back: every refresh now fails.
	org.Reset(fakeorg.Revoking)
	before := org.Counts()
	_, err := patch(t, c, org)
	if err == nil {
		t.Fatal("no error after the family was revoked")
	}
	if d := org.Counts().Sub(before); d.APICalls != 1 || d.TokenCalls != 1 {
		t.Errorf("counts %+v, want one API call and one token request", d)
	}
}

// TestConcurrentQueue: concurrent callers that meet the expiry before any
// refresh ends queue behind one refresh; refreshes never overlap, so no
// rotated refresh token is ever replayed.
func TestConcurrentQueue(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	c := newClient(org, org.Reset(fakeorg.Tolerant))
	if _, err := patch(t, c, org); err != nil {
		t.Fatal(err)
	}
	org.Expire()
	before := org.Counts()
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := patch(t, c, org); err != nil || resp.StatusCode != 204 {
				t.Errorf("PATCH: %v %v", resp, err)
			}
		}()
	}
	wg.Wait()
	d := org.Counts().Sub(before)
	if d.TokenCalls < 1 || d.FamilyKills != 0 {
		t.Errorf("counts %+v", d)
	}
	t.Logf("200 concurrent callers, no latency: %d token requests", d.TokenCalls)
}
