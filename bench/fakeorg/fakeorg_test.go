package fakeorg_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/typedforce/typedforce/bench/fakeorg"
)

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	InstanceURL  string `json:"instance_url"`
	IssuedAt     string `json:"issued_at"`
	Error        string `json:"error"`
}

func token(t *testing.T, org *fakeorg.Org, form url.Values) (int, tokenResponse) {
	t.Helper()
	resp, err := http.PostForm(org.URL+"/services/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr tokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, tr
}

func refresh(t *testing.T, org *fakeorg.Org, rt string) (int, tokenResponse) {
	return token(t, org, url.Values{"grant_type": {"refresh_token"}, "client_id": {fakeorg.ClientID},
		"client_secret": {fakeorg.ClientSecret}, "refresh_token": {rt}})
}

func clientCredentials(t *testing.T, org *fakeorg.Org) tokenResponse {
	t.Helper()
	status, tr := token(t, org, url.Values{"grant_type": {"client_credentials"}, "client_id": {fakeorg.ClientID}, "client_secret": {fakeorg.ClientSecret}})
	if status != 200 {
		t.Fatalf("client credentials: %d %s", status, tr.Error)
	}
	return tr
}

// get sends GET path with token and returns the status and body.
func get(t *testing.T, org *fakeorg.Org, path, tok string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, org.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const recordPath = "/services/data/v67.0/sobjects/Account/001xx0000000042AAA"

func valid(t *testing.T, org *fakeorg.Org, tok string) bool {
	t.Helper()
	status, body := get(t, org, recordPath, tok)
	switch status {
	case 200:
		return true
	case 401:
		if body != fakeorg.ExpiredBody {
			t.Errorf("401 body %s", body)
		}
		return false
	}
	t.Fatalf("status %d: %s", status, body)
	return false
}

// TestTolerant: tokens issued after an expiry stay valid when newer ones
// come; refresh tokens do not rotate; Expire kills them all.
func TestTolerant(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	rt := org.Reset(fakeorg.Tolerant)
	_, a := refresh(t, org, rt)
	_, b := refresh(t, org, rt)
	c := clientCredentials(t, org)
	if a.RefreshToken != "" || b.RefreshToken != "" {
		t.Error("refresh token rotated in the tolerant model")
	}
	if a.InstanceURL != org.URL || a.IssuedAt == "" {
		t.Errorf("token response %+v", a)
	}
	for _, tok := range []string{a.AccessToken, b.AccessToken, c.AccessToken} {
		if !valid(t, org, tok) {
			t.Errorf("token %s invalid", tok)
		}
	}
	org.Expire()
	for _, tok := range []string{a.AccessToken, b.AccessToken, c.AccessToken} {
		if valid(t, org, tok) {
			t.Errorf("token %s valid after expiry", tok)
		}
	}
	if got := org.Counts(); got.TokenCalls != 3 || got.Unauthorized != 3 {
		t.Errorf("counts %+v", got)
	}
}

// TestRevoking: each new token revokes the older ones, refresh tokens
// rotate, and a replayed rotated-out refresh token revokes the family.
func TestRevoking(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	rt0 := org.Reset(fakeorg.Revoking)
	_, a := refresh(t, org, rt0)
	if a.RefreshToken == "" || a.RefreshToken == rt0 {
		t.Fatalf("no rotation: %+v", a)
	}
	_, b := refresh(t, org, a.RefreshToken)
	if valid(t, org, a.AccessToken) || !valid(t, org, b.AccessToken) {
		t.Error("a new token must revoke the older one")
	}
	c := clientCredentials(t, org)
	if valid(t, org, b.AccessToken) || !valid(t, org, c.AccessToken) {
		t.Error("a client credentials token must revoke the older one")
	}
	// Replaying rt0 (rotated out) revokes the family: c dies and b's
	// refresh token (the current one) stops working.
	if status, tr := refresh(t, org, rt0); status != 400 || tr.Error != "invalid_grant" {
		t.Errorf("replay: %d %+v", status, tr)
	}
	if valid(t, org, c.AccessToken) {
		t.Error("the family's access token survived the replay")
	}
	if status, _ := refresh(t, org, b.RefreshToken); status != 400 {
		t.Error("the current refresh token survived the replay")
	}
	if got := org.Counts(); got.FamilyKills != 1 || got.TokenFails != 2 {
		t.Errorf("counts %+v", got)
	}
}

func TestTokenErrors(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	org.Reset(fakeorg.Tolerant)
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"grant_type": {"client_credentials"}, "client_id": {"other"}, "client_secret": {fakeorg.ClientSecret}}, "invalid_client_id"},
		{url.Values{"grant_type": {"client_credentials"}, "client_id": {fakeorg.ClientID}, "client_secret": {"wrong"}}, "invalid_client"},
		{url.Values{"grant_type": {"password"}, "client_id": {fakeorg.ClientID}}, "unsupported_grant_type"},
		{url.Values{"grant_type": {"refresh_token"}, "client_id": {fakeorg.ClientID}, "refresh_token": {"unknown"}}, "invalid_grant"},
	} {
		if status, tr := token(t, org, tc.form); status != 400 || tr.Error != tc.want {
			t.Errorf("%v: %d %q, want 400 %q", tc.form, status, tr.Error, tc.want)
		}
	}
}

// TestQueryPages: LIMIT n gives n records in pages of 2,000 linked by
// nextRecordsUrl, every record complete.
func TestQueryPages(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	org.Reset(fakeorg.Tolerant)
	tok := clientCredentials(t, org).AccessToken
	path := "/services/data/v62.0/query?q=" + url.QueryEscape("SELECT Id FROM Account LIMIT 4500")
	var sizes []int
	for path != "" {
		status, body := get(t, org, path, tok)
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		var page struct {
			TotalSize int               `json:"totalSize"`
			Done      bool              `json:"done"`
			Next      string            `json:"nextRecordsUrl"`
			Records   []json.RawMessage `json:"records"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		if page.TotalSize != 4500 || page.Done != (page.Next == "") {
			t.Errorf("page %+v", page)
		}
		if page.Next != "" && !strings.HasPrefix(page.Next, "/services/data/v62.0/query/") {
			t.Errorf("nextRecordsUrl %q does not keep the version", page.Next)
		}
		sizes = append(sizes, len(page.Records))
		path = page.Next
	}
	if fmt.Sprint(sizes) != "[2000 2000 500]" {
		t.Errorf("page sizes %v", sizes)
	}
}

// TestRecord: the fixture record has the shape the benchmarks claim.
func TestRecord(t *testing.T) {
	var m map[string]any
	if err := json.Unmarshal([]byte(fakeorg.Record(5)), &m); err != nil {
		t.Fatal(err)
	}
	nulls := 0
	for _, v := range m {
		if v == nil {
			nulls++
		}
	}
	owner, _ := m["Owner"].(map[string]any)
	if len(m) != 34 || nulls != 6 || m["CreatedDate"] != "2013-05-20T20:49:32.000+0000" || owner["Name"] != "Ada Admin" {
		t.Errorf("record: %d keys, %d nulls, %v", len(m), nulls, m)
	}
}

// TestLatency: with a latency bound, answers spread over it.
func TestLatency(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	org.Reset(fakeorg.Tolerant)
	tok := clientCredentials(t, org).AccessToken
	org.SetLatency(20 * time.Millisecond)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var slowest time.Duration
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			req, _ := http.NewRequest(http.MethodGet, org.URL+recordPath, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			slowest = max(slowest, time.Since(t0))
			mu.Unlock()
		}()
	}
	wg.Wait()
	if slowest < 5*time.Millisecond {
		t.Errorf("slowest of 20 answers took %v with up to 20ms of latency", slowest)
	}
}
