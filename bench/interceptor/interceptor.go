// Package interceptor re-implements, as a baseline, the token refresh
// design most often written by hand (and copied from axios and OkHttp
// answers): a response interceptor with an isRefreshing flag and a queue.
//
//   - A request goes out with the current token.
//   - On a 401, a request that was not retried yet is marked as retried.
//     If a refresh is running (isRefreshing), it joins the queue and waits
//     for the new token; otherwise it sets isRefreshing, refreshes, hands
//     the new token to the queue, clears isRefreshing.
//   - Either way it is sent once more with the new token.
//
// What it does not do is check which token the failed request carried: a
// 401 that arrives after a refresh finished (the request was sent before
// it, with the old token, and answered late) starts another refresh. When
// each new token revokes the previous one, that refresh kills the token the
// other requests are being retried with.
//
// Refreshes never overlap (the flag serializes them), so a rotated refresh
// token is never replayed. This is the kinder variant: every request is
// retried at most once, queued ones included, so it cannot loop.
package interceptor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Client sends requests with a Salesforce access token and renews the
// token through the refresh token flow when the API answers 401. It is
// safe for concurrent use.
type Client struct {
	// HTTP sends the requests, token requests included.
	HTTP *http.Client
	// TokenURL is the OAuth token endpoint.
	TokenURL string
	// ClientID and ClientSecret identify the connected app.
	ClientID, ClientSecret string

	mu           sync.Mutex
	token        string
	refreshToken string
	isRefreshing bool
	queue        []chan error
}

// New returns a client that starts from refreshToken and mints its first
// access token on the first request.
func New(hc *http.Client, tokenURL, clientID, clientSecret, refreshToken string) *Client {
	return &Client{HTTP: hc, TokenURL: tokenURL, ClientID: clientID, ClientSecret: clientSecret, refreshToken: refreshToken}
}

// Do sends req with the current token (the "request interceptor") and
// handles a 401 as described in the package documentation (the "response
// interceptor"). req must be replayable (GetBody set when it has a body).
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	tok := c.token
	c.mu.Unlock()
	if tok == "" {
		if err := c.refresh(req.Context()); err != nil {
			return nil, err
		}
		c.mu.Lock()
		tok = c.token
		c.mu.Unlock()
	}
	resp, err := c.send(req, tok, false)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	drain(resp)
	// originalRequest._retry = true
	if err := c.refresh(req.Context()); err != nil {
		return nil, err
	}
	c.mu.Lock()
	tok = c.token
	c.mu.Unlock()
	return c.send(req, tok, true)
}

// refresh joins the refresh in progress, or runs one.
func (c *Client) refresh(ctx context.Context) error {
	c.mu.Lock()
	if c.isRefreshing {
		ch := make(chan error, 1)
		c.queue = append(c.queue, ch)
		c.mu.Unlock()
		select {
		case err := <-ch:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.isRefreshing = true
	rt := c.refreshToken
	c.mu.Unlock()

	tok, newRT, err := c.mint(ctx, rt)

	c.mu.Lock()
	if err == nil {
		c.token = tok
		if newRT != "" {
			c.refreshToken = newRT
		}
	}
	q := c.queue
	c.queue = nil
	c.isRefreshing = false
	c.mu.Unlock()
	for _, ch := range q {
		ch <- err
	}
	return err
}

// mint spends refresh token rt at the token endpoint.
func (c *Client) mint(ctx context.Context, rt string) (token, refreshToken string, err error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {c.ClientID},
		"client_secret": {c.ClientSecret},
		"refresh_token": {rt},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", "", fmt.Errorf("token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		return "", "", errors.New("token request failed: " + resp.Status + " " + body.Error)
	}
	return body.AccessToken, body.RefreshToken, nil
}

// send sends a clone of req with tok; replay gives it a fresh body.
func (c *Client) send(req *http.Request, tok string, replay bool) (*http.Response, error) {
	r := req.Clone(req.Context())
	if replay && req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, errors.New("interceptor: request body cannot be replayed")
		}
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = b
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	return c.HTTP.Do(r)
}

func drain(resp *http.Response) {
	var b [512]byte
	for {
		if _, err := resp.Body.Read(b[:]); err != nil {
			break
		}
	}
	resp.Body.Close()
}
