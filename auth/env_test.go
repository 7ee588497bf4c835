package auth_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/auth"
)

var sfVars = []string{"SF_INSTANCE_URL", "SF_ACCESS_TOKEN", "SF_LOGIN_URL", "SF_CLIENT_ID", "SF_CLIENT_SECRET",
	"SF_REFRESH_TOKEN", "SF_USERNAME", "SF_JWT_KEY_FILE", "SF_JWT_AUDIENCE"}

// setEnv clears every SF_* variable, then sets vars for this test.
func setEnv(t *testing.T, vars map[string]string) {
	for _, v := range sfVars {
		t.Setenv(v, "")
	}
	for k, v := range vars {
		t.Setenv(k, v)
	}
}

func TestFromEnvNamesMissingVariables(t *testing.T) {
	cases := []struct {
		set     map[string]string
		flow    string
		missing string
	}{
		{nil, "", ""},
		{map[string]string{"SF_ACCESS_TOKEN": secretMark}, "static access token", "[SF_INSTANCE_URL]"},
		{map[string]string{"SF_USERNAME": "u@x"}, "JWT bearer", "[SF_JWT_KEY_FILE SF_CLIENT_ID]"},
		{map[string]string{"SF_JWT_KEY_FILE": "/k.pem", "SF_CLIENT_SECRET": secretMark}, "JWT bearer", "[SF_USERNAME SF_CLIENT_ID]"},
		{map[string]string{"SF_REFRESH_TOKEN": secretMark, "SF_CLIENT_SECRET": secretMark}, "refresh token", "[SF_CLIENT_ID]"},
		{map[string]string{"SF_CLIENT_SECRET": secretMark}, "client credentials", "[SF_LOGIN_URL SF_CLIENT_ID]"},
		{map[string]string{"SF_CLIENT_ID": "cid", "SF_LOGIN_URL": " "}, "client credentials", "[SF_LOGIN_URL SF_CLIENT_SECRET]"},
	}
	for _, tc := range cases {
		setEnv(t, tc.set)
		src, err := auth.FromEnv(context.Background())
		noteErr(err)
		var e *auth.EnvError
		if src != nil || !errors.As(err, &e) || e.Flow != tc.flow || (tc.missing != "" && fmt.Sprint(e.Missing) != tc.missing) {
			t.Errorf("%v: got %v", tc.set, err)
			continue
		}
		for _, name := range e.Missing {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("%v: message does not name %s: %v", tc.set, name, err)
			}
		}
	}
}

func TestFromEnvPicksTheFlow(t *testing.T) {
	ts := newTokenServer(t, func(map[string][]string) (string, string) { return "", "" })
	keyFile := filepath.Join(t.TempDir(), "server.key")
	if err := os.WriteFile(keyFile, pkcs8PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		set   map[string]string
		grant string // "" for the static token
	}{
		{map[string]string{"SF_INSTANCE_URL": "https://na1.example.test", "SF_ACCESS_TOKEN": secretMark + "-at",
			"SF_REFRESH_TOKEN": "ignored"}, ""},
		{map[string]string{"SF_USERNAME": "u@x", "SF_JWT_KEY_FILE": keyFile, "SF_CLIENT_ID": "cid",
			"SF_LOGIN_URL": ts.URL, "SF_JWT_AUDIENCE": "https://test.salesforce.com"}, "urn:ietf:params:oauth:grant-type:jwt-bearer"},
		{map[string]string{"SF_REFRESH_TOKEN": secretMark, "SF_CLIENT_ID": "cid", "SF_LOGIN_URL": ts.URL}, "refresh_token"},
		{map[string]string{"SF_CLIENT_ID": "cid", "SF_CLIENT_SECRET": secretMark, "SF_LOGIN_URL": ts.URL}, "client_credentials"},
	}
	for i, tc := range cases {
		setEnv(t, tc.set)
		src, err := auth.FromEnv(context.Background())
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		tok, err := src.Token()
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("case %d: %v", i, err)
		}
		if tc.grant != "" {
			ts.mu.Lock()
			got := get(ts.forms[len(ts.forms)-1], "grant_type")
			ts.mu.Unlock()
			if got != tc.grant {
				t.Errorf("case %d: grant %s, want %s", i, got, tc.grant)
			}
		}
	}

	// Bad values are reported by name, never echoed.
	for _, set := range []map[string]string{
		{"SF_USERNAME": "u", "SF_JWT_KEY_FILE": filepath.Join(t.TempDir(), "missing.pem"), "SF_CLIENT_ID": "c"},
		{"SF_USERNAME": "u", "SF_JWT_KEY_FILE": keyFile, "SF_CLIENT_ID": "c", "SF_LOGIN_URL": "http://login.example.test"},
		{"SF_CLIENT_ID": "c", "SF_CLIENT_SECRET": secretMark, "SF_LOGIN_URL": "https://login.salesforce.com"},
		{"SF_INSTANCE_URL": "not a url", "SF_ACCESS_TOKEN": secretMark},
	} {
		setEnv(t, set)
		_, err := auth.FromEnv(context.Background())
		noteErr(err)
		if err == nil {
			t.Errorf("%v: no error", set)
		}
		if strings.Contains(set["SF_LOGIN_URL"], "http:") && !errors.Is(err, auth.ErrInsecureURL) {
			t.Errorf("%v: %v, want ErrInsecureURL", set, err)
		}
	}
}
