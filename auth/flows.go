package auth

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// DefaultLoginURL is the login host of production and developer orgs,
// used when a config leaves its LoginURL empty. Sandboxes log in at
// https://test.salesforce.com; orgs that allow only My Domain logins use
// their My Domain URL.
const DefaultLoginURL = "https://login.salesforce.com"

const tokenPath = "/services/oauth2/token"

// tokenEndpoint returns the token URL of a login, My Domain or community
// URL ("" means [DefaultLoginURL]); what names the setting in errors.
func tokenEndpoint(login, what string) (*url.URL, string, error) {
	if strings.TrimSpace(login) == "" {
		login = DefaultLoginURL
	}
	u, err := baseURL(login, what)
	if err != nil {
		return nil, "", err
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, tokenPath) {
		p += tokenPath
	}
	return u, (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: p}).String(), nil
}

// mintFunc mints one token under ctx.
type mintFunc func(ctx context.Context) (*oauth2.Token, error)

// source adapts a mintFunc to [ContextTokenSource]. Token uses the context
// given to the config's TokenSource; TokenContext takes the HTTP client
// from that context (the [oauth2.HTTPClient] value) unless ctx has one,
// and sends through a copy of it that follows no redirect.
type source struct {
	base context.Context
	mint mintFunc
	err  error // configuration error, returned by every call
}

func newSource(ctx context.Context, mint mintFunc, err error) *source {
	if ctx == nil {
		ctx = context.Background()
	}
	return &source{base: ctx, mint: mint, err: err}
}

func (s *source) Token() (*oauth2.Token, error) { return s.TokenContext(s.base) }

func (s *source) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if s.err != nil {
		return nil, s.err
	}
	hc, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	if hc == nil {
		hc, _ = s.base.Value(oauth2.HTTPClient).(*http.Client)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	// A 307 or 308 would send the form, secrets included, to the new
	// location: the token endpoint gets no redirect at all.
	nr := *hc
	nr.CheckRedirect = func(req *http.Request, _ []*http.Request) error { return redirectError("token", req) }
	tok, err := s.mint(context.WithValue(ctx, oauth2.HTTPClient, &nr))
	if err != nil {
		return nil, tokenError(err)
	}
	return tok, nil
}

// RefreshTokenConfig is the OAuth 2.0 refresh token flow of a connected
// app: POST <LoginURL>/services/oauth2/token with grant_type=refresh_token.
//
// When the app rotates refresh tokens, each response carries a new refresh
// token; the source keeps it and sends it next time, and the token it
// returns carries it (hand it to storage with [WithOnRefresh]). A session
// with a [TokenStore] makes it spend the fleet's latest refresh token,
// stored with the current token, instead of its own copy.
type RefreshTokenConfig struct {
	// LoginURL is the login or My Domain URL that issued the refresh token
	// (default [DefaultLoginURL]).
	LoginURL string
	// ClientID is the consumer key of the connected app.
	ClientID string
	// ClientSecret is the consumer secret; optional unless the app
	// requires it for refresh.
	ClientSecret string
	// RefreshToken is the refresh token to start from.
	RefreshToken string
}

// TokenSource returns a source that mints a new access token on every
// call by spending the current refresh token. ctx supplies the HTTP client
// ([oauth2.HTTPClient]) and bounds calls of Token; [Session] calls
// TokenContext with its own context. Calls are serialized. Changing c
// afterwards does not affect the source.
func (c RefreshTokenConfig) TokenSource(ctx context.Context) oauth2.TokenSource {
	_, tokenURL, err := tokenEndpoint(c.LoginURL, "RefreshTokenConfig.LoginURL")
	if err == nil && (c.ClientID == "" || c.RefreshToken == "") {
		err = configError("RefreshTokenConfig needs ClientID and RefreshToken")
	}
	conf := &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
	}
	var mu sync.Mutex
	refresh := c.RefreshToken
	return newSource(ctx, func(ctx context.Context) (*oauth2.Token, error) {
		mu.Lock()
		defer mu.Unlock()
		if rt := storedRefreshToken(ctx); rt != "" {
			refresh = rt // the latest of the fleet, from a TokenStore
		}
		// A token without an access token makes x/oauth2 refresh at once.
		tok, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: refresh}).Token()
		if err != nil {
			return nil, err
		}
		if tok.RefreshToken != "" {
			refresh = tok.RefreshToken // rotation: the old one is dead now
		}
		return tok, nil
	}, err)
}

// ClientCredentialsConfig is the OAuth 2.0 client credentials flow of a
// connected app with a "Run As" user. Salesforce serves it only on the
// org's My Domain URL, not on login.salesforce.com or test.salesforce.com.
type ClientCredentialsConfig struct {
	// MyDomainURL is the org's My Domain URL, such as
	// https://acme.my.salesforce.com.
	MyDomainURL string
	// ClientID is the consumer key of the connected app.
	ClientID string
	// ClientSecret is the consumer secret.
	ClientSecret string
}

// TokenSource returns a source that mints a new access token on every
// call. ctx supplies the HTTP client ([oauth2.HTTPClient]) and bounds
// calls of Token; [Session] calls TokenContext with its own context.
func (c ClientCredentialsConfig) TokenSource(ctx context.Context) oauth2.TokenSource {
	var tokenURL string
	var err error
	if strings.TrimSpace(c.MyDomainURL) == "" {
		err = configError("ClientCredentialsConfig needs MyDomainURL")
	} else {
		var u *url.URL
		u, tokenURL, err = tokenEndpoint(c.MyDomainURL, "ClientCredentialsConfig.MyDomainURL")
		if err == nil && isGenericLogin(u.Hostname()) {
			err = configError("client credentials are served only on the org's My Domain URL, not %s", u.Host)
		}
	}
	if err == nil && (c.ClientID == "" || c.ClientSecret == "") {
		err = configError("ClientCredentialsConfig needs ClientID and ClientSecret")
	}
	id, secret := c.ClientID, c.ClientSecret
	return newSource(ctx, func(ctx context.Context) (*oauth2.Token, error) {
		conf := &clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}
		return conf.Token(ctx)
	}, err)
}

func isGenericLogin(host string) bool {
	host = strings.ToLower(host)
	return host == "login.salesforce.com" || host == "test.salesforce.com"
}

// JWTConfig is the OAuth 2.0 JWT bearer flow: an assertion signed with
// RS256 by the private key whose certificate is uploaded to the connected
// app, with exactly the claims iss (ClientID), sub (Username), aud
// (Audience) and exp (three minutes ahead). The app must be pre-authorized
// for the user.
type JWTConfig struct {
	// LoginURL is where the token is requested: a login, My Domain or
	// community URL (default [DefaultLoginURL]).
	LoginURL string
	// Audience is the aud claim, which Salesforce checks apart from the
	// host the token is requested from. Default: https://test.salesforce.com
	// when LoginURL is test.salesforce.com or a sandbox My Domain
	// (*.sandbox.my.salesforce.com), else https://login.salesforce.com.
	// Set it for a community (https://acme.force.com/customers) or where
	// the app wants the My Domain URL.
	Audience string
	// ClientID is the consumer key of the connected app (the iss claim).
	ClientID string
	// Username is the Salesforce username to act as (the sub claim).
	Username string
	// PrivateKey is the RSA private key in PEM ("RSA PRIVATE KEY" or
	// unencrypted "PRIVATE KEY").
	PrivateKey []byte
}

// jwtLifetime is how far ahead exp is; Salesforce wants it "within 3
// minutes".
const jwtLifetime = 3 * time.Minute

// TokenSource returns a source that signs a new assertion and mints a new
// access token on every call. ctx supplies the HTTP client
// ([oauth2.HTTPClient]) and bounds calls of Token; [Session] calls
// TokenContext with its own context.
//
// golang.org/x/oauth2/jwt is not used: it adds iat and prn claims and does
// not read OAuth error bodies (invalid_grant would be lost). The assertion
// is posted through [clientcredentials.Config], whose EndpointParams may
// replace grant_type, so token-endpoint errors are parsed as for the other
// flows.
func (c JWTConfig) TokenSource(ctx context.Context) oauth2.TokenSource {
	u, tokenURL, err := tokenEndpoint(c.LoginURL, "JWTConfig.LoginURL")
	var key *rsa.PrivateKey
	if err == nil && (c.ClientID == "" || c.Username == "") {
		err = configError("JWTConfig needs ClientID and Username")
	}
	if err == nil {
		key, err = parseRSAKey(c.PrivateKey)
	}
	aud := c.Audience
	if aud == "" && u != nil {
		aud = defaultAudience(u.Hostname())
	}
	iss, sub := c.ClientID, c.Username
	return newSource(ctx, func(ctx context.Context) (*oauth2.Token, error) {
		assertion, err := signJWT(key, jwtClaims{Iss: iss, Sub: sub, Aud: aud, Exp: time.Now().Add(jwtLifetime).Unix()})
		if err != nil {
			return nil, &Error{Op: "token", Message: "signing the JWT assertion", Err: err}
		}
		conf := &clientcredentials.Config{
			TokenURL:  tokenURL,
			AuthStyle: oauth2.AuthStyleInParams,
			EndpointParams: url.Values{
				"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
				"assertion":  {assertion},
			},
		}
		return conf.Token(ctx)
	}, err)
}

func defaultAudience(loginHost string) string {
	h := strings.ToLower(loginHost)
	if h == "test.salesforce.com" || strings.HasSuffix(h, ".sandbox.my.salesforce.com") {
		return "https://test.salesforce.com"
	}
	return DefaultLoginURL
}

type jwtClaims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Aud string `json:"aud"`
	Exp int64  `json:"exp"`
}

// signJWT returns header.claims.signature, RS256.
func signJWT(key *rsa.PrivateKey, claims jwtClaims) (string, error) {
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + enc.EncodeToString(body)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + enc.EncodeToString(sig), nil
}

// parseRSAKey reads an RSA private key from PEM: PKCS #1 ("RSA PRIVATE
// KEY") or unencrypted PKCS #8 ("PRIVATE KEY"). Its errors never quote the
// key.
func parseRSAKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, configError("JWT private key: no PEM block found")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, configError("JWT private key: invalid PKCS #1 RSA key")
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, configError("JWT private key: invalid PKCS #8 key")
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, configError("JWT private key: %T is not an RSA key", k)
		}
		return rk, nil
	}
	return nil, configError("JWT private key: unsupported PEM block %q (want RSA PRIVATE KEY or PRIVATE KEY)", block.Type)
}

// StaticToken returns a source that always returns the same access token
// for instanceURL, for a token obtained elsewhere (such as `sf org display`).
// It cannot refresh: once Salesforce rejects the token, a [Session] using
// it reports [ErrSessionExpired].
func StaticToken(instanceURL, accessToken string) oauth2.TokenSource {
	u, err := baseURL(instanceURL, "StaticToken instance URL")
	if err == nil && accessToken == "" {
		err = configError("StaticToken: empty access token")
	}
	var inst string
	if u != nil {
		inst = (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
	}
	return newSource(context.Background(), func(context.Context) (*oauth2.Token, error) {
		tok := &oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"}
		return tok.WithExtra(map[string]any{"instance_url": inst}), nil
	}, err)
}

// redacted stands for a secret in output: "" when it is empty, else
// "[redacted]".
func redacted(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// String describes the config without its secrets.
func (c RefreshTokenConfig) String() string {
	return fmt.Sprintf("auth.RefreshTokenConfig{LoginURL: %q, ClientID: %q, ClientSecret: %q, RefreshToken: %q}",
		c.LoginURL, c.ClientID, redacted(c.ClientSecret), redacted(c.RefreshToken))
}

// String describes the config without its secret.
func (c ClientCredentialsConfig) String() string {
	return fmt.Sprintf("auth.ClientCredentialsConfig{MyDomainURL: %q, ClientID: %q, ClientSecret: %q}",
		c.MyDomainURL, c.ClientID, redacted(c.ClientSecret))
}

// String describes the config without its private key.
func (c JWTConfig) String() string {
	return fmt.Sprintf("auth.JWTConfig{LoginURL: %q, Audience: %q, ClientID: %q, Username: %q, PrivateKey: %q}",
		c.LoginURL, c.Audience, c.ClientID, c.Username, redacted(string(c.PrivateKey)))
}

// Format prints [RefreshTokenConfig.String] for every verb, %#v included.
func (c RefreshTokenConfig) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// Format prints [ClientCredentialsConfig.String] for every verb.
func (c ClientCredentialsConfig) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// Format prints [JWTConfig.String] for every verb.
func (c JWTConfig) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue describes the config to log/slog without its secrets.
func (c RefreshTokenConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

// LogValue describes the config to log/slog without its secret.
func (c ClientCredentialsConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

// LogValue describes the config to log/slog without its private key.
func (c JWTConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON encodes the config with the usual keys and "[redacted]" in
// place of the client secret and the refresh token, so that a config
// logged as JSON (slog's JSON handler, nested in a struct) shows no
// secret. Decoding is the default: json.Unmarshal fills a config from a
// file as usual.
func (c RefreshTokenConfig) MarshalJSON() ([]byte, error) {
	type plain RefreshTokenConfig
	c.ClientSecret, c.RefreshToken = redacted(c.ClientSecret), redacted(c.RefreshToken)
	return json.Marshal(plain(c))
}

// MarshalJSON encodes the config with "[redacted]" in place of the client
// secret; see [RefreshTokenConfig.MarshalJSON].
func (c ClientCredentialsConfig) MarshalJSON() ([]byte, error) {
	type plain ClientCredentialsConfig
	c.ClientSecret = redacted(c.ClientSecret)
	return json.Marshal(plain(c))
}

// MarshalJSON encodes the config with the string "[redacted]" in place of
// the private key; see [RefreshTokenConfig.MarshalJSON].
func (c JWTConfig) MarshalJSON() ([]byte, error) {
	type plain JWTConfig
	return json.Marshal(struct {
		plain
		PrivateKey string
	}{plain(c), redacted(string(c.PrivateKey))})
}

// MarshalText returns [RefreshTokenConfig.String], for the encoders that
// use encoding.TextMarshaler (encoding/xml, YAML and TOML libraries).
func (c RefreshTokenConfig) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// MarshalText returns [ClientCredentialsConfig.String].
func (c ClientCredentialsConfig) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// MarshalText returns [JWTConfig.String].
func (c JWTConfig) MarshalText() ([]byte, error) { return []byte(c.String()), nil }
