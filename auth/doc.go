// Package auth authorizes Salesforce REST API requests and makes session
// expiry invisible to application code.
//
// A [Session] holds the current access token and renews it through a
// minting [golang.org/x/oauth2.TokenSource] when Salesforce answers
// 401 INVALID_SESSION_ID: one call of the source for all concurrent callers,
// then each failed request is sent once more with the new token, its body
// replayed. Plug it into a generated client as its request editor and
// response middleware:
//
//	src := auth.RefreshTokenConfig{ClientID: id, ClientSecret: secret, RefreshToken: rt}.TokenSource(ctx)
//	s := auth.NewSession(src, auth.WithOnRefresh(persist))
//	client, err := gen.NewClient("https://instance.invalid/services/data/v67.0",
//		gen.WithRequestEditorFn(s.RequestEditor),
//		gen.WithHTTPClient(s.Wrap(http.DefaultClient)))
//
// sobjects.New does this wiring for you.
//
// The flows are [RefreshTokenConfig], [JWTConfig], [ClientCredentialsConfig]
// and [StaticToken]; [FromEnv] picks one from the SF_* environment variables.
// Salesforce token responses carry no expires_in, so tokens have a zero
// Expiry and live until Salesforce rejects them (or until
// [WithMaxSessionAge]); [InstanceURL] and [IssuedAt] read the rest.
//
// # Fleets
//
// Sessions in many processes that use the same credentials refresh once
// per expiry between them with [WithTokenStore]; package
// github.com/typedforce/typedforce/auth/redisstore is the store on Redis.
//
// # Concurrency
//
// A Session and the Doer returned by [Session.Wrap] are safe for concurrent
// use. The token sources of this package are safe for concurrent use and
// serialize their calls; a Session never calls its source concurrently.
// Refreshes run on a goroutine of their own that lives at most the refresh
// timeout (once more for each [Session.SetTokenSource] during it); a caller
// waiting for one leaves when its context ends.
//
// # Security
//
// Tokens, refresh tokens, client secrets and private keys never appear in
// errors, in the session's logs or in the fmt, log/slog and JSON output of
// this package's types. A bearer token is sent only over https, or plain
// http to a loopback host, and only to an https instance_url (loopback
// excepted); it never follows a redirect to another origin, and a token
// request follows no redirect at all ([ErrRedirect]). Note that
// [oauth2.Token] itself prints its fields: do not log tokens.
package auth
