// Package pull fetches sObject describe results from a live org into a
// folder that typedforce generate reads: one <Name>.json per object, in
// Salesforce's own key order, pretty-printed, with host-specific URLs
// removed, plus a small cache manifest (_pull.json) that makes a re-pull of
// an unchanged org cost one 304 response per object.
package pull

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/sobjects"
)

// placeholderHost is the host of the generated client's server URL; the
// session's RequestEditor replaces it with the token's instance_url.
const placeholderHost = "instance.invalid"

// maxBody bounds what is read of one response. The largest describes of
// real orgs are a few MiB.
const maxBody = 64 << 20

// Client reads an org's global describe and sObject describes through an
// [auth.Session], so that a session expiring during a pull costs one token
// refresh and one retry of each rejected request. It counts the requests
// it sends. A Client is safe for concurrent use.
type Client struct {
	api      *gen.Client
	session  *auth.Session
	version  string
	requests atomic.Int64 // API requests sent, retries included
	tokens   atomic.Int64 // calls of the token source
}

// New returns a client for the org that src mints tokens for, on REST API
// version (such as "62.0"; see [describe.ParseVersion]). hc sends the API requests
// (nil: a new http.Client); give the token source the same client through
// [oauth2.HTTPClient] so that one transport serves both.
func New(src oauth2.TokenSource, version string, hc *http.Client) (*Client, error) {
	v, err := describe.ParseVersion(version)
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, errors.New("pull: nil token source")
	}
	if hc == nil {
		hc = &http.Client{}
	}
	c := &Client{version: v}
	c.session = auth.NewSession(&countingSource{src: src, n: &c.tokens})
	c.api, err = gen.NewClient("https://"+placeholderHost+"/services/data/v"+v,
		gen.WithRequestEditorFn(c.session.RequestEditor),
		gen.WithHTTPClient(c.session.Wrap(countingDoer{next: hc, n: &c.requests})))
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Requests returns the number of API requests sent so far, each retry after
// a token refresh included, token requests excluded.
func (c *Client) Requests() int64 { return c.requests.Load() }

// TokenRequests returns the number of tokens minted so far: one for the
// first token, one per expiry.
func (c *Client) TokenRequests() int64 { return c.tokens.Load() }

var (
	nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,254}$`)
)

// validName reports whether name is an sObject API name, and so a safe
// file name.
func validName(name string) bool { return nameRE.MatchString(name) }

// Object is one entry of the org's global describe.
type Object struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	Custom    bool   `json:"custom"`
	Queryable bool   `json:"queryable"`
}

// Objects returns the objects of the org (GET /sobjects), in Salesforce's
// order.
func (c *Client) Objects(ctx context.Context) ([]Object, error) {
	resp, err := c.api.DescribeGlobal(ctx)
	body, err := readResponse(ctx, resp, err)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, responseError("", resp.StatusCode, body)
	}
	var global struct {
		SObjects []Object `json:"sobjects"`
	}
	if err := json.Unmarshal(body, &global); err != nil || global.SObjects == nil {
		return nil, &Error{StatusCode: resp.StatusCode, Message: "the global describe is not a JSON object with \"sobjects\"; the body starts with " + excerpt(string(body)), Err: err}
	}
	for i, o := range global.SObjects {
		if !validName(o.Name) {
			return nil, &Error{StatusCode: resp.StatusCode, Message: fmt.Sprintf("the global describe's object #%d has the name %q, not an API name", i, o.Name)}
		}
	}
	return global.SObjects, nil
}

// described is the outcome of one describe request.
type described struct {
	body        []byte    // nil when not modified
	since       time.Time // what to send as If-Modified-Since next time
	notModified bool
}

// describe fetches one object's describe, conditionally when since is not
// zero.
func (c *Client) describe(ctx context.Context, name string, since time.Time) (*described, error) {
	var params *gen.DescribeSObjectParams
	if !since.IsZero() {
		h := since.UTC().Format(http.TimeFormat)
		params = &gen.DescribeSObjectParams{IfModifiedSince: &h}
	}
	resp, err := c.api.DescribeSObject(ctx, name, params)
	body, err := readResponse(ctx, resp, err)
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusNotModified:
		if since.IsZero() {
			return nil, &Error{Object: name, StatusCode: resp.StatusCode, Message: "Not Modified, to a request that was not conditional"}
		}
		return &described{since: since, notModified: true}, nil
	case http.StatusOK:
		return &described{body: body, since: nextSince(resp)}, nil
	}
	return nil, responseError(name, resp.StatusCode, body)
}

// nextSince is the If-Modified-Since of the next pull: the response's
// Last-Modified, or else its Date less a second (HTTP dates have whole
// seconds: a change in the same second as the response still shows), or
// else the local clock less a second.
func nextSince(resp *http.Response) time.Time {
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		return t.UTC()
	}
	t, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Second).Add(-time.Second)
}

// readResponse reads and closes the body of a response, turning transport
// and session failures into [*Error]; when ctx ended, the error is its
// cause.
func readResponse(ctx context.Context, resp *http.Response, err error) ([]byte, error) {
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		if e := authFailure(err); e != nil {
			return nil, e
		}
		return nil, &Error{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, &Error{StatusCode: resp.StatusCode, Message: "reading the response", Err: err}
	}
	if len(body) > maxBody {
		return nil, &Error{StatusCode: resp.StatusCode, Message: fmt.Sprintf("response larger than %d MiB", maxBody>>20)}
	}
	return body, nil
}

// identity names the org and user of the session (hashed: the manifest
// holds no host or id): the token's identity URL, else its instance_url.
func (c *Client) identity(ctx context.Context) (string, error) {
	tok, err := c.session.Token(ctx)
	if err != nil {
		if e := authFailure(err); e != nil {
			return "", e
		}
		return "", err
	}
	id, _ := tok.Extra("id").(string)
	if id == "" {
		id = auth.InstanceURL(tok)
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:8]), nil
}

// parseErrorBody reads Salesforce's error body (through sobjects, which
// knows every form it takes) as one code and a one-line message, or
// describes what else came back.
func parseErrorBody(body []byte) (code auth.ErrorCode, message string) {
	e := sobjects.ParseErrorBody("", 0, body)
	if !errors.Is(e, sobjects.ErrMalformedResponse) {
		return e.Code, oneLine(e.Message)
	}
	return "", snippet(body)
}

// snippet describes a body that is not a Salesforce error: empty, or its
// first characters on one line.
func snippet(body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" {
		return "empty body"
	}
	return "unexpected body: " + excerpt(s)
}

// excerpt returns the start of s on one line.
func excerpt(s string) string {
	const max = 120
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "..."
	}
	return oneLine(s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// countingDoer counts the requests sent through it.
type countingDoer struct {
	next *http.Client
	n    *atomic.Int64
}

func (d countingDoer) Do(req *http.Request) (*http.Response, error) {
	d.n.Add(1)
	return d.next.Do(req)
}

// countingSource counts the tokens minted. It keeps the context of
// [auth.ContextTokenSource] so that the session bounds each refresh.
type countingSource struct {
	src oauth2.TokenSource
	n   *atomic.Int64
}

func (s *countingSource) Token() (*oauth2.Token, error) {
	s.n.Add(1)
	return s.src.Token()
}

func (s *countingSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	cs, ok := s.src.(auth.ContextTokenSource)
	if !ok {
		return s.Token()
	}
	s.n.Add(1)
	return cs.TokenContext(ctx)
}
