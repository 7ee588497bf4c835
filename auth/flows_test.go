package auth_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
)

// testKey is one RSA key for the whole test binary.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func pkcs1PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testKey())})
}

func pkcs8PEM() []byte {
	b, err := x509.MarshalPKCS8PrivateKey(testKey())
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b})
}

// tokenServer is a loopback token endpoint. check inspects each request's
// form and returns an OAuth error code ("" to mint a token).
type tokenServer struct {
	*httptest.Server
	mu    sync.Mutex
	forms []map[string][]string
}

func newTokenServer(t testing.TB, check func(form map[string][]string) (code, desc string)) *tokenServer {
	ts := &tokenServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/services/oauth2/token" || r.Method != http.MethodPost || r.URL.RawQuery != "" {
			http.Error(w, "<html>not found</html>", http.StatusNotFound)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ts.mu.Lock()
		ts.forms = append(ts.forms, r.PostForm)
		n := len(ts.forms)
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		if code, desc := check(r.PostForm); code != "" {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
			return
		}
		resp := map[string]string{
			"access_token": fmt.Sprintf("00D000000000001!%s-%d", secretMark, n),
			"instance_url": "https://na1.example.test",
			"issued_at":    "1278448832702",
			"token_type":   "Bearer",
			"id":           "https://login.example.test/id/00D000000000001/005000000000001",
		}
		if r.PostForm.Get("grant_type") == "refresh_token" {
			resp["refresh_token"] = fmt.Sprintf("%s-rt-%d", secretMark, n)
		}
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) form(i int) map[string][]string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.forms[i]
}

func get(form map[string][]string, k string) string {
	if v := form[k]; len(v) == 1 {
		return v[0]
	}
	return fmt.Sprintf("<%d values>", len(form[k]))
}

func TestRefreshTokenFlow(t *testing.T) {
	ts := newTokenServer(t, func(f map[string][]string) (string, string) {
		if get(f, "grant_type") != "refresh_token" || get(f, "client_id") != "cid" || get(f, "client_secret") != secretMark+"-cs" {
			return "invalid_client", "invalid client credentials"
		}
		return "", ""
	})
	src := auth.RefreshTokenConfig{LoginURL: ts.URL + "/", ClientID: "cid", ClientSecret: secretMark + "-cs",
		RefreshToken: secretMark + "-rt-0"}.TokenSource(context.Background())
	for i := range 3 {
		tok, err := src.Token()
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%s-rt-%d", secretMark, i); get(ts.form(i), "refresh_token") != want {
			t.Errorf("call %d sent refresh token %d", i, i)
		}
		if tok.RefreshToken != fmt.Sprintf("%s-rt-%d", secretMark, i+1) {
			t.Errorf("call %d: the rotated refresh token is not on the token", i)
		}
		if got := auth.InstanceURL(tok); got != "https://na1.example.test" {
			t.Errorf("InstanceURL = %q", got)
		}
		if got := auth.IssuedAt(tok); !got.Equal(time.UnixMilli(1278448832702)) {
			t.Errorf("IssuedAt = %v", got)
		}
		if !tok.Expiry.IsZero() {
			t.Errorf("Expiry = %v, want zero (no expires_in)", tok.Expiry)
		}
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	cases := []struct {
		code, desc string
		reauth     bool
	}{
		{"invalid_grant", "expired access/refresh token", true},
		{"invalid_grant", "authentication failure", true},
		{"invalid_grant", "token request is already being processed", false},
		{"invalid_client_id", "client identifier invalid", false},
		{"unsupported_grant_type", "grant type not supported", false},
	}
	for _, tc := range cases {
		ts := newTokenServer(t, func(map[string][]string) (string, string) { return tc.code, tc.desc })
		_, err := auth.RefreshTokenConfig{LoginURL: ts.URL, ClientID: "cid", RefreshToken: secretMark}.
			TokenSource(context.Background()).Token()
		noteErr(err)
		var e *auth.Error
		if !errors.As(err, &e) || string(e.Code) != tc.code || e.Message != tc.desc || e.StatusCode != 400 || e.Op != "token" {
			t.Errorf("%s %q: error = %#v", tc.code, tc.desc, err)
		}
		if errors.Is(err, auth.ErrReauthorizationRequired) != tc.reauth {
			t.Errorf("%s %q: errors.Is(ErrReauthorizationRequired) = %v", tc.code, tc.desc, !tc.reauth)
		}
		if want := "auth: token: " + tc.code + ": " + tc.desc + " (HTTP 400)"; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	}

	// An HTML error page: a typed error with the status, no code.
	ts := newTokenServer(t, nil)
	_, err := auth.RefreshTokenConfig{LoginURL: ts.URL + "/wrong", ClientID: "cid", RefreshToken: secretMark}.
		TokenSource(context.Background()).Token()
	noteErr(err)
	var e *auth.Error
	if !errors.As(err, &e) || e.StatusCode != 404 || e.Code != "" {
		t.Errorf("HTML 404: %#v", err)
	}
}

func TestJWTBearerFlow(t *testing.T) {
	for _, key := range [][]byte{pkcs1PEM(), pkcs8PEM()} {
		ts := newTokenServer(t, func(f map[string][]string) (string, string) {
			if get(f, "grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" || len(f) != 2 {
				return "unsupported_grant_type", fmt.Sprintf("unexpected form keys %v", slices.Sorted(maps.Keys(f)))
			}
			return "", ""
		})
		before := time.Now()
		tok, err := auth.JWTConfig{LoginURL: ts.URL, Audience: "https://acme.my.salesforce.com", ClientID: "consumer-key",
			Username: "ops@acme.example", PrivateKey: key}.TokenSource(context.Background()).Token()
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccessToken == "" || auth.InstanceURL(tok) == "" {
			t.Errorf("token lacks fields")
		}
		header, claims := verifyJWT(t, get(ts.form(0), "assertion"))
		if header != `{"alg":"RS256"}` {
			t.Errorf("header = %s", header)
		}
		if got := slices.Sorted(maps.Keys(claims)); fmt.Sprint(got) != "[aud exp iss sub]" {
			t.Errorf("claims = %v, want exactly iss, sub, aud, exp", got)
		}
		if claims["iss"] != "consumer-key" || claims["sub"] != "ops@acme.example" || claims["aud"] != "https://acme.my.salesforce.com" {
			t.Errorf("claims = %v", claims)
		}
		exp := time.Unix(int64(claims["exp"].(float64)), 0)
		if exp.Before(before.Add(2*time.Minute)) || exp.After(time.Now().Add(3*time.Minute+time.Second)) {
			t.Errorf("exp %v is not about three minutes ahead", exp)
		}
	}
}

// verifyJWT checks the RS256 signature against the test key and returns
// the header JSON and the claims.
func verifyJWT(t *testing.T, jwt string) (string, map[string]any) {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("assertion has %d parts", len(parts))
	}
	dec := base64.RawURLEncoding
	sig, err := dec.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&testKey().PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("signature: %v", err)
	}
	header, _ := dec.DecodeString(parts[0])
	body, _ := dec.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil {
		t.Fatal(err)
	}
	return string(header), claims
}

func TestJWTConfigErrors(t *testing.T) {
	ec, err := ecPKCS8PEM()
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string][]byte{
		"no PEM":     []byte("not a key " + secretMark),
		"wrong type": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte(secretMark)}),
		"bad PKCS1":  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte(secretMark)}),
		"bad PKCS8":  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte(secretMark)}),
		"EC key":     ec,
	} {
		_, err := auth.JWTConfig{ClientID: "c", Username: "u", PrivateKey: key}.TokenSource(context.Background()).Token()
		noteErr(err)
		var e *auth.Error
		if !errors.As(err, &e) || e.Op != "config" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = auth.JWTConfig{PrivateKey: pkcs1PEM()}.TokenSource(context.Background()).Token()
	noteErr(err)
	if err == nil {
		t.Error("JWTConfig without ClientID and Username: no error")
	}
}

func TestClientCredentialsFlow(t *testing.T) {
	ts := newTokenServer(t, func(f map[string][]string) (string, string) {
		if get(f, "grant_type") != "client_credentials" || get(f, "client_id") != "cid" || get(f, "client_secret") != secretMark+"-cs" {
			return "invalid_client", "invalid client credentials"
		}
		return "", ""
	})
	tok, err := auth.ClientCredentialsConfig{MyDomainURL: ts.URL, ClientID: "cid", ClientSecret: secretMark + "-cs"}.
		TokenSource(context.Background()).Token()
	if err != nil || tok.RefreshToken != "" || auth.InstanceURL(tok) == "" {
		t.Fatalf("token %v, err %v", tok != nil, err)
	}
	for _, host := range []string{"https://login.salesforce.com", "https://test.salesforce.com/", ""} {
		_, err := auth.ClientCredentialsConfig{MyDomainURL: host, ClientID: "cid", ClientSecret: secretMark}.
			TokenSource(context.Background()).Token()
		noteErr(err)
		var e *auth.Error
		if !errors.As(err, &e) || e.Op != "config" {
			t.Errorf("%q: %v, want a config error", host, err)
		}
	}
}

func TestFlowsRefuseInsecureTokenURL(t *testing.T) {
	srcs := []oauth2.TokenSource{
		auth.RefreshTokenConfig{LoginURL: "http://login.example.test", ClientID: "c", RefreshToken: secretMark}.TokenSource(context.Background()),
		auth.ClientCredentialsConfig{MyDomainURL: "http://acme.example.test", ClientID: "c", ClientSecret: secretMark}.TokenSource(context.Background()),
		auth.JWTConfig{LoginURL: "http://login.example.test", ClientID: "c", Username: "u", PrivateKey: pkcs1PEM()}.TokenSource(context.Background()),
	}
	for i, src := range srcs {
		_, err := src.Token()
		noteErr(err)
		if !errors.Is(err, auth.ErrInsecureURL) {
			t.Errorf("source %d: %v, want ErrInsecureURL", i, err)
		}
	}
}

func TestFlowsUseTheContextHTTPClient(t *testing.T) {
	ts := newTokenServer(t, func(map[string][]string) (string, string) { return "", "" })
	var used sync.Mutex
	calls := 0
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used.Lock()
		calls++
		used.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}
	src := auth.RefreshTokenConfig{LoginURL: ts.URL, ClientID: "cid", RefreshToken: secretMark}.
		TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, hc))
	s := auth.NewSession(src) // calls TokenContext with a context of its own
	if _, err := s.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("the HTTP client of the TokenSource context was used %d times, want 1", calls)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestStaticToken(t *testing.T) {
	src := auth.StaticToken("https://na1.example.test/some/path", secretMark+"-at")
	a, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := src.Token()
	if a.AccessToken != secretMark+"-at" || b.AccessToken != a.AccessToken || auth.InstanceURL(a) != "https://na1.example.test" {
		t.Errorf("static token: %q", auth.InstanceURL(a))
	}
	if !auth.IssuedAt(a).IsZero() {
		t.Errorf("IssuedAt of a static token should be zero")
	}
	for _, bad := range []string{"", "na1.example.test", "ftp://x"} {
		_, err := auth.StaticToken(bad, "x").Token()
		noteErr(err)
		if err == nil {
			t.Errorf("StaticToken(%q): no error", bad)
		}
	}
	if _, err := auth.StaticToken("https://x.example", "").Token(); err == nil {
		t.Error("empty access token: no error")
	}
}

func TestIssuedAtAndInstanceURL(t *testing.T) {
	tok := func(extra map[string]any) *oauth2.Token {
		return (&oauth2.Token{AccessToken: "x"}).WithExtra(extra)
	}
	for _, tc := range []struct {
		v    any
		want int64
	}{{"1278448832702", 1278448832702}, {" 1278448832702 ", 1278448832702}, {float64(1278448832702), 1278448832702},
		{"soon", 0}, {"-5", 0}, {nil, 0}, {true, 0}} {
		got := auth.IssuedAt(tok(map[string]any{"issued_at": tc.v}))
		if (tc.want == 0 && !got.IsZero()) || (tc.want != 0 && got.UnixMilli() != tc.want) {
			t.Errorf("IssuedAt(%v) = %v", tc.v, got)
		}
	}
	if auth.IssuedAt(nil) != (time.Time{}) || auth.InstanceURL(nil) != "" || auth.InstanceURL(tok(map[string]any{"instance_url": 3})) != "" {
		t.Error("nil or odd tokens")
	}
}

func TestConfigsHideSecrets(t *testing.T) {
	values := []any{
		auth.RefreshTokenConfig{LoginURL: loginURL, ClientID: "cid", ClientSecret: secretMark, RefreshToken: secretMark},
		&auth.ClientCredentialsConfig{MyDomainURL: loginURL, ClientID: "cid", ClientSecret: secretMark},
		auth.JWTConfig{ClientID: "cid", Username: "u", PrivateKey: []byte(secretMark)},
	}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%q", "%x", "%T %v"} {
			out := fmt.Sprintf(verb, v, v)
			if strings.Contains(out, secretMark) || strings.Contains(out, fmt.Sprintf("%x", secretMark)) {
				t.Errorf("%s prints a secret: %s", verb, out)
			}
		}
		var buf strings.Builder
		logger := slogJSON(&buf)
		logger.Info("config", "cfg", v)
		if strings.Contains(buf.String(), secretMark) || !strings.Contains(buf.String(), "redacted") {
			t.Errorf("slog prints %s", buf.String())
		}
		fmt.Fprintln(captureWriter{}, v, buf.String())
	}
}

func ecPKCS8PEM() ([]byte, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	b, err := x509.MarshalPKCS8PrivateKey(k)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b}), err
}

func slogJSON(w *strings.Builder) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

type xmlDoc struct{ V any }

// TestConfigsHideSecretsInEncodings: JSON (plain, nested in an application
// config, through slog's JSON handler) and text encoders (encoding/xml) of
// the configs show no secret, while json.Unmarshal still fills them.
func TestConfigsHideSecretsInEncodings(t *testing.T) {
	type appConfig struct {
		Refresh auth.RefreshTokenConfig
		Client  *auth.ClientCredentialsConfig
		JWT     auth.JWTConfig
		List    []any
	}
	refresh := auth.RefreshTokenConfig{LoginURL: loginURL, ClientID: "cid", ClientSecret: secretMark + "-cs", RefreshToken: secretMark + "-rt"}
	client := &auth.ClientCredentialsConfig{MyDomainURL: loginURL, ClientID: "cid", ClientSecret: secretMark + "-cs"}
	jwt := auth.JWTConfig{LoginURL: loginURL, ClientID: "cid", Username: "u", PrivateKey: []byte(secretMark + "-key")}
	app := appConfig{Refresh: refresh, Client: client, JWT: jwt, List: []any{refresh, client, jwt}}

	var out strings.Builder
	for _, v := range []any{refresh, client, jwt, app, &app} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(b)
		x, err := xml.Marshal(xmlDoc{V: v})
		if err != nil {
			t.Fatal(err)
		}
		out.Write(x)
	}
	var logged strings.Builder
	slogJSON(&logged).Info("starting", "config", app, slog.Any("ptr", &app), slog.Group("g", "jwt", jwt))
	out.WriteString(logged.String())
	if s := out.String(); strings.Contains(s, secretMark) || strings.Contains(s, base64.StdEncoding.EncodeToString([]byte(secretMark + "-key"))[:8]) {
		t.Errorf("a secret reached an encoding:\n%s", s)
	}
	if !strings.Contains(logged.String(), `"ClientSecret":"[redacted]"`) || !strings.Contains(logged.String(), `"LoginURL":"`+loginURL+`"`) {
		t.Errorf("the JSON should keep the fields and redact the secrets: %s", logged.String())
	}
	fmt.Fprintln(captureWriter{}, out.String())

	// Filling configs from a file works as usual.
	var got appConfig
	file := `{"Refresh":{"LoginURL":"https://login.salesforce.com","ClientID":"cid","ClientSecret":"s1","RefreshToken":"r1"},
		"Client":{"MyDomainURL":"https://acme.my.salesforce.com","ClientID":"cid","ClientSecret":"s2"},
		"JWT":{"ClientID":"cid","Username":"u","PrivateKey":"` + base64.StdEncoding.EncodeToString([]byte("pem")) + `"}}`
	if err := json.Unmarshal([]byte(file), &got); err != nil {
		t.Fatal(err)
	}
	if got.Refresh.ClientSecret != "s1" || got.Refresh.RefreshToken != "r1" || got.Client.ClientSecret != "s2" || string(got.JWT.PrivateKey) != "pem" {
		t.Errorf("json.Unmarshal into the configs lost values")
	}
	// An empty secret stays empty.
	if b, _ := json.Marshal(auth.RefreshTokenConfig{ClientID: "cid"}); !strings.Contains(string(b), `"ClientSecret":""`) {
		t.Errorf("empty secret: %s", b)
	}
}
