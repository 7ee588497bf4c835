package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
)

// Sentinel errors. Every error this package returns for one of these
// conditions is an [*Error]; test for them with [errors.Is].
var (
	// ErrReauthorizationRequired means the token endpoint answered
	// invalid_grant: the refresh token (or JWT grant, or client credentials)
	// was revoked, expired or never approved. No retry can fix it: the
	// application must obtain new credentials and hand them to
	// [Session.SetTokenSource].
	ErrReauthorizationRequired = errors.New("re-authorization required")

	// ErrSessionExpired means Salesforce rejected the session and it could
	// not be renewed: the request was rejected again after its one retry
	// with a fresh token, or the token source handed back the very token
	// that had just been rejected (a static access token that died).
	ErrSessionExpired = errors.New("session expired")

	// ErrNotReplayable means a request was rejected for an expired session
	// but its body cannot be sent again (the request has a Body and no
	// GetBody), so it was not retried. The session renews itself in the
	// background; the caller may build the request again and resend it.
	ErrNotReplayable = errors.New("request body cannot be replayed")

	// ErrInsecureURL means the bearer token or a client secret would have
	// gone to a URL that is neither https nor plain http on a loopback host.
	// Nothing was sent.
	ErrInsecureURL = errors.New("refusing to send credentials over plain http")

	// ErrRedirect means a server answered with a redirect that would have
	// taken a credential elsewhere: an API response redirecting to another
	// origin (scheme, host or port), or any redirect of a token endpoint.
	// The redirect was not followed.
	ErrRedirect = errors.New("refusing to follow a redirect with credentials")
)

// ErrorCode is an error code of Salesforce: an errorCode of the REST API
// such as "INVALID_SESSION_ID" or "NOT_FOUND", or an OAuth error of the
// token endpoint such as "invalid_grant". Every ErrorCode is a sentinel
// error: errors.Is(err, code) reports whether err carries that code, for
// the errors of this package and of package sobjects alike, which names the
// common codes (sobjects.ErrNotFound, ...).
type ErrorCode string

// Error returns the code itself, so that fmt prints a Code field as it is.
func (c ErrorCode) Error() string { return string(c) }

// Error is the error type of this package. It describes a failure at the
// token endpoint (Op "token"), in the OnRefresh hook ("hook"), of an API
// request ("request"), of a configuration ("config"), of a [TokenStore]
// ("store"), or a caller that stopped waiting for a refresh ("wait").
//
// Error never holds a token or a secret in its fields or its message.
// Use [errors.As] to read the details and [errors.Is] with the sentinels of
// this package (an Error with Code "invalid_grant" matches
// [ErrReauthorizationRequired]) or with the cause in Err, such as
// [context.Canceled] or an [*oauth2.RetrieveError], which keeps the raw
// token-endpoint response.
type Error struct {
	// Op is where the failure happened: "token", "hook", "request",
	// "config", "store" or "wait".
	Op string
	// StatusCode is the HTTP status of the token endpoint or of the API
	// response, or 0 when no response was received.
	StatusCode int
	// Code is the OAuth error code of the token endpoint ("invalid_grant")
	// or the Salesforce errorCode of the API response
	// ("INVALID_SESSION_ID").
	Code ErrorCode
	// Message is the OAuth error_description or the Salesforce message.
	Message string
	// Err is the cause: one of the sentinels of this package, an
	// [*oauth2.RetrieveError], a network error, a context error or the
	// error of the OnRefresh hook. It may be nil.
	Err error
}

// Error returns a one-line description without any token or secret.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("auth: ")
	b.WriteString(e.Op)
	sep := ": "
	part := func(s string) {
		if s != "" {
			b.WriteString(sep)
			b.WriteString(s)
			sep = ": "
		}
	}
	part(string(e.Code))
	part(e.Message)
	if e.StatusCode != 0 {
		b.WriteString(" (HTTP " + strconv.Itoa(e.StatusCode) + ")")
		sep = ": "
	}
	// A RetrieveError prints the raw response body; its code and
	// description are already above.
	var re *oauth2.RetrieveError
	if e.Err != nil && !errors.As(e.Err, &re) {
		part(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether e matches target beyond its cause: its own
// [ErrorCode], and, for an OAuth invalid_grant (other than the transient
// "token request is already being processed"), [ErrReauthorizationRequired].
func (e *Error) Is(target error) bool {
	if code, ok := target.(ErrorCode); ok {
		return e.Code != "" && e.Code == code
	}
	return target == ErrReauthorizationRequired && e.Code == "invalid_grant" && !e.transient()
}

// transient reports a token-endpoint failure worth another try soon.
func (e *Error) transient() bool {
	switch {
	case e.Op != "token":
		return false
	case e.Code == "invalid_grant":
		return strings.Contains(strings.ToLower(e.Message), "already being processed")
	case e.Code == "rate_limit_exceeded", e.Code == "temporarily_unavailable":
		return true
	}
	return e.StatusCode >= 500 || e.StatusCode == 429
}

// retryable reports whether the token endpoint may be called again at once
// (after a backoff) within one refresh.
func (e *Error) retryable() bool {
	var ne net.Error
	return e.transient() || (e.Op == "token" && e.StatusCode == 0 && errors.As(e.Err, &ne))
}

// terminal reports a failure that no call of the same token source can
// fix: the session fails fast until it is given new credentials.
func (e *Error) terminal() bool {
	switch {
	case e.Op == "config", errors.Is(e.Err, ErrInsecureURL), errors.Is(e.Err, ErrRedirect):
		return true
	case e.Op == "token" && e.Code != "":
		return !e.transient()
	}
	return false
}

// tokenError turns an error of a token source into an [*Error] (once).
func tokenError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	e = &Error{Op: "token", Err: err}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e.Code, e.Message = ErrorCode(re.ErrorCode), re.ErrorDescription
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
		}
	}
	return e
}

func configError(format string, args ...any) *Error {
	return &Error{Op: "config", Message: fmt.Sprintf(format, args...)}
}

// salesforceError is one element of a Salesforce REST error body.
type salesforceError struct {
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode"`
}

// sessionFault is what a 401 body says.
type sessionFault struct {
	Code, Message string
	// Refreshable is true for INVALID_SESSION_ID with a message that a new
	// token can cure.
	Refreshable bool
}

// notRefreshable lists INVALID_SESSION_ID messages (lower case, matched as
// substrings) that a new token does not cure: session security settings,
// IP restrictions or app configuration (the same list jsforce keeps).
var notRefreshable = []string{
	"not valid for use with the", // "This session is not valid for use with the REST API"
	"not attached to agent",      // "Connected app is not attached to Agent"
}

// parseUnauthorized classifies the body of a 401 response: a JSON array of
// {"message","errorCode","fields"} objects (a lone object is accepted too).
// The first element with an errorCode decides. Anything unparseable is not
// refreshable.
func parseUnauthorized(body []byte) sessionFault {
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\ufeff")))
	if !bytes.Contains(body, []byte(`"errorCode"`)) {
		return sessionFault{}
	}
	if len(body) > 0 && body[0] == '{' {
		body = append(append([]byte{'['}, body...), ']')
	}
	// One pass for the usual body; element by element when an element is
	// odd (a number where a string belongs), skipping what does not fit.
	var items []salesforceError
	if json.Unmarshal(body, &items) != nil {
		var raws []json.RawMessage
		if json.Unmarshal(body, &raws) != nil {
			return sessionFault{}
		}
		items = make([]salesforceError, len(raws))
		for i, raw := range raws {
			_ = json.Unmarshal(raw, &items[i])
		}
	}
	for _, item := range items {
		if item.ErrorCode == "" {
			continue
		}
		f := sessionFault{Code: item.ErrorCode, Message: item.Message}
		f.Refreshable = f.Code == "INVALID_SESSION_ID"
		lower := strings.ToLower(f.Message)
		for _, m := range notRefreshable {
			if strings.Contains(lower, m) {
				f.Refreshable = false
			}
		}
		return f
	}
	return sessionFault{}
}
