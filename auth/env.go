package auth

import (
	"context"
	"os"
	"slices"
	"strings"

	"golang.org/x/oauth2"
)

// EnvError reports Salesforce credentials missing from the environment. It
// names the variables, never their values.
type EnvError struct {
	// Flow is the flow the set variables point to ("static access token",
	// "JWT bearer", "refresh token", "client credentials"), or "" when no
	// credentials are set at all.
	Flow string
	// Missing lists the variables the flow still needs.
	Missing []string
}

// Error names the flow and the missing variables.
func (e *EnvError) Error() string {
	if e.Flow == "" {
		return "auth: no Salesforce credentials in the environment: set SF_INSTANCE_URL and SF_ACCESS_TOKEN " +
			"(static token), SF_CLIENT_ID and SF_REFRESH_TOKEN (refresh token), SF_USERNAME, SF_JWT_KEY_FILE and " +
			"SF_CLIENT_ID (JWT bearer), or SF_LOGIN_URL, SF_CLIENT_ID and SF_CLIENT_SECRET (client credentials)"
	}
	return "auth: " + e.Flow + " flow: missing environment variables " + strings.Join(e.Missing, ", ")
}

// FromEnv returns the token source that the SF_* environment variables
// describe, trying in this order:
//
//   - SF_ACCESS_TOKEN and SF_INSTANCE_URL: [StaticToken].
//   - SF_USERNAME or SF_JWT_KEY_FILE: [JWTConfig] with SF_USERNAME,
//     SF_JWT_KEY_FILE (path of the PEM private key) and SF_CLIENT_ID;
//     optional SF_LOGIN_URL and SF_JWT_AUDIENCE.
//   - SF_REFRESH_TOKEN: [RefreshTokenConfig] with SF_CLIENT_ID; optional
//     SF_CLIENT_SECRET and SF_LOGIN_URL.
//   - SF_CLIENT_ID or SF_CLIENT_SECRET: [ClientCredentialsConfig] with
//     SF_LOGIN_URL (the My Domain URL), SF_CLIENT_ID and SF_CLIENT_SECRET.
//
// SF_LOGIN_URL defaults to [DefaultLoginURL]. When variables are missing
// the error is an [*EnvError] naming them. ctx is passed to the config's
// TokenSource.
func FromEnv(ctx context.Context) (oauth2.TokenSource, error) {
	env := func(name string) string { return strings.TrimSpace(os.Getenv(name)) }
	var flow *envFlow
	for i := range envFlows {
		if slices.ContainsFunc(envFlows[i].when, func(n string) bool { return env(n) != "" }) {
			flow = &envFlows[i]
			break
		}
	}
	if flow == nil {
		return nil, &EnvError{}
	}
	var missing []string
	for _, n := range flow.need {
		if env(n) == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, &EnvError{Flow: flow.name, Missing: missing}
	}
	src, err := flow.build(ctx, env)
	if err != nil {
		return nil, err
	}
	if s, ok := src.(*source); ok && s.err != nil {
		return nil, s.err
	}
	return src, nil
}

// envFlow is one flow FromEnv can pick: the first whose when variables
// include a set one.
type envFlow struct {
	name       string
	when, need []string
	build      func(ctx context.Context, env func(string) string) (oauth2.TokenSource, error)
}

var envFlows = []envFlow{
	{"static access token", []string{"SF_ACCESS_TOKEN"}, []string{"SF_INSTANCE_URL"},
		func(_ context.Context, env func(string) string) (oauth2.TokenSource, error) {
			return StaticToken(env("SF_INSTANCE_URL"), env("SF_ACCESS_TOKEN")), nil
		}},
	{"JWT bearer", []string{"SF_USERNAME", "SF_JWT_KEY_FILE"}, []string{"SF_USERNAME", "SF_JWT_KEY_FILE", "SF_CLIENT_ID"},
		func(ctx context.Context, env func(string) string) (oauth2.TokenSource, error) {
			key, err := os.ReadFile(env("SF_JWT_KEY_FILE"))
			if err != nil {
				return nil, &Error{Op: "config", Message: "reading SF_JWT_KEY_FILE", Err: err}
			}
			return JWTConfig{LoginURL: env("SF_LOGIN_URL"), Audience: env("SF_JWT_AUDIENCE"),
				ClientID: env("SF_CLIENT_ID"), Username: env("SF_USERNAME"), PrivateKey: key}.TokenSource(ctx), nil
		}},
	{"refresh token", []string{"SF_REFRESH_TOKEN"}, []string{"SF_CLIENT_ID"},
		func(ctx context.Context, env func(string) string) (oauth2.TokenSource, error) {
			return RefreshTokenConfig{LoginURL: env("SF_LOGIN_URL"), ClientID: env("SF_CLIENT_ID"),
				ClientSecret: env("SF_CLIENT_SECRET"), RefreshToken: env("SF_REFRESH_TOKEN")}.TokenSource(ctx), nil
		}},
	{"client credentials", []string{"SF_CLIENT_ID", "SF_CLIENT_SECRET"}, []string{"SF_LOGIN_URL", "SF_CLIENT_ID", "SF_CLIENT_SECRET"},
		func(ctx context.Context, env func(string) string) (oauth2.TokenSource, error) {
			return ClientCredentialsConfig{MyDomainURL: env("SF_LOGIN_URL"), ClientID: env("SF_CLIENT_ID"),
				ClientSecret: env("SF_CLIENT_SECRET")}.TokenSource(ctx), nil
		}},
}
