// Package fakeorg is the loopback Salesforce org that the benchmarks of
// this module run against: an OAuth token endpoint (refresh token with
// optional rotation, and client credentials) and the REST resources the
// benchmarks call (one Account by id, PATCH of it, and queries whose pages
// hold 2,000 realistic records).
//
// Two server models decide what a new token does to the old ones:
//
//   - [Tolerant]: expiry kills the tokens issued so far; tokens issued
//     afterwards all stay valid, whatever comes later. Refresh tokens do
//     not rotate.
//   - [Revoking]: each new access token revokes every older one, refresh
//     tokens rotate on every use, and replaying a rotated-out refresh token
//     revokes the whole family (every access token and the current refresh
//     token), as Salesforce documents for rotation.
//
// Every request, API or token, may wait a random latency first
// ([Org.SetLatency]), so that responses of a burst come back spread out as
// they do from a real org.
package fakeorg

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/typedforce/typedforce/internal/fleet"
)

// Model is how the org treats older tokens when it issues a new one.
type Model int

const (
	// Tolerant keeps every token issued after the last expiry valid.
	Tolerant Model = iota
	// Revoking keeps only the newest access token valid, rotates refresh
	// tokens, and revokes the family when a rotated-out one is replayed.
	Revoking
)

func (m Model) String() string {
	if m == Revoking {
		return "revoking"
	}
	return "tolerant"
}

// Credentials of the connected app the org accepts.
const (
	ClientID     = "3MVG9bench.client.id"
	ClientSecret = "bench-client-secret"
)

// ExpiredBody is the body of a 401 for an expired or revoked session.
const ExpiredBody = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`

// Org is a loopback Salesforce org. Its zero value is not usable; call
// [New]. It is safe for concurrent use.
type Org struct {
	// URL is the base URL of the server (http://127.0.0.1:port): the
	// login URL, the My Domain URL and the instance_url at once.
	URL string

	srv *httptest.Server

	tokenCalls   atomic.Int64 // token requests received
	tokenFails   atomic.Int64 // token requests refused
	apiCalls     atomic.Int64 // API requests received
	unauthorized atomic.Int64 // 401s served
	patches      atomic.Int64 // PATCHes accepted
	familyKills  atomic.Int64 // replayed refresh tokens that revoked a family
	conns        atomic.Int64 // connections accepted

	mu      sync.Mutex
	model   Model
	seq     int64           // tokens minted, ever (tokens are unique across resets)
	valid   map[string]bool // accepted access tokens
	refresh string          // the refresh token the endpoint accepts; "" once revoked
	rotated map[string]bool // rotated-out refresh tokens (Revoking)
	latency time.Duration   // upper bound of the random wait before each answer
	onPatch func([]byte)    // sees each PATCH body
	hold    fleet.Hold      // holds a token request mid-flight

	bulkJobs bulkState

	pagesMu sync.Mutex
	pages   map[int][]byte // records arrays by length
	full    []byte         // the records array of a full page
}

// New starts an org on a loopback port in the Tolerant model, with no
// valid token and refresh token "rt-0". Close it when done.
func New() *Org {
	o := &Org{pages: map[int][]byte{}}
	o.full = Records(PageSize)
	o.pages[PageSize] = o.full
	o.srv = httptest.NewUnstartedServer(http.HandlerFunc(o.serve))
	o.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			o.conns.Add(1)
		}
	}
	o.srv.Start()
	o.URL = o.srv.URL
	o.Reset(Tolerant)
	return o
}

// Close stops the server.
func (o *Org) Close() { o.srv.Close() }

// Reset starts a new token family in model m: no access token is valid,
// and the returned refresh token is the only one the endpoint accepts.
// Counters are not reset (read them before and after).
func (o *Org) Reset(m Model) (refreshToken string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.model = m
	o.valid = map[string]bool{}
	o.rotated = map[string]bool{}
	o.seq++
	o.refresh = fmt.Sprintf("5Aep861bench.rt-%d", o.seq)
	return o.refresh
}

// Expire makes every access token issued so far invalid, as when the
// org's session timeout passes. Refresh tokens are not affected.
func (o *Org) Expire() {
	o.mu.Lock()
	o.valid = map[string]bool{}
	o.mu.Unlock()
}

// SetLatency makes every answer wait a uniformly random time in [0, max)
// first (0: none).
func (o *Org) SetLatency(max time.Duration) {
	o.mu.Lock()
	o.latency = max
	o.mu.Unlock()
}

// OnPatch makes the org hand every PATCH body it accepts to f (nil: none).
func (o *Org) OnPatch(f func(body []byte)) {
	o.mu.Lock()
	o.onPatch = f
	o.mu.Unlock()
}

// HoldNextToken makes the next token request send its X-Worker header to
// worker and wait until release is closed. If its client goes away
// meanwhile (a process killed mid-refresh), the request is dropped
// unprocessed: the refresh token is not spent.
func (o *Org) HoldNextToken() (worker <-chan string, release chan<- struct{}) { return o.hold.Next() }

// Counts are the org's counters at one moment.
type Counts struct {
	TokenCalls, TokenFails, APICalls, Unauthorized, Patches, FamilyKills int64
	Conns                                                                int64 // connections accepted
}

// Counts reads the counters.
func (o *Org) Counts() Counts {
	return Counts{
		TokenCalls: o.tokenCalls.Load(), TokenFails: o.tokenFails.Load(),
		APICalls: o.apiCalls.Load(), Unauthorized: o.unauthorized.Load(),
		Patches: o.patches.Load(), FamilyKills: o.familyKills.Load(), Conns: o.conns.Load(),
	}
}

// Sub returns the counts of c since an earlier reading before.
func (c Counts) Sub(before Counts) Counts {
	return Counts{
		TokenCalls: c.TokenCalls - before.TokenCalls, TokenFails: c.TokenFails - before.TokenFails,
		APICalls: c.APICalls - before.APICalls, Unauthorized: c.Unauthorized - before.Unauthorized,
		Patches: c.Patches - before.Patches, FamilyKills: c.FamilyKills - before.FamilyKills,
		Conns: c.Conns - before.Conns,
	}
}

func (o *Org) wait() {
	o.mu.Lock()
	d := o.latency
	o.mu.Unlock()
	if d > 0 {
		time.Sleep(rand.N(d))
	}
}

func (o *Org) serve(w http.ResponseWriter, r *http.Request) {
	o.wait()
	if r.URL.Path == "/services/oauth2/token" {
		o.token(w, r)
		return
	}
	o.api(w, r)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (o *Org) tokenError(w http.ResponseWriter, code, desc string) {
	o.tokenFails.Add(1)
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": desc})
	writeJSON(w, http.StatusBadRequest, string(b))
}

// token serves POST /services/oauth2/token.
func (o *Org) token(w http.ResponseWriter, r *http.Request) {
	o.tokenCalls.Add(1)
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		o.tokenError(w, "invalid_request", "bad request")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != ClientID {
		o.tokenError(w, "invalid_client_id", "client identifier invalid")
		return
	}
	if !o.hold.Wait(r) {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var newRefresh string
	switch f.Get("grant_type") {
	case "refresh_token":
		rt := f.Get("refresh_token")
		switch {
		case rt != "" && rt == o.refresh:
		case o.rotated[rt]:
			// A rotated-out refresh token replayed: revoke the family.
			// Every token of the family is dead from now on; presenting
			// any of them again is a plain invalid_grant.
			o.familyKills.Add(1)
			o.valid = map[string]bool{}
			o.rotated = map[string]bool{}
			o.refresh = ""
			o.tokenError(w, "invalid_grant", "expired access/refresh token")
			return
		default:
			o.tokenError(w, "invalid_grant", "expired access/refresh token")
			return
		}
		if o.model == Revoking {
			o.rotated[o.refresh] = true
			o.seq++
			o.refresh = fmt.Sprintf("5Aep861bench.rt-%d", o.seq)
			newRefresh = o.refresh
		}
	case "client_credentials":
		if f.Get("client_secret") != ClientSecret {
			o.tokenError(w, "invalid_client", "invalid client credentials")
			return
		}
	default:
		o.tokenError(w, "unsupported_grant_type", "grant type not supported")
		return
	}
	o.seq++
	tok := fmt.Sprintf("00Dxx0000001gPF!AQ4AQbench.%d", o.seq)
	if o.model == Revoking {
		o.valid = map[string]bool{}
	}
	o.valid[tok] = true
	resp := map[string]string{
		"access_token": tok,
		"instance_url": o.URL,
		"id":           o.URL + "/id/00Dxx0000001gPFEAY/005xx000001Sv6eAAC",
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(time.Now().UnixMilli(), 10),
		"signature":    "c2lnbmF0dXJlLW5vdC1jaGVja2Vk",
		"scope":        "api refresh_token",
	}
	if newRefresh != "" {
		resp["refresh_token"] = newRefresh
	}
	b, _ := json.Marshal(resp)
	writeJSON(w, http.StatusOK, string(b))
}

func (o *Org) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.valid[tok]
}

var (
	dataPath = regexp.MustCompile(`^/services/data/v[0-9]+\.[0-9]+(/.*)$`)
	record   = regexp.MustCompile(`^/sobjects/Account/([A-Za-z0-9]{15}|[A-Za-z0-9]{18})$`)
	more     = regexp.MustCompile(`^/query/01gxx0000001BenAAA-([0-9]+)-([0-9]+)$`)
	limit    = regexp.MustCompile(`(?i)\bLIMIT\s+([0-9]+)\s*$`)
)

// api serves /services/data/vXX.X/...: GET and PATCH of an Account, the
// query resource and its next pages, and /limits.
func (o *Org) api(w http.ResponseWriter, r *http.Request) {
	o.apiCalls.Add(1)
	m := dataPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		writeJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
		return
	}
	version := r.URL.Path[len("/services/data/") : len(r.URL.Path)-len(m[1])]
	rest := m[1]
	if r.Body != nil {
		defer r.Body.Close()
	}
	if !o.authorized(r) {
		o.unauthorized.Add(1)
		writeJSON(w, http.StatusUnauthorized, ExpiredBody)
		return
	}
	w.Header().Set("Sforce-Limit-Info", "api-usage=18/5000")
	if strings.HasPrefix(rest, "/jobs/") && o.bulk(w, r, rest) {
		return
	}
	switch {
	case record.MatchString(rest):
		id := record.FindStringSubmatch(rest)[1]
		switch r.Method {
		case http.MethodGet:
			i, _ := strconv.Atoi(id[5:15])
			writeJSON(w, http.StatusOK, Record(i))
		case http.MethodPatch:
			body, err := io.ReadAll(r.Body)
			var fields map[string]any
			if err != nil || json.Unmarshal(body, &fields) != nil || len(fields) == 0 {
				writeJSON(w, http.StatusBadRequest, `[{"errorCode":"JSON_PARSER_ERROR","message":"bad body"}]`)
				return
			}
			o.patches.Add(1)
			o.mu.Lock()
			hook := o.onPatch
			o.mu.Unlock()
			if hook != nil {
				hook(body)
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, http.StatusMethodNotAllowed, `[{"errorCode":"METHOD_NOT_ALLOWED","message":"HTTP Method not allowed"}]`)
		}
	case r.Method == http.MethodGet && (rest == "/query" || rest == "/query/"):
		total := PageSize
		if lm := limit.FindStringSubmatch(r.URL.Query().Get("q")); lm != nil {
			total, _ = strconv.Atoi(lm[1])
		}
		o.page(w, version, total, 0)
	case r.Method == http.MethodGet && more.MatchString(rest):
		mm := more.FindStringSubmatch(rest)
		total, _ := strconv.Atoi(mm[1])
		offset, _ := strconv.Atoi(mm[2])
		o.page(w, version, total, offset)
	case r.Method == http.MethodGet && rest == "/limits":
		writeJSON(w, http.StatusOK, `{"DailyApiRequests":{"Max":5000,"Remaining":4982}}`)
	default:
		writeJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	}
}

// records returns the records array of n records, cached.
func (o *Org) records(n int) []byte {
	o.pagesMu.Lock()
	defer o.pagesMu.Unlock()
	b, ok := o.pages[n]
	if !ok {
		b = Records(n)
		o.pages[n] = b
	}
	return b
}

// page writes the page of a query of total records that starts at offset.
// Every full page carries the same 2,000 records.
func (o *Org) page(w http.ResponseWriter, version string, total, offset int) {
	n := min(PageSize, max(total-offset, 0))
	head := fmt.Sprintf(`{"totalSize":%d,"done":true,"records":`, total)
	if offset+n < total {
		head = fmt.Sprintf(`{"totalSize":%d,"done":false,"nextRecordsUrl":"/services/data/%s/query/01gxx0000001BenAAA-%d-%d","records":`,
			total, version, total, offset+n)
	}
	recs := o.records(n)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(recs)+1))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, head)
	_, _ = w.Write(recs)
	_, _ = io.WriteString(w, "}")
}
