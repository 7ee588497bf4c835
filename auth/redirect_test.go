package auth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
)

// recorder is a loopback server that counts the requests that reach it.
type recorder struct {
	*httptest.Server
	requests atomic.Int64
}

func newRecorder(t *testing.T) *recorder {
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"00D!stolen","instance_url":"https://na1.example.test"}`)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// followingDoer is a Doer that is not an *http.Client but follows
// redirects by itself.
type followingDoer struct{ hc *http.Client }

func (f followingDoer) Do(r *http.Request) (*http.Response, error) { return f.hc.Do(r) }

// TestBearerTokenNeverFollowsARedirectToAnotherOrigin: an https API that
// redirects to plain http on the same host (another port here) must not get
// the token sent there; a redirect within the origin is still followed.
func TestBearerTokenNeverFollowsARedirectToAnotherOrigin(t *testing.T) {
	plain := newRecorder(t)
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, plain.URL+"/services/data/v67.0/limits", http.StatusFound)
		case "/away307":
			http.Redirect(w, r, plain.URL+"/services/data/v67.0/sobjects/Account", http.StatusTemporaryRedirect)
		case "/here":
			http.Redirect(w, r, "/there", http.StatusMovedPermanently)
		case "/there":
			if r.Header.Get("Authorization") != "Bearer "+secretMark+"-at" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			io.WriteString(w, "ok")
		}
	}))
	defer api.Close()
	s := auth.NewSession(auth.StaticToken(api.URL, secretMark+"-at"), auth.WithLogger(testLogger()))

	for name, d := range map[string]auth.Doer{
		"http.Client":      s.Wrap(api.Client()),
		"any other Doer":   s.Wrap(followingDoer{api.Client()}),
		"no RequestEditor": s.Wrap(api.Client()),
	} {
		for _, path := range []string{"/away", "/away307"} {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, api.URL+path, strings.NewReader(`{"Name":"x"}`))
			var resp *http.Response
			var err error
			if name == "no RequestEditor" {
				resp, err = do(d, req)
			} else {
				resp, err = send(s, d, req)
			}
			var e *auth.Error
			if !errors.Is(err, auth.ErrRedirect) || !errors.As(err, &e) || e.Op != "request" || resp != nil {
				t.Errorf("%s %s: resp %v, err %v; want an *auth.Error wrapping ErrRedirect", name, path, resp, err)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, api.URL+"/here", nil)
		resp, err := send(s, d, req)
		if err != nil || resp.StatusCode != http.StatusOK || readBody(t, resp) != "ok" {
			t.Errorf("%s: a redirect within the origin: %v", name, err)
		}
	}
	// Only followingDoer, which Wrap cannot see into, reached the plain
	// server (twice); the http.Client paths refused before sending.
	if n := plain.requests.Load(); n != 2 {
		t.Errorf("%d requests reached the plain http server, want 2 (from followingDoer only)", n)
	}
}

// TestTokenRequestNeverFollowsARedirect: a token endpoint answering 307
// would have the form, client secret and refresh token included, posted to
// the new location; no flow follows it.
func TestTokenRequestNeverFollowsARedirect(t *testing.T) {
	elsewhere := newRecorder(t)
	login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer login.Close()
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, login.Client())
	for name, src := range map[string]oauth2.TokenSource{
		"refresh token": auth.RefreshTokenConfig{LoginURL: login.URL, ClientID: "cid", ClientSecret: secretMark + "-cs",
			RefreshToken: secretMark + "-rt"}.TokenSource(ctx),
		"client credentials": auth.ClientCredentialsConfig{MyDomainURL: login.URL, ClientID: "cid",
			ClientSecret: secretMark + "-cs"}.TokenSource(ctx),
		"JWT bearer": auth.JWTConfig{LoginURL: login.URL, ClientID: "cid", Username: "u@example.com",
			PrivateKey: pkcs1PEM()}.TokenSource(ctx),
	} {
		s := auth.NewSession(src, auth.WithLogger(testLogger()), auth.WithRefreshRetry(3, 1))
		for range 2 { // the second call fails fast
			_, err := s.Token(context.Background())
			noteErr(err)
			var e *auth.Error
			if !errors.Is(err, auth.ErrRedirect) || !errors.As(err, &e) || e.Op != "token" || e.StatusCode != http.StatusTemporaryRedirect {
				t.Errorf("%s: %v, want an *auth.Error (token, 307) wrapping ErrRedirect", name, err)
			}
		}
	}
	if n := elsewhere.requests.Load(); n != 0 {
		t.Errorf("%d token requests reached the redirect target", n)
	}
}
