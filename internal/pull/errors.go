package pull

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/typedforce/typedforce/auth"
)

// Kinds of failure. Every error of this package for one of them is an
// [*Error] (or an [Errors] holding one); test with [errors.Is].
var (
	// ErrBadCredential: no usable session. The token endpoint refused the
	// credentials (invalid_grant, invalid_client_id, ...), or the org
	// rejected the session again after its one refresh, or rejected it in a
	// way no refresh cures (INVALID_AUTH_HEADER, a session not valid for the
	// REST API).
	ErrBadCredential = errors.New("bad credential")
	// ErrLimitExceeded: 403 REQUEST_LIMIT_EXCEEDED, the org's API request
	// limit (or a concurrency limit) is exhausted.
	ErrLimitExceeded = errors.New("API limit exhausted")
	// ErrPermission: the org refused to describe an object it lists (403 or
	// 404), or the REST API is not enabled for the org or the user.
	ErrPermission = errors.New("permission denied")
	// ErrUnknownObject: an object asked for by name is not in the org's
	// global describe.
	ErrUnknownObject = errors.New("unknown object")
	// ErrAPIVersion: the org does not serve the requested API version (404
	// on the global describe, or 410 GONE for a retired version).
	ErrAPIVersion = errors.New("API version not available")
)

// Error is one failure of a pull or of a global describe. It never holds a
// token: messages come from Salesforce error bodies and from the auth
// package, whose errors are token-free.
type Error struct {
	// Object is the sObject the failure concerns, or "" for the org as a
	// whole (global describe, authentication, limits).
	Object string
	// Kind is one of the sentinels of this package, or nil.
	Kind error
	// StatusCode is the HTTP status, or 0 when there was no response.
	StatusCode int
	// Code and Message are Salesforce's errorCode and message (or the OAuth
	// error and its description).
	Code    auth.ErrorCode
	Message string
	// Hint tells the user what to do about it.
	Hint string
	// Err is the cause, if any.
	Err error
}

// Error returns one line: object, kind, Salesforce's words, status, hint.
func (e *Error) Error() string {
	var parts []string
	if e.Object != "" {
		parts = append(parts, e.Object)
	}
	if e.Kind != nil {
		parts = append(parts, e.Kind.Error())
	}
	detail := strings.TrimSpace(strings.Join(nonEmpty(string(e.Code), e.Message), ": "))
	if detail == "" && e.Err != nil {
		detail = e.Err.Error()
	}
	if e.StatusCode != 0 {
		detail = strings.TrimSpace(detail + " (HTTP " + strconv.Itoa(e.StatusCode) + ")")
	}
	if detail != "" {
		parts = append(parts, detail)
	}
	msg := strings.Join(parts, ": ")
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the kind of the error.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Errors lists the objects of one pull that failed, sorted by object name.
type Errors []*Error

// Error counts the failures and lists them, one a line.
func (es Errors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d objects failed:", len(es))
	for _, e := range es {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the failures, for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func sortErrors(es Errors) Errors {
	slices.SortFunc(es, func(a, b *Error) int { return strings.Compare(a.Object, b.Object) })
	return es
}

const (
	credentialHint = "check the SF_* variables (see docs/AUTH.md)"
	limitHint      = "wait for the org's 24-hour API allowance to recover, or pull fewer objects"
	permissionHint = "give the user access to it, or leave it out (-objects, or exclude it in the config file)"
)

// authFailure turns an error of the auth package into an [*Error], or
// returns nil when err is none of its.
func authFailure(err error) *Error {
	var ae *auth.Error
	if !errors.As(err, &ae) {
		return nil
	}
	e := &Error{StatusCode: ae.StatusCode, Code: ae.Code, Message: ae.Message, Err: err}
	switch {
	case errors.Is(err, auth.ErrSessionExpired) && ae.Op == "token":
		// The source gave back the token just rejected: a static token.
		e.Kind, e.Message = ErrBadCredential, "the org rejected the access token, which cannot be renewed"
		e.Hint = "set a fresh SF_ACCESS_TOKEN, or use a flow that renews it; " + credentialHint
	case errors.Is(err, auth.ErrSessionExpired):
		e.Kind, e.Hint = ErrBadCredential, "the org rejected the session again after a token refresh; "+credentialHint
	case ae.Op == "token" && ae.Code != "", ae.Op == "config", errors.Is(err, auth.ErrInsecureURL):
		e.Kind, e.Hint = ErrBadCredential, credentialHint
	case ae.Op == "token":
		e.Message = "cannot get a token"
		e.Hint = "check SF_LOGIN_URL and the network"
	}
	return e
}

// responseError classifies a non-success response of the global describe
// (object "") or of an object's describe. body is the (bounded) response
// body.
func responseError(object string, status int, body []byte) *Error {
	code, msg := parseErrorBody(body)
	e := &Error{Object: object, StatusCode: status, Code: code, Message: msg}
	switch {
	case status == http.StatusUnauthorized:
		// Whatever reaches here was not cured by the session's refresh.
		e.Object, e.Kind, e.Hint = "", ErrBadCredential, credentialHint
	case code == "REQUEST_LIMIT_EXCEEDED":
		e.Object, e.Kind, e.Hint = "", ErrLimitExceeded, limitHint
	case code == "API_DISABLED_FOR_ORG", code == "API_CURRENTLY_DISABLED":
		e.Object, e.Kind, e.Hint = "", ErrPermission, "the REST API is not enabled for this org or user (the API Enabled permission)"
	case status == http.StatusGone:
		e.Object, e.Kind, e.Hint = "", ErrAPIVersion, "this API version is retired: use a newer -api-version"
	case object == "" && status == http.StatusNotFound:
		e.Kind, e.Hint = ErrAPIVersion, "the org does not serve this API version: use an older -api-version"
	case object != "" && (status == http.StatusForbidden || status == http.StatusNotFound):
		e.Kind, e.Hint = ErrPermission, permissionHint
	}
	return e
}

// fatal reports a failure that concerns the whole pull rather than one
// object: no point in going on.
func (e *Error) fatal() bool {
	return e.Object == "" || errors.Is(e, ErrBadCredential) || errors.Is(e, ErrLimitExceeded)
}
