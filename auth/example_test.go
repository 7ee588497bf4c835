package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
)

// exampleOrg is a Salesforce org on a loopback server: a token endpoint for
// every flow (refresh tokens rotate) and one API resource that accepts
// only the newest access token.
type exampleOrg struct {
	*httptest.Server
	mu      sync.Mutex
	n       int
	valid   string
	refresh string
	grant   string // grant_type of the last token request
}

func newExampleOrg() *exampleOrg {
	o := &exampleOrg{refresh: "rt-0"}
	o.Server = httptest.NewServer(http.HandlerFunc(o.serve))
	return o
}

func (o *exampleOrg) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if r.URL.Path != "/services/oauth2/token" {
		if r.Header.Get("Authorization") != "Bearer "+o.valid {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
			return
		}
		if r.Method == http.MethodGet {
			io.WriteString(w, `{}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":"001000000000001AAA","success":true,"echo":%s}`, body)
		return
	}
	r.ParseForm()
	o.grant = r.PostForm.Get("grant_type")
	if r.PostForm.Get("grant_type") == "refresh_token" && r.PostForm.Get("refresh_token") != o.refresh {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`)
		return
	}
	o.n++
	o.valid = fmt.Sprintf("00D000000000001!token-%d", o.n)
	resp := map[string]string{"access_token": o.valid, "instance_url": o.URL, "issued_at": "1700000000000", "token_type": "Bearer"}
	if r.PostForm.Get("grant_type") == "refresh_token" {
		o.refresh = fmt.Sprintf("rt-%d", o.n)
		resp["refresh_token"] = o.refresh
	}
	json.NewEncoder(w).Encode(resp)
}

// expire ends the current session, as a session timeout would.
func (o *exampleOrg) expire() { o.mu.Lock(); o.valid = ""; o.mu.Unlock() }

func (o *exampleOrg) tokenRequests() int { o.mu.Lock(); defer o.mu.Unlock(); return o.n }

func (o *exampleOrg) lastGrant() string { o.mu.Lock(); defer o.mu.Unlock(); return o.grant }

// The full stack: RequestEditor sets the token and the instance URL,
// Wrap renews an expired session and retries the request once.
func ExampleNewSession() {
	org := newExampleOrg()
	defer org.Close()
	ctx := context.Background()

	src := auth.RefreshTokenConfig{LoginURL: org.URL, ClientID: "consumer-key", RefreshToken: "rt-0"}.TokenSource(ctx)
	s := auth.NewSession(src)
	client := s.Wrap(http.DefaultClient)

	post := func(name string) {
		// The generated client builds requests on a placeholder server URL.
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
			"https://instance.invalid/services/data/v62.0/sobjects/Account", strings.NewReader(`{"Name":"`+name+`"}`))
		if err := s.RequestEditor(ctx, req); err != nil {
			fmt.Println(err)
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, string(body))
	}
	post("Acme")
	org.expire() // the session times out
	post("Globex")
	fmt.Println("token requests:", org.tokenRequests())
	// Output:
	// 201 {"id":"001000000000001AAA","success":true,"echo":{"Name":"Acme"}}
	// 201 {"id":"001000000000001AAA","success":true,"echo":{"Name":"Globex"}}
	// token requests: 2
}

// With refresh token rotation, each refresh returns a new refresh token:
// persist it in the OnRefresh hook, which runs before any caller gets the
// new access token.
func ExampleRefreshTokenConfig() {
	org := newExampleOrg()
	defer org.Close()
	ctx := context.Background()

	stored := "rt-0" // stands for a secrets store
	src := auth.RefreshTokenConfig{
		LoginURL:     org.URL, // https://login.salesforce.com by default
		ClientID:     "consumer-key",
		ClientSecret: "consumer-secret",
		RefreshToken: stored,
	}.TokenSource(ctx)
	s := auth.NewSession(src, auth.WithOnRefresh(func(ctx context.Context, tok *oauth2.Token) error {
		stored = tok.RefreshToken
		return nil
	}))

	tok, err := s.Token(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("instance URL is the org:", auth.InstanceURL(tok) == org.URL)
	fmt.Println("issued at:", auth.IssuedAt(tok).UTC())
	fmt.Println("stored refresh token:", stored)
	// Output:
	// instance URL is the org: true
	// issued at: 2023-11-14 22:13:20 +0000 UTC
	// stored refresh token: rt-1
}

func ExampleJWTConfig() {
	org := newExampleOrg()
	defer org.Close()

	// In production: key, err := os.ReadFile("server.key")
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	key := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})

	src := auth.JWTConfig{
		LoginURL:   org.URL, // where the token is requested, e.g. a My Domain URL
		Audience:   "https://test.salesforce.com",
		ClientID:   "consumer-key",
		Username:   "integration@acme.example",
		PrivateKey: key,
	}.TokenSource(context.Background())
	tok, err := src.Token()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("token:", tok.AccessToken != "")
	fmt.Println("grant:", org.lastGrant())
	// Output:
	// token: true
	// grant: urn:ietf:params:oauth:grant-type:jwt-bearer
}

func ExampleClientCredentialsConfig() {
	org := newExampleOrg()
	defer org.Close()

	src := auth.ClientCredentialsConfig{
		MyDomainURL:  org.URL, // e.g. https://acme.my.salesforce.com
		ClientID:     "consumer-key",
		ClientSecret: "consumer-secret",
	}.TokenSource(context.Background())
	tok, err := src.Token()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("token:", tok.AccessToken != "", "refresh token:", tok.RefreshToken != "")

	_, err = auth.ClientCredentialsConfig{MyDomainURL: "https://login.salesforce.com", ClientID: "c", ClientSecret: "s"}.
		TokenSource(context.Background()).Token()
	fmt.Println(err)
	// Output:
	// token: true refresh token: false
	// auth: config: client credentials are served only on the org's My Domain URL, not login.salesforce.com
}

// A static token cannot be renewed: once Salesforce rejects it, the
// session says so with ErrSessionExpired.
func ExampleStaticToken() {
	org := newExampleOrg()
	defer org.Close()
	ctx := context.Background()
	first, _ := auth.ClientCredentialsConfig{MyDomainURL: org.URL, ClientID: "c", ClientSecret: "s"}.TokenSource(ctx).Token()

	s := auth.NewSession(auth.StaticToken(org.URL, first.AccessToken))
	client := s.Wrap(nil)
	get := func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, org.URL+"/services/data/v62.0/limits", nil)
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println(errors.Is(err, auth.ErrSessionExpired), err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	get()
	org.expire()
	get()
	// Output:
	// 200
	// true auth: token: token source returned the token Salesforce rejected: session expired
}

func ExampleFromEnv() {
	org := newExampleOrg()
	defer org.Close()
	for k, v := range map[string]string{"SF_LOGIN_URL": org.URL, "SF_CLIENT_ID": "consumer-key", "SF_REFRESH_TOKEN": "rt-0"} {
		os.Setenv(k, v)
		defer os.Unsetenv(k)
	}

	src, err := auth.FromEnv(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := src.Token()
	fmt.Println("token:", err == nil && tok.AccessToken != "", "grant:", org.lastGrant())

	os.Unsetenv("SF_CLIENT_ID")
	_, err = auth.FromEnv(context.Background())
	fmt.Println(err)
	// Output:
	// token: true grant: refresh_token
	// auth: refresh token flow: missing environment variables SF_CLIENT_ID
}

// A revoked refresh token fails every waiting caller with one error, and
// the session fails fast until it gets new credentials.
func ExampleErrReauthorizationRequired() {
	org := newExampleOrg()
	defer org.Close()
	ctx := context.Background()

	s := auth.NewSession(auth.RefreshTokenConfig{LoginURL: org.URL, ClientID: "c", RefreshToken: "revoked"}.TokenSource(ctx))
	_, err := s.Token(ctx)
	var e *auth.Error
	if errors.Is(err, auth.ErrReauthorizationRequired) && errors.As(err, &e) {
		fmt.Println("code:", e.Code, "| message:", e.Message)
		s.SetTokenSource(auth.RefreshTokenConfig{LoginURL: org.URL, ClientID: "c", RefreshToken: "rt-0"}.TokenSource(ctx))
	}
	_, err = s.Token(ctx)
	fmt.Println("after new credentials:", err)
	// Output:
	// code: invalid_grant | message: expired access/refresh token
	// after new credentials: <nil>
}
