package sftest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// oauthError is an error of the token endpoint: 400 (usually) with
// {"error","error_description"}.
func oauthError(status int, code, desc string) response {
	return response{status: status, body: mustJSON(map[string]string{"error": code, "error_description": desc}),
		header: http.Header{"Cache-Control": {"no-cache,must-revalidate,max-age=0,no-store,private"}}}
}

func badGrant(desc string) response { return oauthError(http.StatusBadRequest, "invalid_grant", desc) }

const jwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// token serves POST /services/oauth2/token for the refresh token, JWT
// bearer, client credentials and password flows.
func (o *Org) token(r *http.Request) response {
	if err := r.ParseForm(); err != nil {
		return oauthError(http.StatusBadRequest, "invalid_request", "invalid request body")
	}
	clientID, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if id, s, ok := r.BasicAuth(); ok {
		clientID, secret = id, s
	}
	host := r.URL.Host
	if host == "" {
		host = r.Host
	}
	genericLogin := host == "login.salesforce.com" || host == "test.salesforce.com"
	checkClient := func(needSecret bool) (response, bool) {
		switch {
		case clientID != o.creds.ClientID:
			return oauthError(http.StatusBadRequest, "invalid_client_id", "client identifier invalid"), false
		case (needSecret || secret != "") && secret != o.creds.ClientSecret:
			return oauthError(http.StatusBadRequest, "invalid_client", "invalid client credentials"), false
		}
		return response{}, true
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "refresh_token":
		if resp, ok := checkClient(false); !ok {
			return resp
		}
		rt := r.PostForm.Get("refresh_token")
		switch {
		case rt != "" && o.oldTokens[rt]:
			// A rotated-out refresh token: Salesforce revokes the current one
			// and every access token.
			o.refresh = ""
			clear(o.tokens)
			return badGrant("expired access/refresh token")
		case rt == "" || rt != o.refresh:
			return badGrant("expired access/refresh token")
		}
		next := ""
		if o.rotate {
			o.oldTokens[rt] = true
			o.minted++
			next = o.creds.RefreshToken + "." + strconv.Itoa(o.minted)
			o.refresh = next
		}
		return o.issue(next)
	case "client_credentials":
		if genericLogin {
			return badGrant("request not supported on this domain")
		}
		if resp, ok := checkClient(true); !ok {
			return resp
		}
		return o.issue("")
	case "password":
		if resp, ok := checkClient(true); !ok {
			return resp
		}
		if r.PostForm.Get("username") != o.creds.Username || r.PostForm.Get("password") != o.creds.Password {
			return badGrant("authentication failure")
		}
		return o.issue("")
	case jwtGrant:
		return o.jwtBearer(r.PostForm.Get("assertion"))
	case "":
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "grant type not supported")
	default:
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "grant type not supported")
	}
}

// jwtBearer checks a JWT bearer assertion: RS256, iss the consumer key,
// sub the integration user, aud a login URL or the org's URL, exp ahead.
// The signature is not verified. o.mu is held.
func (o *Org) jwtBearer(assertion string) response {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return badGrant("invalid assertion")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp json.Number     `json:"exp"`
	}
	h, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	c, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil || json.Unmarshal(h, &header) != nil || json.Unmarshal(c, &claims) != nil || parts[2] == "" {
		return badGrant("invalid assertion")
	}
	if header.Alg != "RS256" {
		return badGrant("invalid assertion")
	}
	if claims.Iss != o.creds.ClientID {
		return oauthError(http.StatusBadRequest, "invalid_client_id", "client identifier invalid")
	}
	var aud []string
	if json.Unmarshal(claims.Aud, &aud) != nil {
		var one string
		if json.Unmarshal(claims.Aud, &one) != nil {
			return badGrant("invalid assertion")
		}
		aud = []string{one}
	}
	audOK := false
	for _, a := range aud {
		a = strings.TrimRight(a, "/")
		audOK = audOK || a == "https://login.salesforce.com" || a == "https://test.salesforce.com" || a == o.url
	}
	if !audOK {
		return badGrant("audience is invalid")
	}
	exp, err := claims.Exp.Int64()
	if err != nil || time.Unix(exp, 0).Before(time.Now()) {
		return badGrant("invalid assertion")
	}
	if claims.Sub != o.creds.Username {
		return badGrant("user hasn't approved this consumer")
	}
	return o.issue("")
}

// issue mints an access token (with refresh, a rotated refresh token,
// when not ""). o.mu is held.
func (o *Org) issue(refresh string) response {
	o.minted++
	tok := o.orgID[:15] + "!fake." + strconv.Itoa(o.minted)
	o.tokens[tok] = true
	body := map[string]string{
		"access_token": tok,
		"instance_url": o.url,
		"id":           "https://login.salesforce.com/id/" + o.orgID + "/" + o.userID,
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(o.clock().UnixMilli(), 10),
		"signature":    base64.StdEncoding.EncodeToString([]byte("fake-signature-" + strconv.Itoa(o.minted))),
		"scope":        "api refresh_token",
	}
	if refresh != "" {
		body["refresh_token"] = refresh
	}
	return response{status: http.StatusOK, body: mustJSON(body),
		header: http.Header{"Cache-Control": {"no-cache,must-revalidate,max-age=0,no-store,private"}}}
}

// revoke serves POST /services/oauth2/revoke: an access token stops
// working; a refresh token stops working with every access token.
func (o *Org) revoke(r *http.Request) response {
	if err := r.ParseForm(); err != nil {
		return oauthError(http.StatusBadRequest, "invalid_request", "invalid request body")
	}
	tok := r.Form.Get("token")
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case o.tokens[tok]:
		delete(o.tokens, tok)
	case tok != "" && tok == o.refresh:
		o.refresh = ""
		clear(o.tokens)
	default:
		return oauthError(http.StatusBadRequest, "invalid_token", "invalid token")
	}
	return response{status: http.StatusOK}
}
