package redisstore_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/typedforce/typedforce/internal/fleet"
)

const (
	clientID     = "3MVG9fleet.client"
	clientSecret = secretMark + "-client-secret"
	apiPath      = "/services/data/v62.0/limits"
	expiredBody  = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
)

// org is a Salesforce org on loopback: a refresh-token endpoint and one
// API resource. In the revoking model (the default) each new access token
// revokes the older ones, refresh tokens rotate on every use, and replaying
// a rotated-out refresh token revokes the whole family; in the tolerant
// model tokens stay valid until expire and refresh tokens do not rotate.
type org struct {
	srv *httptest.Server

	tokenCalls  atomic.Int64 // token requests received
	minted      atomic.Int64 // tokens issued
	familyKills atomic.Int64 // replayed refresh tokens

	mu       sync.Mutex
	tolerant bool
	seq      int
	valid    map[string]bool
	refresh  string
	rotated  map[string]bool
	hold     fleet.Hold // holds a token request mid-flight
}

func newOrg(tolerant bool) *org {
	o := &org{tolerant: tolerant, valid: map[string]bool{}, rotated: map[string]bool{}, refresh: secretMark + "-rt-0"}
	o.srv = httptest.NewServer(http.HandlerFunc(o.serve))
	return o
}

func (o *org) close() { o.srv.Close() }

// expire invalidates every access token issued so far.
func (o *org) expire() {
	o.mu.Lock()
	o.valid = map[string]bool{}
	o.mu.Unlock()
}

// holdNext makes the next token request report its worker and wait.
func (o *org) holdNext() (worker <-chan string, release chan<- struct{}) { return o.hold.Next() }

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (o *org) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/services/oauth2/token" {
		o.token(w, r)
		return
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	o.mu.Lock()
	ok := o.valid[tok]
	o.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusUnauthorized, expiredBody)
		return
	}
	writeJSON(w, http.StatusOK, `{"DailyApiRequests":{"Max":5000,"Remaining":4982}}`)
}

func (o *org) token(w http.ResponseWriter, r *http.Request) {
	o.tokenCalls.Add(1)
	if r.ParseForm() != nil || r.PostForm.Get("client_id") != clientID || r.PostForm.Get("client_secret") != clientSecret {
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_client","error_description":"invalid client credentials"}`)
		return
	}
	if !o.hold.Wait(r) { // the client died before the request was processed
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rt := r.PostForm.Get("refresh_token")
	switch {
	case rt != "" && rt == o.refresh:
	case o.rotated[rt]:
		o.familyKills.Add(1)
		o.valid, o.rotated, o.refresh = map[string]bool{}, map[string]bool{}, ""
		fallthrough
	default:
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`)
		return
	}
	o.seq++
	resp := map[string]string{
		"access_token": fmt.Sprintf("00D000000000001!%s-at-%d", secretMark, o.seq),
		"instance_url": o.srv.URL,
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(time.Now().UnixMilli(), 10),
	}
	if !o.tolerant {
		o.valid = map[string]bool{}
		o.rotated[o.refresh] = true
		o.refresh = fmt.Sprintf("%s-rt-%d", secretMark, o.seq)
		resp["refresh_token"] = o.refresh
	}
	o.valid[resp["access_token"]] = true
	o.minted.Add(1)
	b, _ := json.Marshal(resp)
	writeJSON(w, http.StatusOK, string(b))
}
