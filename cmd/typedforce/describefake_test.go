package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/typedforce/typedforce/internal/sfgen"
)

// Secrets of the fake org's connected app: no output may contain them.
const (
	fakeClientID     = "3MVG9fakeClientId"
	fakeClientSecret = "fake-client-secret-5f2c"
	fakeRefreshToken = "5Aep861fakeRefreshToken"
	fakeTokenPrefix  = "00Dxx0000001gER!AQcAQfakeAccessToken"
	fakeVersion      = "62.0" // in the URLs inside describes (the bundled org's); requests use sfgen.DefaultAPIVersion
)

// uiHost is the placeholder of the org's own host in served describes.
const uiHost = "https://ORGHOST"

// fakeObject is one sObject of the fake org.
type fakeObject struct {
	name, label       string
	custom, queryable bool
	body              []byte    // compact describe JSON, as Salesforce sends it
	modified          time.Time // metadata last changed
	lastModified      bool      // send a Last-Modified header
}

// fakeFailure is a canned response for one object's describe.
type fakeFailure struct {
	status      int
	contentType string
	body        string
}

// fakeOrg is a loopback Salesforce org: the token endpoint of the refresh
// token flow, the global describe and the sObject describes of
// /services/data/v62.0, with If-Modified-Since, session expiry, error
// injection and request counting.
type fakeOrg struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	objects  []*fakeObject
	current  string // the access token the org accepts; "" when none
	minted   int
	identity string // user id in the token's identity URL

	tokenRequests, apiRequests, describes, notModified, rejected int

	expireAt   []int // expire the session after the describes with these (1-based) numbers
	limitAfter int   // API requests served before REQUEST_LIMIT_EXCEEDED (0: no limit)
	rejectAll  bool  // reject every session (minted tokens included)
	failures   map[string]fakeFailure

	inflight, maxInflight int
	barrier               int           // describes wait until this many are in flight
	released              chan struct{} // closed when the barrier is reached
}

// newFakeOrg serves the bundled org's describes (with the ui* URLs a real
// org adds), a small custom object Gadget__c, a non-queryable
// GadgetChangeEvent, and extra objects.
func newFakeOrg(t *testing.T, extra ...*fakeObject) *fakeOrg {
	t.Helper()
	f := &fakeOrg{t: t, failures: map[string]fakeFailure{}, identity: "005xx000001Sv6AAAS"}
	old := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, body := range bundledBodies(t) {
		o := objectFromDescribe(t, body)
		o.modified = old
		f.objects = append(f.objects, o)
	}
	gadget := objectFromDescribe(t, syntheticDescribe("Gadget__c", "Gadget", true, true))
	gadget.modified, gadget.lastModified = old, true
	event := objectFromDescribe(t, syntheticDescribe("GadgetChangeEvent", "Change Event: Gadget", false, false))
	event.modified = old
	f.objects = append(f.objects, gadget, event)
	for _, o := range extra {
		o.modified = old
		f.objects = append(f.objects, o)
	}
	slices.SortFunc(f.objects, func(a, b *fakeObject) int { return strings.Compare(a.name, b.name) })
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

var bundledOnce struct {
	sync.Once
	bodies [][]byte
	err    error
}

// bundledBodies returns the bundled org's describes as the fake org serves
// them (read once for all tests).
func bundledBodies(t *testing.T) [][]byte {
	t.Helper()
	bundledOnce.Do(func() {
		entries, err := os.ReadDir(bundled)
		if err != nil {
			bundledOnce.err = err
			return
		}
		for _, e := range entries {
			if filepath.Ext(e.Name()) != ".json" {
				continue // describe.go embeds them
			}
			data, err := os.ReadFile(filepath.Join(bundled, e.Name()))
			if err != nil {
				bundledOnce.err = err
				return
			}
			body, err := withUIURLs(data)
			if err != nil {
				bundledOnce.err = fmt.Errorf("%s: %w", e.Name(), err)
				return
			}
			bundledOnce.bodies = append(bundledOnce.bodies, body)
		}
	})
	if bundledOnce.err != nil {
		t.Fatal(bundledOnce.err)
	}
	return bundledOnce.bodies
}

// withUIURLs adds to the top-level urls of a describe the absolute ui*
// URLs a real org serves, and compacts it.
func withUIURLs(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, err
	}
	s := buf.String()
	i := strings.LastIndex(s, `"urls":{`)
	if i < 0 {
		return nil, errors.New("describe without urls")
	}
	i += len(`"urls":{`)
	ui := `"uiDetailTemplate":"` + uiHost + `/{ID}","uiEditTemplate":"` + uiHost + `/{ID}/e",`
	return []byte(s[:i] + ui + s[i:]), nil
}

// syntheticDescribe is a small describe result, compact, with ui* URLs.
func syntheticDescribe(name, label string, custom, queryable bool) []byte {
	base := "/services/data/v" + fakeVersion + "/sobjects/" + name
	d := fmt.Sprintf(`{"custom":%t,"fields":[`+
		`{"name":"Id","label":"Record ID","type":"id","soapType":"tns:ID","nillable":false,"createable":false,"updateable":false},`+
		`{"name":"Name","label":"Name","type":"string","soapType":"xsd:string","length":80,"nillable":true,"createable":true,"updateable":true,"inlineHelpText":"caf\u00e9 \"quoted\" <b> é"}],`+
		`"label":%q,"name":%q,"queryable":%t,"recordTypeInfos":[{"name":"Master","urls":{"layout":"%s/describe/layouts/012000000000000AAA"}}],`+
		`"urls":{"uiEditTemplate":"%s/{ID}/e","sobject":"%s","uiDetailTemplate":"%s/{ID}","describe":"%s/describe","uiNewRecord":"%s/a00/e"}}`,
		custom, label, name, queryable, base, uiHost, base, uiHost, base, uiHost)
	return []byte(d)
}

func objectFromDescribe(t *testing.T, body []byte) *fakeObject {
	t.Helper()
	var d struct {
		Name, Label       string
		Custom, Queryable bool
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	return &fakeObject{name: d.Name, label: d.Label, custom: d.Custom, queryable: d.Queryable, body: body}
}

// env points the SF_* variables at the fake org (refresh token flow).
func (f *fakeOrg) env(t *testing.T) {
	for _, v := range []string{"SF_ACCESS_TOKEN", "SF_INSTANCE_URL", "SF_USERNAME", "SF_JWT_KEY_FILE", "SF_JWT_AUDIENCE", "SF_API_VERSION"} {
		t.Setenv(v, "")
	}
	t.Setenv("SF_LOGIN_URL", f.srv.URL)
	t.Setenv("SF_CLIENT_ID", fakeClientID)
	t.Setenv("SF_CLIENT_SECRET", fakeClientSecret)
	t.Setenv("SF_REFRESH_TOKEN", fakeRefreshToken)
}

// object returns the object named name (any case).
func (f *fakeOrg) object(name string) *fakeObject {
	for _, o := range f.objects {
		if strings.EqualFold(o.name, name) {
			return o
		}
	}
	return nil
}

// change changes an object's describe, as adding a field in Setup would.
func (f *fakeOrg) change(name string, edit func(body []byte) []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.object(name)
	o.body = edit(o.body)
	o.modified = time.Now().Add(time.Hour) // later than any pull's date
}

// counts returns the request counters and resets them.
func (f *fakeOrg) counts() (tokens, api, describes, notModified int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tokens, api, describes, notModified = f.tokenRequests, f.apiRequests, f.describes, f.notModified
	f.tokenRequests, f.apiRequests, f.describes, f.notModified, f.rejected = 0, 0, 0, 0, 0
	return
}

func (f *fakeOrg) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/services/oauth2/token" {
		f.token(w, r)
		return
	}
	f.mu.Lock()
	f.apiRequests++
	if r.Header.Get("Authorization") != "Bearer "+f.current || f.current == "" || f.rejectAll {
		f.rejected++
		f.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
		return
	}
	if f.limitAfter > 0 && f.apiRequests > f.limitAfter {
		f.mu.Unlock()
		writeJSON(w, http.StatusForbidden, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
		return
	}
	f.mu.Unlock()

	rest, ok := strings.CutPrefix(r.URL.Path, "/services/data/v"+sfgen.DefaultAPIVersion+"/sobjects")
	switch {
	case !ok || r.Method != http.MethodGet:
		writeJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	case rest == "" || rest == "/":
		f.global(w)
	case strings.HasSuffix(rest, "/describe"):
		f.describe(w, r, strings.TrimSuffix(strings.TrimPrefix(rest, "/"), "/describe"))
	default:
		writeJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	}
}

func (f *fakeOrg) token(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenRequests++
	if r.PostFormValue("grant_type") != "refresh_token" || r.PostFormValue("client_id") != fakeClientID ||
		r.PostFormValue("client_secret") != fakeClientSecret || r.PostFormValue("refresh_token") != fakeRefreshToken {
		writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`)
		return
	}
	f.minted++
	f.current = fakeTokenPrefix + strconv.Itoa(f.minted)
	body, _ := json.Marshal(map[string]string{
		"access_token": f.current,
		"instance_url": f.srv.URL,
		"id":           f.srv.URL + "/id/00Dxx0000001gEREAY/" + f.identity,
		"issued_at":    strconv.FormatInt(time.Now().UnixMilli(), 10),
		"token_type":   "Bearer",
		"signature":    "c2lnbmF0dXJl",
	})
	writeJSON(w, http.StatusOK, string(body))
}

func (f *fakeOrg) global(w http.ResponseWriter) {
	f.mu.Lock()
	defer f.mu.Unlock()
	type entry struct {
		Custom    bool              `json:"custom"`
		Label     string            `json:"label"`
		Name      string            `json:"name"`
		Queryable bool              `json:"queryable"`
		URLs      map[string]string `json:"urls"`
	}
	var list []entry
	for _, o := range f.objects {
		base := "/services/data/v" + fakeVersion + "/sobjects/" + o.name
		list = append(list, entry{o.custom, o.label, o.name, o.queryable, map[string]string{"sobject": base, "describe": base + "/describe"}})
	}
	body, _ := json.Marshal(map[string]any{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": list})
	writeJSON(w, http.StatusOK, string(body))
}

func (f *fakeOrg) describe(w http.ResponseWriter, r *http.Request, name string) {
	f.mu.Lock()
	o := f.object(name)
	fail, failing := f.failures[strings.ToLower(name)]
	f.inflight++
	f.maxInflight = max(f.maxInflight, f.inflight)
	if f.barrier > 0 && f.released == nil {
		f.released = make(chan struct{})
	}
	if f.barrier > 0 && f.inflight >= f.barrier {
		select {
		case <-f.released:
		default:
			close(f.released)
		}
	}
	released := f.released
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.mu.Unlock()
	}()
	if released != nil {
		// Held until as many describes as the barrier are in flight at once:
		// a pull that is not that parallel hangs here (and the test with it).
		select {
		case <-released:
		case <-r.Context().Done():
			return
		}
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	f.describes++
	defer f.expire()
	switch {
	case failing:
		w.Header().Set("Content-Type", fail.contentType)
		w.WriteHeader(fail.status)
		w.Write([]byte(fail.body))
		return
	case o == nil:
		writeJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
		return
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		since, err := http.ParseTime(ims)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, `[{"errorCode":"INVALID_HEADER","message":"bad If-Modified-Since"}]`)
			return
		}
		if !o.modified.Truncate(time.Second).After(since) {
			f.notModified++
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if o.lastModified {
		w.Header().Set("Last-Modified", o.modified.UTC().Format(http.TimeFormat))
	}
	writeJSON(w, http.StatusOK, strings.ReplaceAll(string(o.body), uiHost, f.srv.URL))
}

// expire invalidates the session after the describes listed in expireAt.
// f.mu is held.
func (f *fakeOrg) expire() {
	if slices.Contains(f.expireAt, f.describes) {
		f.current = ""
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	w.Write([]byte(body))
}
