package auth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
)

// Doer sends an HTTP request; [*http.Client] is one. It has the shape of the
// generated client's HttpRequestDoer.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// RequestEditor authorizes req with the current token, minting the first
// one or waiting for a refresh in progress: it sets the Authorization
// header and points req at the token's instance_url (scheme and host; the
// path is kept), so a client built with a placeholder server URL reaches
// the right instance. It edits req in place and has the signature of the
// generated client's RequestEditorFn.
//
// It refuses, with [ErrInsecureURL], to authorize a request that would go
// over plain http to a host other than loopback.
func (s *Session) RequestEditor(ctx context.Context, req *http.Request) error {
	c, err := s.get(ctx, "")
	if err != nil {
		return err
	}
	return c.apply(req)
}

// Wrap returns a Doer that sends requests through next (http.DefaultClient
// when nil) and survives session expiry: when Salesforce answers 401
// INVALID_SESSION_ID with a refreshable message, it renews the token (one
// refresh for all concurrent callers, none if a newer token already
// exists) and sends the request once more with the new token, to the new
// instance_url, its body replayed through GetBody. A second rejection is
// an [*Error] wrapping [ErrSessionExpired]; a request whose body cannot be
// replayed is not retried ([ErrNotReplayable]). Every other response,
// including other 401s, is returned untouched with its body intact.
//
// A request without an Authorization header (RequestEditor not used) is
// authorized by Wrap itself. Wrap never modifies the caller's request; it
// sends clones.
//
// No redirect takes the token to another origin. When next is an
// [*http.Client], Wrap sends through a copy of it whose CheckRedirect
// refuses, before anything is sent, a redirect to another scheme, host or
// port (then calls the client's own CheckRedirect, if any); the caller gets
// an [*Error] wrapping [ErrRedirect]. Any other Doer must not follow
// redirects by itself: Wrap cannot see inside it, but it refuses, with the
// same error, a response whose Request shows it came from another origin.
func (s *Session) Wrap(next Doer) Doer {
	if hc, ok := next.(*http.Client); ok || next == nil {
		if hc == nil {
			hc = http.DefaultClient
		}
		next = guardRedirects(hc)
	}
	return &doer{s: s, next: next}
}

// guardRedirects returns a copy of hc that refuses to follow a redirect
// out of the origin of the first request: Go's client keeps the
// Authorization header on a redirect to the same host over another scheme
// or port, and to its subdomains.
func guardRedirects(hc *http.Client) *http.Client {
	c := *hc
	next := hc.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(req.URL, via[0].URL) {
			return redirectError("request", req)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 { // net/http's default policy
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

type doer struct {
	s    *Session
	next Doer
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	sent := req
	if req.Header.Get("Authorization") == "" {
		c, err := d.s.get(ctx, "")
		if err == nil {
			sent, err = authorized(req, c, false)
		}
		if err != nil {
			closeBody(req)
			return nil, err
		}
	}
	resp, err := d.send(sent)
	fault, resp := inspect(resp, err)
	if !fault.Refreshable {
		return resp, err
	}
	rejected := &Error{Op: "request", StatusCode: resp.StatusCode, Code: ErrorCode(fault.Code), Message: fault.Message}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		// Renew in the background for the next request; this one cannot be
		// sent again.
		_, _, _ = d.s.lookup(ctx, sent.Header.Get("Authorization"))
		rejected.Err = ErrNotReplayable
		return nil, rejected
	}
	c, err := d.s.get(ctx, sent.Header.Get("Authorization"))
	if err == nil {
		sent, err = authorized(req, c, true)
	}
	if err != nil {
		return nil, err
	}
	resp, err = d.send(sent)
	if fault, resp = inspect(resp, err); fault.Refreshable {
		resp.Body.Close()
		rejected.Err = ErrSessionExpired
		return nil, rejected
	}
	return resp, err
}

// send sends r through next and refuses a response from another origin
// than r's.
func (d *doer) send(r *http.Request) (*http.Response, error) {
	resp, err := d.next.Do(r)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && errors.Is(e, ErrRedirect) {
			// Refused by guardRedirects; http.Client closed the body.
			return nil, e
		}
		return resp, err
	}
	if resp.Request != nil && resp.Request.URL != nil && !sameOrigin(resp.Request.URL, r.URL) {
		// A Doer that followed a redirect by itself.
		resp.Body.Close()
		return nil, &Error{Op: "request", StatusCode: resp.StatusCode, Message: "response came from " + origin(resp.Request.URL), Err: ErrRedirect}
	}
	return resp, err
}

// authorized returns a clone of req authorized with c; replay gives it a
// fresh body from GetBody.
func authorized(req *http.Request, c *current, replay bool) (*http.Request, error) {
	r := req.Clone(req.Context())
	if replay && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, &Error{Op: "request", Message: "replaying the request body", Err: err}
		}
		r.Body = body
	}
	if err := c.apply(r); err != nil {
		closeBody(r)
		return nil, err
	}
	return r, nil
}

func closeBody(r *http.Request) {
	if r.Body != nil {
		r.Body.Close()
	}
}

// maxErrorBody bounds what is read of a 401 body to classify it; a larger
// body is no Salesforce error and passes through.
const maxErrorBody = 64 << 10

// inspect classifies a 401 response. The body is read (bounded) and put
// back so that the response passes on intact.
func inspect(resp *http.Response, err error) (sessionFault, *http.Response) {
	if err != nil || resp.StatusCode != http.StatusUnauthorized || resp.Body == nil {
		return sessionFault{}, resp
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody+1))
	if rerr != nil || len(b) > maxErrorBody {
		// Keep what was read in front of the rest of the original body.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
		return sessionFault{}, resp
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return parseUnauthorized(b), resp
}

type readCloser struct {
	io.Reader
	io.Closer
}
