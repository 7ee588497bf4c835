package auth

import (
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// InstanceURL returns the instance_url of a Salesforce token response (for
// example "https://na1.salesforce.com"), or "" when the token has none.
// API requests must go to this URL.
func InstanceURL(tok *oauth2.Token) string {
	if tok == nil {
		return ""
	}
	s, _ := tok.Extra("instance_url").(string)
	return s
}

// IssuedAt returns the issued_at time of a Salesforce token response (a
// string of epoch milliseconds), or the zero time when the token has none
// or it cannot be read.
func IssuedAt(tok *oauth2.Token) time.Time {
	if tok == nil {
		return time.Time{}
	}
	var ms int64
	switch v := tok.Extra("issued_at").(type) {
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return time.Time{}
		}
		ms = n
	case float64: // a JSON number, should a server send one
		ms = int64(v)
	default:
		return time.Time{}
	}
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// secureURL reports whether credentials may be sent to u: https, or plain
// http to a loopback host (tests and local proxies).
func secureURL(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return u.Host != ""
	case "http":
		return isLoopback(u.Hostname())
	}
	return false
}

// sameOrigin reports whether a and b have the same scheme and host (port
// included): the origin a credential was meant for.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

// origin returns scheme://host of u, for error messages: never a path or
// a query string.
func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// redirectError refuses the redirect that req would follow.
func redirectError(op string, req *http.Request) *Error {
	e := &Error{Op: op, Message: "redirect to " + origin(req.URL), Err: ErrRedirect}
	if req.Response != nil {
		e.StatusCode = req.Response.StatusCode
	}
	return e
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// baseURL parses a Salesforce base URL (login, My Domain or instance URL)
// and checks that credentials may be sent to it. what names the setting in
// errors.
func baseURL(raw, what string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, configError("%s is not an absolute http(s) URL", what)
	}
	if !secureURL(u) {
		return nil, &Error{Op: "config", Message: what + " " + origin(u), Err: ErrInsecureURL}
	}
	return u, nil
}
