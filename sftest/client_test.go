package sftest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// TestTypedClient runs the typed client of package sobjects against the
// fake: every operation, end to end.
func TestTypedClient(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()

	id, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "Acme", Phone: new("+1 415 555 0100"), Industry: new(picklists.AccountIndustryValueEnergy)})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := sobjects.Get[sampleorg.Account](ctx, c, id)
	if err != nil {
		t.Fatal(err)
	}
	if *acc.Name != "Acme" || *acc.Phone != "+1 415 555 0100" || acc.CreatedDate == nil || *acc.OwnerId != "005xx0000000001AAA" {
		t.Fatalf("read back %+v", acc)
	}
	if err := sobjects.Update(ctx, c, id, sampleorg.AccountUpdate{Phone: nullable.NewNullNullable[string]()}); err != nil {
		t.Fatal(err)
	}
	if acc, _ := sftest.Read[sampleorg.Account](org, id); acc.Phone != nil {
		t.Errorf("Phone %q after clearing", *acc.Phone)
	}

	_, err = sobjects.Create(ctx, c, sampleorg.ContactCreate{FirstName: new("No last name")})
	if !errors.Is(err, sobjects.ErrRequiredFieldMissing) {
		t.Errorf("create without LastName: %v", err)
	}
	err = sobjects.Update(ctx, c, id, sampleorg.AccountUpdate{Name: new("")})
	var se *sobjects.Error
	if !errors.As(err, &se) || se.StatusCode != 400 || se.Code != "REQUIRED_FIELD_MISSING" || se.Fields[0] != "Name" {
		t.Errorf("clearing Name: %v", err)
	}

	res, err := sobjects.Upsert(ctx, c, "External_Id__c", "W-1", sampleorg.WidgetCCreate{Name: new("Sprocket")})
	if err != nil || !res.Created {
		t.Fatalf("upsert: %+v %v", res, err)
	}
	res2, err := sobjects.Upsert(ctx, c, "External_Id__c", "W-1", sampleorg.WidgetCCreate{StatusC: new(picklists.WidgetCStatusCValueActive)})
	if err != nil || res2.Created || res2.ID != res.ID {
		t.Fatalf("second upsert: %+v %v", res2, err)
	}
	w, err := sobjects.GetByExternalID[sampleorg.WidgetC](ctx, c, "External_Id__c", "W-1", sobjects.Fields("Name", "Status__c"))
	if err != nil || *w.Name != "Sprocket" || *w.StatusC != picklists.WidgetCStatusCValueActive || w.Id != nil {
		t.Fatalf("get by external id: %+v %v", w, err)
	}
	_, err = sobjects.Upsert(ctx, c, "External_Id__c", "W-2", sampleorg.WidgetCCreate{}, sobjects.UpdateOnly())
	if !errors.Is(err, sobjects.ErrNotFound) {
		t.Errorf("updateOnly: %v", err)
	}
	insert(t, org, "Widget__c", map[string]any{"External_Id__c": "DUP"})
	insert(t, org, "Widget__c", map[string]any{"External_Id__c": "DUP"})
	var mm *sobjects.MultipleMatchesError
	if _, err := sobjects.Upsert(ctx, c, "External_Id__c", "DUP", sampleorg.WidgetCCreate{}); !errors.As(err, &mm) || len(mm.URLs) != 2 {
		t.Errorf("upsert of a duplicated external id: %v", err)
	}

	if err := sobjects.Delete[sampleorg.Account](ctx, c, id); err != nil {
		t.Fatal(err)
	}
	if _, err := sobjects.Get[sampleorg.Account](ctx, c, id); !errors.Is(err, sobjects.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}

	// Collections.
	contacts := make([]sampleorg.ContactCreate, 250)
	for i := range contacts {
		contacts[i] = sampleorg.ContactCreate{LastName: fmt.Sprintf("C%03d", i)}
	}
	contacts[7].LastName = ""
	results, err := sobjects.CreateMany(ctx, c, contacts)
	if err != nil || len(results) != 250 || results[7].Success || !errors.Is(results[7].Err(), sobjects.ErrRequiredFieldMissing) || !results[8].Success {
		t.Fatalf("create many: %v", err)
	}
	if n := org.Stats().Requests[sftest.EndpointCollectionsCreate]; n != 2 {
		t.Errorf("%d collection requests for 250 records", n)
	}
	patches := []sobjects.Patch[sampleorg.ContactUpdate]{{ID: results[0].ID, Record: sampleorg.ContactUpdate{Title: nullable.NewNullableWithValue("Boss")}}}
	if rs, err := sobjects.UpdateMany(ctx, c, patches); err != nil || !rs[0].Success {
		t.Fatalf("update many: %+v %v", rs, err)
	}
	ids := []string{results[0].ID, results[1].ID}
	if rs, err := sobjects.DeleteMany(ctx, c, ids); err != nil || !rs[0].Success || !rs[1].Success {
		t.Fatalf("delete many: %+v %v", rs, err)
	}
	ws := []sampleorg.WidgetCCreate{{ExternalIdC: new("W-1")}, {ExternalIdC: new("W-3")}}
	if rs, err := sobjects.UpsertMany(ctx, c, "External_Id__c", ws); err != nil || rs[0].Created || !rs[1].Created {
		t.Fatalf("upsert many: %+v %v", rs, err)
	}

	// Queries: typed records, parent relationships, paging.
	n, err := sobjects.Count(ctx, c, "SELECT COUNT() FROM Contact")
	if err != nil || n != 247 {
		t.Fatalf("count = %d, %v", n, err)
	}
	q, err := sobjects.SOQL("SELECT Id, LastName, Owner.Name FROM Contact WHERE LastName LIKE %s ORDER BY LastName DESC", sobjects.StartsWith("C1"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for ct, err := range sobjects.Query[sampleorg.Contact](ctx, c, q, sobjects.BatchSize(200)) {
		if err != nil {
			t.Fatal(err)
		}
		if *ct.Owner.Name != "Integration User" {
			t.Fatalf("owner %v", ct.Owner)
		}
		got = append(got, *ct.LastName)
	}
	if len(got) != 100 || got[0] != "C199" || got[99] != "C100" {
		t.Errorf("query gave %d contacts, %q … %q", len(got), got[0], got[len(got)-1])
	}
	seen := 0
	for _, err := range sobjects.Query[sampleorg.Contact](ctx, c, "SELECT Id FROM Contact", sobjects.BatchSize(200)) {
		if err != nil {
			t.Fatal(err)
		}
		seen++
	}
	if seen != 247 || org.Stats().Requests[sftest.EndpointQueryMore] != 1 {
		t.Errorf("paged %d records with %d queryMore", seen, org.Stats().Requests[sftest.EndpointQueryMore])
	}
	_, err = sobjects.First[sampleorg.Contact](ctx, c, "SELECT Id FROM Contact GROUP BY Id")
	if !errors.Is(err, sobjects.ErrMalformedQuery) || !strings.Contains(err.Error(), "does not support GROUP BY") {
		t.Errorf("unsupported query: %v", err)
	}
	if l, ok := c.LastLimits(); !ok || l.APIUsage.Max != 15000 || l.APIUsage.Used == 0 {
		t.Errorf("limits %+v %v", l, ok)
	}
}

// TestSessionExpiryStorm expires the session under 500 concurrent calls:
// exactly one token refresh, no failed call.
func TestSessionExpiryStorm(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()
	id := insert(t, org, "Account", map[string]any{"Name": "Acme"})
	if _, err := sobjects.Get[sampleorg.Account](ctx, c, id); err != nil {
		t.Fatal(err)
	}
	before := org.Stats()
	org.ExpireSession()
	const callers = 500
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			_, err := sobjects.Get[sampleorg.Account](ctx, c, id, sobjects.Fields("Name"))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	after := org.Stats()
	if refreshes := after.TokenRequests - before.TokenRequests; refreshes != 1 {
		t.Errorf("%d token refreshes, want 1", refreshes)
	}
	rejected := after.Rejected - before.Rejected
	if rejected < 1 || after.Requests[sftest.EndpointGet]-before.Requests[sftest.EndpointGet] != callers+rejected {
		t.Errorf("%d rejected, %d gets", rejected, after.Requests[sftest.EndpointGet]-before.Requests[sftest.EndpointGet])
	}
}

func TestFailNext(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()
	id := insert(t, org, "Account", map[string]any{"Name": "Acme"})

	org.FailNext(1, sftest.Fault{StatusCode: 503, Code: sobjects.ErrServerUnavailable, Endpoint: sftest.EndpointQuery, RetryAfter: "1"})
	if _, err := sobjects.Get[sampleorg.Account](ctx, c, id); err != nil {
		t.Fatalf("a get is not a query: %v", err)
	}
	_, err := sobjects.Count(ctx, c, "SELECT COUNT() FROM Account")
	var se *sobjects.Error
	if !errors.As(err, &se) || se.StatusCode != 503 || !errors.Is(err, sobjects.ErrServerUnavailable) || se.Message != "Server is unavailable" {
		t.Fatalf("injected failure: %v", err)
	}
	if n, err := sobjects.Count(ctx, c, "SELECT COUNT() FROM Account"); err != nil || n != 1 {
		t.Fatalf("after the failure: %d %v", n, err)
	}

	// A retry policy gets through a lock error.
	rc, err := org.NewClient(sobjects.WithRetry(sobjects.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond}))
	if err != nil {
		t.Fatal(err)
	}
	org.FailNext(2, sftest.Fault{StatusCode: 400, Code: sobjects.ErrUnableToLockRow})
	if err := sobjects.Update(ctx, rc, id, sampleorg.AccountUpdate{Phone: nullable.NewNullableWithValue("1")}); err != nil {
		t.Fatalf("retried update: %v", err)
	}

	// A failed refresh.
	org.ExpireSession()
	org.FailNext(1, sftest.Fault{Endpoint: sftest.EndpointToken, Code: "invalid_grant"})
	_, err = sobjects.Get[sampleorg.Account](ctx, c, id)
	var ae *auth.Error
	if !errors.As(err, &ae) || !errors.Is(err, auth.ErrReauthorizationRequired) {
		t.Errorf("failed refresh: %v", err)
	}
}

func TestLatency(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	org.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", org.URL()+v+"/sobjects", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	done := make(chan error)
	go func() {
		resp, err := org.HTTPClient().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for org.Stats().APIRequests == 0 { // the request is waiting in the org
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("delayed request: %v", err)
	}
	org.SetLatency(0)
	c.expect(200, "GET", v+"/sobjects", "")
}

func TestAPILimit(t *testing.T) {
	org := sftest.NewOrg(t, sftest.WithAPILimit(2))
	c := newRaw(t, org)
	c.expect(200, "GET", v+"/sobjects", "")
	resp, _ := c.do("GET", v+"/sobjects", "")
	if resp.Header.Get("Sforce-Limit-Info") != "api-usage=2/2" {
		t.Errorf("usage %q", resp.Header.Get("Sforce-Limit-Info"))
	}
	c.expectError(403, "REQUEST_LIMIT_EXCEEDED", "GET", v+"/sobjects", "")
}

// TestTokenFlows runs each OAuth flow of package auth against the
// token endpoint.
func TestTokenFlows(t *testing.T) {
	org := sftest.NewOrg(t)
	cr := org.Credentials()
	ctx := context.WithValue(testCtx(t), oauth2.HTTPClient, org.HTTPClient())
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	flows := []struct {
		name    string
		src     oauth2.TokenSource
		wantErr string
	}{
		{"refresh token", auth.RefreshTokenConfig{LoginURL: org.URL(), ClientID: cr.ClientID, ClientSecret: cr.ClientSecret, RefreshToken: cr.RefreshToken}.TokenSource(ctx), ""},
		{"refresh token at login.salesforce.com", auth.RefreshTokenConfig{ClientID: cr.ClientID, RefreshToken: cr.RefreshToken}.TokenSource(ctx), ""},
		{"bad refresh token", auth.RefreshTokenConfig{LoginURL: org.URL(), ClientID: cr.ClientID, RefreshToken: "nope"}.TokenSource(ctx), "invalid_grant"},
		{"bad client id", auth.RefreshTokenConfig{LoginURL: org.URL(), ClientID: "nope", RefreshToken: cr.RefreshToken}.TokenSource(ctx), "invalid_client_id"},
		{"JWT bearer", auth.JWTConfig{LoginURL: org.URL(), ClientID: cr.ClientID, Username: cr.Username, PrivateKey: pemKey}.TokenSource(ctx), ""},
		{"JWT bearer, unknown user", auth.JWTConfig{LoginURL: org.URL(), ClientID: cr.ClientID, Username: "x@y.z", PrivateKey: pemKey}.TokenSource(ctx), "invalid_grant"},
		{"JWT bearer, bad audience", auth.JWTConfig{LoginURL: org.URL(), Audience: "https://example.com", ClientID: cr.ClientID, Username: cr.Username, PrivateKey: pemKey}.TokenSource(ctx), "invalid_grant"},
		{"client credentials", auth.ClientCredentialsConfig{MyDomainURL: org.URL(), ClientID: cr.ClientID, ClientSecret: cr.ClientSecret}.TokenSource(ctx), ""},
		{"client credentials, bad secret", auth.ClientCredentialsConfig{MyDomainURL: org.URL(), ClientID: cr.ClientID, ClientSecret: "nope"}.TokenSource(ctx), "invalid_client"},
	}
	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) {
			tok, err := f.src.Token()
			if f.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), f.wantErr) {
					t.Fatalf("error %v, want %s", err, f.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if auth.InstanceURL(tok) != org.URL() || auth.IssuedAt(tok).IsZero() {
				t.Errorf("token of %s, issued %v", auth.InstanceURL(tok), auth.IssuedAt(tok))
			}
			c, err := sobjects.New(auth.NewSession(f.src), sobjects.WithHTTPClient(org.HTTPClient()))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sobjects.Count(testCtx(t), c, "SELECT COUNT() FROM Account"); err != nil {
				t.Fatal(err)
			}
		})
	}

	// Password flow, by hand; client credentials are refused on login hosts.
	post := func(u string, form url.Values) int {
		resp, err := org.HTTPClient().PostForm(u, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	pw := url.Values{"grant_type": {"password"}, "client_id": {cr.ClientID}, "client_secret": {cr.ClientSecret}, "username": {cr.Username}, "password": {cr.Password}}
	if s := post(org.URL()+"/services/oauth2/token", pw); s != 200 {
		t.Errorf("password flow: %d", s)
	}
	cc := url.Values{"grant_type": {"client_credentials"}, "client_id": {cr.ClientID}, "client_secret": {cr.ClientSecret}}
	if s := post("https://login.salesforce.com/services/oauth2/token", cc); s != 400 {
		t.Errorf("client credentials at login.salesforce.com: %d", s)
	}
	if s := post(org.URL()+"/services/oauth2/token", url.Values{"grant_type": {"authorization_code"}}); s != 400 {
		t.Errorf("unsupported grant: %d", s)
	}
}

func TestRefreshTokenRotation(t *testing.T) {
	org := sftest.NewOrg(t, sftest.WithRefreshTokenRotation())
	cr := org.Credentials()
	form := func(rt string) url.Values {
		return url.Values{"grant_type": {"refresh_token"}, "client_id": {cr.ClientID}, "refresh_token": {rt}}
	}
	tokenOf := func(rt string) (status int, access, refresh string) {
		resp, err := org.HTTPClient().PostForm(org.URL()+"/services/oauth2/token", form(rt))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := make(map[string]string)
		_ = decodeBody(resp, &b)
		return resp.StatusCode, b["access_token"], b["refresh_token"]
	}
	s, a1, r1 := tokenOf(cr.RefreshToken)
	if s != 200 || r1 == "" || r1 == cr.RefreshToken {
		t.Fatalf("first refresh: %d, refresh token %q", s, r1)
	}
	if s, _, _ := tokenOf(cr.RefreshToken); s != 400 {
		t.Fatalf("replayed refresh token: %d", s)
	}
	// The replay revoked everything: the current refresh token and a1.
	if s, _, _ := tokenOf(r1); s != 400 {
		t.Errorf("refresh token after a replay: %d", s)
	}
	c := newRaw(t, sftest.NewOrg(t))
	c.org, c.token = org, a1
	c.expectError(401, "INVALID_SESSION_ID", "GET", v+"/sobjects", "")

	// The session keeps the rotated token and survives expiry.
	org2 := sftest.NewOrg(t, sftest.WithRefreshTokenRotation())
	ctx := testCtx(t)
	client := org2.Client()
	for range 3 {
		if _, err := sobjects.Count(ctx, client, "SELECT COUNT() FROM Account"); err != nil {
			t.Fatal(err)
		}
		org2.ExpireSession()
	}
	if s := org2.Stats(); s.TokenRequests != 3 {
		t.Errorf("%d token requests", s.TokenRequests)
	}
}

// TestNewServer serves the org on loopback to code that only knows the
// SF_* variables.
func TestNewServer(t *testing.T) {
	org := sftest.NewServer(t)
	if !strings.HasPrefix(org.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %s", org.URL())
	}
	for k, val := range org.Env() {
		t.Setenv(k, val)
	}
	for _, k := range []string{"SF_ACCESS_TOKEN", "SF_INSTANCE_URL", "SF_USERNAME", "SF_JWT_KEY_FILE", "SF_API_VERSION"} {
		t.Setenv(k, "")
	}
	ctx := testCtx(t)
	c, err := sobjects.NewFromEnv(ctx, sobjects.WithHTTPClient(org.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	id, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "Over loopback"})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := org.Record("Account", id); !ok || got["Name"] != "Over loopback" {
		t.Errorf("record %v", got)
	}
	// Plain net/http, as any other client would.
	raw := newRaw(t, org)
	raw.expect(200, "GET", v+"/sobjects/Account/"+id, "")
	if n := org.Count("Account"); n != 1 {
		t.Errorf("%d accounts", n)
	}
}

// TestRealDescribes loads describes captured from real orgs (from
// ../shared, when present) with WithDescribeDir.
func TestRealDescribes(t *testing.T) {
	src := filepath.Join("..", "..", "shared", "real-describes")
	files, _ := filepath.Glob(filepath.Join(src, "*.json"))
	if len(files) == 0 {
		t.Skip("no real describes in ../shared/real-describes")
	}
	dir := t.TempDir()
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "global") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	org := sftest.NewOrg(t, sftest.WithDescribeDir(dir))
	c := newRaw(t, org)
	b := c.expect(201, "POST", v+"/sobjects/Account", `{"Name":"Real"}`)
	acct := decode[struct {
		ID string `json:"id"`
	}](t, b).ID
	c.expect(201, "POST", v+"/sobjects/Opportunity", `{"Name":"Deal","StageName":"Prospecting","CloseDate":"2024-06-30","AccountId":"`+acct+`"}`)
	c.expectError(400, "REQUIRED_FIELD_MISSING", "POST", v+"/sobjects/Opportunity", `{"Name":"Deal"}`)
	// No User describe here: the owner is an id the org trusts, and
	// Owner.Name cannot be answered.
	got := c.column("SELECT Name, Account.Name FROM Opportunity WHERE Account.Name = 'Real'", "Name")
	if len(got) != 1 || got[0] != "Deal" {
		t.Errorf("query: %q", got)
	}
	c.expectError(400, "INVALID_FIELD", "GET", v+"/query?q="+url.QueryEscape("SELECT Owner.Name FROM Opportunity"), "")

	if _, err := sftest.New(sftest.WithDescribeDir(t.TempDir())); err == nil {
		t.Error("an empty describe folder is an error")
	}
}

// TestWithCredentials: an org made with credentials of its own accepts them,
// through its ready client too, and refuses the default ones.
func TestWithCredentials(t *testing.T) {
	own := sftest.Credentials{ClientID: "3MVG9ownKey", ClientSecret: "own-secret", RefreshToken: "5Aep861ownRefresh", Username: "own@example.com"}
	org := sftest.NewOrg(t, sftest.WithCredentials(own))
	if org.Credentials() != own {
		t.Fatalf("Credentials() = %+v, want %+v", org.Credentials(), own)
	}
	if _, err := sobjects.Count(testCtx(t), org.Client(), "SELECT COUNT() FROM Account"); err != nil {
		t.Fatalf("the org's own client: %v", err)
	}
	ctx := context.WithValue(testCtx(t), oauth2.HTTPClient, org.HTTPClient())
	def := sftest.DefaultCredentials()
	_, err := auth.RefreshTokenConfig{LoginURL: org.URL(), ClientID: def.ClientID, ClientSecret: def.ClientSecret, RefreshToken: def.RefreshToken}.TokenSource(ctx).Token()
	if err == nil || !strings.Contains(err.Error(), "invalid_client_id") {
		t.Errorf("default credentials on an org with its own: %v, want invalid_client_id", err)
	}
}

// TestRawSurvivesExpiry: a raw call (here a POST through sObject
// Collections, which the fake serves) goes through the session like any
// other: an expiry costs one token request, and the body is sent again,
// once.
func TestRawSurvivesExpiry(t *testing.T) {
	org := sftest.NewOrg(t)
	c := org.Client()
	ctx := context.Background()
	if _, err := sobjects.Count(ctx, c, "SELECT COUNT() FROM Account"); err != nil {
		t.Fatal(err)
	}
	org.ExpireSession()
	before := org.Stats()
	type result struct {
		ID      string `json:"id"`
		Success bool   `json:"success"`
	}
	in := map[string]any{"allOrNone": true, "records": []map[string]any{
		{"attributes": map[string]string{"type": "Account"}, "Name": "Raw One"},
	}}
	res, err := sobjects.Call[[]result](ctx, c, "POST", "composite/sobjects", in)
	if err != nil || len(res) != 1 || !res[0].Success {
		t.Fatalf("Call = %+v, %v", res, err)
	}
	s := org.Stats()
	if tokens := s.TokenRequests - before.TokenRequests; tokens != 1 {
		t.Errorf("%d token requests, want 1", tokens)
	}
	if n := org.Count("Account"); n != 1 {
		t.Errorf("%d accounts, want 1: the body was sent %d times", n, n)
	}
}
