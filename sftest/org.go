package sftest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	sampledescribe "github.com/typedforce/typedforce/sampleorg/describe"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// DefaultInstanceURL is the instance (My Domain) URL of an org made by
// [New] or [NewOrg].
const DefaultInstanceURL = "https://fake.my.salesforce.com"

// Credentials are those of the fake org's connected app and user. Every
// OAuth flow of the token endpoint checks them.
type Credentials struct {
	ClientID     string // consumer key
	ClientSecret string // consumer secret
	RefreshToken string // the refresh token the app holds (refresh token flow)
	Username     string // the integration user (JWT bearer and password flows)
	Password     string // password plus security token (password flow)
}

// DefaultCredentials returns the credentials of an org made without
// [WithCredentials].
func DefaultCredentials() Credentials {
	return Credentials{
		ClientID:     "3MVG9fakeConsumerKey",
		ClientSecret: "fake-consumer-secret",
		RefreshToken: "5Aep861fakeRefreshToken",
		Username:     "integration@fake.example.com",
		Password:     "fake-password",
	}
}

// Org is a fake Salesforce org: an [http.Handler] that serves the token
// endpoint and the REST API (describes, sObject rows, upsert, sObject
// Collections, queries) from an in-memory store, validating writes
// against the org's describes the way Salesforce does.
//
// [NewOrg] serves it on a per-test httpmock transport, [NewServer] on a
// loopback HTTP server, [New] as a bare handler. Its methods seed and
// inspect records ([Org.Insert], [Seed], [Org.Record], [Read]), inject
// faults ([Org.ExpireSession], [Org.FailNext], [Org.SetLatency]) and count
// requests ([Org.Stats]). An Org is safe for concurrent use.
type Org struct {
	schema   *schema
	url      string // instance URL, no trailing slash
	host     string
	creds    Credentials
	rotate   bool
	apiLimit int
	batch    int
	minBatch int
	clock    func() time.Time
	orgID    string
	userID   string

	mock *httpmock.MockTransport
	hc   *http.Client

	clientOnce sync.Once
	client     *sobjects.Client
	clientErr  error

	// txn lets a composite, tree or graph request run alone (see
	// ServeHTTP); every other request holds it shared.
	txn       sync.RWMutex
	mu        sync.Mutex
	journal   *[]func() // undos of the running composite request, when set
	apex      []apexRoute
	tables    map[*object]*table
	tokens    map[string]bool // valid access tokens
	refresh   string          // the current refresh token
	oldTokens map[string]bool // refresh tokens rotated out
	minted    int
	cursors   map[string]*cursor
	cursorSeq int
	apiCalls  int // counted against the daily limit
	stats     Stats
	faults    []*pendingFault
	latency   time.Duration
	bulkJobs  map[string]*bulkJob
	bulkSeq   int
	bulkDelay time.Duration
}

// Option configures an [Org].
type Option func(*config)

type config struct {
	fsys      fs.FS
	dir       string
	url       string
	creds     Credentials
	rotate    bool
	apiLimit  int
	batch     int
	clock     func() time.Time
	bulkDelay time.Duration
}

// WithDescribeDir loads the org's schema from a folder of describe JSON
// files (one per sObject, as `typedforce describe` writes them) instead of
// the sample org (package sampleorg).
func WithDescribeDir(dir string) Option { return func(c *config) { c.dir = dir } }

// WithDescribeFS loads the org's schema from the *.json files at the root
// of fsys, such as an embed.FS of your own.
func WithDescribeFS(fsys fs.FS) Option { return func(c *config) { c.fsys = fsys } }

// WithInstanceURL sets the org's instance URL (default
// [DefaultInstanceURL]). It must be https, or http on a loopback host.
func WithInstanceURL(u string) Option { return func(c *config) { c.url = u } }

// WithCredentials sets the connected app and user credentials the token
// endpoint accepts (default [DefaultCredentials]).
func WithCredentials(cr Credentials) Option { return func(c *config) { c.creds = cr } }

// WithRefreshTokenRotation makes the refresh token flow rotate refresh
// tokens as Salesforce does when the app asks for it: each refresh returns
// a new refresh token and invalidates the one it spent; replaying a spent
// one revokes the current refresh token and every access token.
func WithRefreshTokenRotation() Option { return func(c *config) { c.rotate = true } }

// WithAPILimit sets the org's daily API request limit (default 15,000),
// reported in Sforce-Limit-Info. Past it, requests fail with 403
// REQUEST_LIMIT_EXCEEDED.
func WithAPILimit(n int) Option { return func(c *config) { c.apiLimit = n } }

// WithBatchSize sets the size of query pages when the request has no
// Sforce-Query-Options header (default 2,000, as Salesforce). Any n >= 1
// is allowed, so that tests can page through a few records; the header's
// batchSize is honoured from min(200, n) to 2,000.
func WithBatchSize(n int) Option { return func(c *config) { c.batch = n } }

// WithClock sets the clock of CreatedDate, LastModifiedDate and
// SystemModstamp (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// sampleSchema is the sample org's schema, read once: schemas do not
// change once loaded (records live in each Org).
var sampleSchema = sync.OnceValues(func() (*schema, error) { return loadSchema(sampledescribe.FS()) })

// New returns a fake org. It serves nothing by itself: use it as an
// http.Handler, or through [Org.Client] and [Org.HTTPClient], which reach
// it in-process through its httpmock transport.
func New(opts ...Option) (*Org, error) {
	c := config{url: DefaultInstanceURL, creds: DefaultCredentials(), apiLimit: 15000, batch: 2000, clock: time.Now}
	for _, opt := range opts {
		opt(&c)
	}
	var s *schema
	var err error
	switch {
	case c.dir != "":
		if _, err = os.Stat(c.dir); err != nil {
			return nil, fmt.Errorf("sftest: describe folder: %w", err)
		}
		s, err = loadSchema(os.DirFS(c.dir))
	case c.fsys != nil:
		s, err = loadSchema(c.fsys)
	default:
		s, err = sampleSchema()
	}
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimRight(c.url, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.Path != "" {
		return nil, fmt.Errorf("sftest: instance URL %q: want https://host", c.url)
	}
	if c.batch < 1 || c.batch > 2000 {
		return nil, fmt.Errorf("sftest: batch size %d, want 1 to 2000", c.batch)
	}
	o := &Org{
		schema: s, url: u.String(), host: u.Host, creds: c.creds, rotate: c.rotate, apiLimit: c.apiLimit,
		batch: c.batch, minBatch: min(200, c.batch), clock: c.clock,
		orgID: newID("00D", 1), userID: newID("005", 1),
		tables: map[*object]*table{}, tokens: map[string]bool{}, oldTokens: map[string]bool{},
		refresh: c.creds.RefreshToken, cursors: map[string]*cursor{},
		stats:    Stats{Requests: map[Endpoint]int{}},
		bulkJobs: map[string]*bulkJob{}, bulkDelay: c.bulkDelay,
	}
	o.seedUser()
	o.mock = httpmock.NewMockTransport()
	o.register(o.mock)
	o.hc = &http.Client{Transport: o.mock}
	return o, nil
}

// NewOrg returns a fake org for the test tb, served on a new httpmock
// transport of its own (never the global one) at [DefaultInstanceURL].
// Its [Org.Client] is a ready typed client, authorized through the org's
// token endpoint with the refresh token flow. A bad option fails tb.
func NewOrg(tb testing.TB, opts ...Option) *Org {
	tb.Helper()
	o, err := New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return o
}

// NewServer returns a fake org for the test tb served by a loopback HTTP
// server, for code that does not take an http.Client: point it at
// [Org.URL] (instance and login URL alike) or set the SF_* variables of
// [Org.Env]. The server closes when the test ends. A bad option fails tb.
func NewServer(tb testing.TB, opts ...Option) *Org {
	tb.Helper()
	srv := httptest.NewUnstartedServer(nil)
	o, err := New(append(opts, WithInstanceURL("http://"+srv.Listener.Addr().String()))...)
	if err != nil {
		srv.Listener.Close()
		tb.Fatal(err)
	}
	srv.Config.Handler = o
	srv.Start()
	tb.Cleanup(srv.Close)
	o.hc = srv.Client()
	return o
}

// seedUser stores the integration user, the owner of the records the API
// creates, when the org describes User.
func (o *Org) seedUser() {
	user := o.schema.object("User")
	if user == nil {
		return
	}
	at := strings.IndexByte(o.creds.Username, '@')
	alias := o.creds.Username
	if at > 0 {
		alias = o.creds.Username[:at]
	}
	vals := map[string]any{"Id": o.userID, "Username": o.creds.Username, "FirstName": "Integration", "LastName": "User",
		"Email": o.creds.Username, "Alias": truncate(alias, 8), "IsActive": true}
	for k := range vals {
		if user.field(k) == nil {
			delete(vals, k)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.insert(user, vals)
}

var mockMethods = []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete, http.MethodHead}

// register routes the org's instance URL, and the token endpoints of
// login.salesforce.com and test.salesforce.com, to the org on mock.
func (o *Org) register(mock *httpmock.MockTransport) {
	instance := regexp.MustCompile(`^` + regexp.QuoteMeta(o.url) + `(/|$)`)
	login := regexp.MustCompile(`^https://(login|test)\.salesforce\.com/services/oauth2/`)
	responder := func(req *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		if err := req.Context().Err(); err != nil {
			return nil, err // given up during the latency
		}
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	}
	for _, m := range mockMethods {
		mock.RegisterRegexpResponder(m, instance, responder)
		mock.RegisterRegexpResponder(m, login, responder)
	}
}

// URL returns the instance URL: the base of the REST API and of the token
// endpoint (/services/oauth2/token).
func (o *Org) URL() string { return o.url }

// Credentials returns the credentials the org accepts.
func (o *Org) Credentials() Credentials { return o.creds }

// Transport returns the org's httpmock transport. Register responders of
// your own on it to mock other services in the same test.
func (o *Org) Transport() *httpmock.MockTransport { return o.mock }

// HTTPClient returns an HTTP client that reaches the org: through its
// httpmock transport, or the loopback server's client for [NewServer].
func (o *Org) HTTPClient() *http.Client { return o.hc }

// Env returns the SF_* environment variables of the refresh token flow
// for the org, as [auth.FromEnv] and sobjects.NewFromEnv read them.
func (o *Org) Env() map[string]string {
	return map[string]string{
		"SF_LOGIN_URL":     o.url,
		"SF_CLIENT_ID":     o.creds.ClientID,
		"SF_CLIENT_SECRET": o.creds.ClientSecret,
		"SF_REFRESH_TOKEN": o.creds.RefreshToken,
	}
}

// TokenSource returns a source that mints tokens from the org's token
// endpoint with the refresh token flow, over [Org.HTTPClient]: what to
// give [auth.NewSession] for a session of your own.
func (o *Org) TokenSource() oauth2.TokenSource {
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, o.hc)
	return auth.RefreshTokenConfig{LoginURL: o.url, ClientID: o.creds.ClientID,
		ClientSecret: o.creds.ClientSecret, RefreshToken: o.creds.RefreshToken}.TokenSource(ctx)
}

// Client returns the org's typed client: the same one on every call, so
// that its session (and token refreshes) can be counted. Its first call
// mints a token. It panics if the client cannot be built, which a valid org
// rules out.
func (o *Org) Client() *sobjects.Client {
	o.clientOnce.Do(func() { o.client, o.clientErr = o.NewClient() })
	if o.clientErr != nil {
		panic(o.clientErr)
	}
	return o.client
}

// NewClient returns a new typed client of the org, with a session of its
// own and opts after the org's HTTP client.
func (o *Org) NewClient(opts ...sobjects.Option) (*sobjects.Client, error) {
	return sobjects.New(auth.NewSession(o.TokenSource()), append([]sobjects.Option{sobjects.WithHTTPClient(o.hc)}, opts...)...)
}

func (o *Org) now() time.Time { return o.clock().UTC().Truncate(time.Millisecond) }

// Insert stores a record of sobject with the given field values, as a
// test fixture: values are checked against the field types as in the API
// (JSON_PARSER_ERROR), but any field may be set, read-only and formula
// fields included (not the compound address and location fields), and no
// business rule applies (required fields, restricted picklists, unique
// values, references). An Id of the object's key prefix is kept. System
// fields and defaults are filled in as on create. It returns the id.
func (o *Org) Insert(sobject string, fields map[string]any) (string, error) {
	if fields == nil {
		fields = map[string]any{}
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return "", fmt.Errorf("sftest: insert %s: %w", sobject, err)
	}
	return o.insertJSON(sobject, b)
}

func (o *Org) insertJSON(sobject string, body []byte) (string, error) {
	obj := o.schema.object(sobject)
	if obj == nil {
		return "", fmt.Errorf("sftest: insert: the org has no sObject %s", sobject)
	}
	ms, apiErr := parseObject(body, obj.name)
	if apiErr != nil {
		return "", fmt.Errorf("sftest: insert %s: %w", obj.name, apiErr)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, _, apiErr := o.write(obj, ms, modeSeed, nil)
	if apiErr != nil {
		return "", fmt.Errorf("sftest: insert %s: %w", obj.name, apiErr)
	}
	return rec.id, nil
}

// Seed stores records as test fixtures, as [Org.Insert] does, from
// generated shapes (sfmodel.AccountCreate, sfmodel.Account, …): T names the
// sObject. It returns the ids in order and fails tb on any error.
func Seed[T any](tb testing.TB, o *Org, recs ...T) []string {
	tb.Helper()
	obj, ok := sftype.ObjectName[T]()
	if !ok {
		tb.Fatalf("sftest: Seed: %T names no sObject (want a generated shape)", *new(T))
	}
	ids := make([]string, 0, len(recs))
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err == nil {
			var id string
			if id, err = o.insertJSON(obj, b); err == nil {
				ids = append(ids, id)
				continue
			}
		}
		tb.Fatalf("sftest: Seed %s: %v", obj, err)
	}
	return ids
}

// Record returns the record of sobject with the given id as a GET of the
// REST API reads it (every field, JSON types: strings, float64, bool,
// nested maps), and false when there is none or it was deleted.
func (o *Org) Record(sobject, id string) (map[string]any, bool) {
	b, ok := o.recordJSON(sobject, id)
	if !ok {
		return nil, false
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err) // the org writes valid JSON
	}
	return m, true
}

func (o *Org) recordJSON(sobject, id string) ([]byte, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	rec := o.lookup(id)
	if rec == nil || rec.deleted || !strings.EqualFold(rec.obj.name, sobject) {
		return nil, false
	}
	return o.appendRecord(nil, rec, apiVersion, nil), true
}

// apiVersion is the version in the URLs of records read outside a request.
const apiVersion = sobjects.DefaultAPIVersion

// ErrNoRecord is the error of [Read] for a record that does not exist or
// was deleted.
var ErrNoRecord = errors.New("sftest: no such record")

// Read returns the record with the given id decoded into T, a generated
// read shape such as sfmodel.Account, as a GET of every field returns it
// (a value, as sobjects.Get returns it). A record that does not exist (or
// was deleted) is [ErrNoRecord], with the zero T.
func Read[T any](o *Org, id string) (T, error) {
	var v T
	obj, ok := sftype.ObjectName[T]()
	if !ok {
		return v, fmt.Errorf("sftest: Read: %T names no sObject (want a generated shape)", v)
	}
	b, ok := o.recordJSON(obj, id)
	if !ok {
		return v, fmt.Errorf("%w: %s %s", ErrNoRecord, obj, id)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		var zero T
		return zero, fmt.Errorf("sftest: Read %s %s: %w", obj, id, err)
	}
	return v, nil
}

// Count returns the number of live (not deleted) records of sobject.
func (o *Org) Count(sobject string) int {
	obj := o.schema.object(sobject)
	if obj == nil {
		return 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, r := range o.table(obj).recs {
		if !r.deleted {
			n++
		}
	}
	return n
}

// Endpoint names a kind of request in [Stats].
type Endpoint string

// The endpoints of the fake org.
const (
	EndpointToken             Endpoint = "token"           // POST /services/oauth2/token
	EndpointRevoke            Endpoint = "revoke"          // POST /services/oauth2/revoke
	EndpointVersions          Endpoint = "versions"        // GET /services/data/
	EndpointResources         Endpoint = "resources"       // GET /services/data/vXX.X
	EndpointLimits            Endpoint = "limits"          // GET …/limits
	EndpointDescribeGlobal    Endpoint = "describeGlobal"  // GET …/sobjects
	EndpointSObject           Endpoint = "sobject"         // GET …/sobjects/{sObject}
	EndpointDescribe          Endpoint = "describe"        // GET …/sobjects/{sObject}/describe
	EndpointCreate            Endpoint = "create"          // POST …/sobjects/{sObject}
	EndpointGet               Endpoint = "get"             // GET …/sobjects/{sObject}/{id}
	EndpointUpdate            Endpoint = "update"          // PATCH …/sobjects/{sObject}/{id}
	EndpointDelete            Endpoint = "delete"          // DELETE …/sobjects/{sObject}/{id}
	EndpointGetByExternalID   Endpoint = "getByExternalId" // GET …/sobjects/{sObject}/{field}/{value}
	EndpointUpsert            Endpoint = "upsert"          // PATCH …/sobjects/{sObject}/{field}/{value}
	EndpointDeleteByExternal  Endpoint = "deleteByExternalId"
	EndpointBlob              Endpoint = "blob"              // GET …/sobjects/{sObject}/{id}/{base64 field}
	EndpointQuery             Endpoint = "query"             // GET …/query?q=
	EndpointQueryAll          Endpoint = "queryAll"          // GET …/queryAll?q=
	EndpointQueryMore         Endpoint = "queryMore"         // GET …/query/{locator}
	EndpointCollectionsCreate Endpoint = "collectionsCreate" // POST …/composite/sobjects
	EndpointCollectionsUpdate Endpoint = "collectionsUpdate" // PATCH …/composite/sobjects
	EndpointCollectionsUpsert Endpoint = "collectionsUpsert" // PATCH …/composite/sobjects/{sObject}/{field}
	EndpointCollectionsDelete Endpoint = "collectionsDelete" // DELETE …/composite/sobjects?ids=
	EndpointCollectionsGet    Endpoint = "collectionsGet"    // GET or POST …/composite/sobjects/{sObject}?ids=
	EndpointComposite         Endpoint = "composite"         // POST …/composite
	EndpointTree              Endpoint = "tree"              // POST …/composite/tree/{sObject}
	EndpointGraph             Endpoint = "graph"             // POST …/composite/graph
	EndpointUpdated           Endpoint = "updated"           // GET …/sobjects/{sObject}/updated?start=&end=
	EndpointDeleted           Endpoint = "deleted"           // GET …/sobjects/{sObject}/deleted?start=&end=
	EndpointSearch            Endpoint = "search"            // GET …/search?q=
	EndpointApex              Endpoint = "apex"              // any method, /services/apexrest/… (see Org.HandleApex)
	EndpointBulkIngestCreate  Endpoint = "bulkIngestCreate"  // POST …/jobs/ingest
	EndpointBulkIngestUpload  Endpoint = "bulkIngestUpload"  // PUT …/jobs/ingest/{id}/batches
	EndpointBulkIngestJob     Endpoint = "bulkIngestJob"     // GET …/jobs/ingest/{id}
	EndpointBulkIngestState   Endpoint = "bulkIngestState"   // PATCH (UploadComplete, Aborted) or DELETE …/jobs/ingest/{id}
	EndpointBulkIngestResults Endpoint = "bulkIngestResults" // GET …/jobs/ingest/{id}/successfulResults/, failedResults/, unprocessedrecords/
	EndpointBulkQueryCreate   Endpoint = "bulkQueryCreate"   // POST …/jobs/query
	EndpointBulkQueryJob      Endpoint = "bulkQueryJob"      // GET …/jobs/query/{id}
	EndpointBulkQueryState    Endpoint = "bulkQueryState"    // PATCH (Aborted) or DELETE …/jobs/query/{id}
	EndpointBulkQueryResults  Endpoint = "bulkQueryResults"  // GET …/jobs/query/{id}/results
	EndpointOther             Endpoint = "other"             // anything else (answered 404 or 405)
)

// Stats counts the requests the org received.
type Stats struct {
	// TokenRequests counts the requests to the token endpoint, failed ones
	// included: after the first token, one per refresh.
	TokenRequests int
	// APIRequests counts the requests to the REST API (/services/data),
	// rejected ones included.
	APIRequests int
	// Rejected counts the API requests answered 401 INVALID_SESSION_ID.
	Rejected int
	// Requests counts every request by endpoint, the token endpoint's
	// included.
	Requests map[Endpoint]int
}

// Stats returns the request counters.
func (o *Org) Stats() Stats {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.stats
	s.Requests = maps.Clone(s.Requests)
	return s
}

// ResetStats sets the request counters to zero. The API usage reported in
// Sforce-Limit-Info goes on counting.
func (o *Org) ResetStats() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stats = Stats{Requests: map[Endpoint]int{}}
}

// ExpireSession invalidates every access token the org has issued, as a
// session timeout does: the next API requests get 401 INVALID_SESSION_ID
// until the client mints a new token. Refresh tokens stay valid.
func (o *Org) ExpireSession() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.tokens)
}

// Fault is an error response that [Org.FailNext] injects.
type Fault struct {
	// StatusCode is the HTTP status (default 500, or 400 for the token
	// endpoint).
	StatusCode int
	// Code is the Salesforce errorCode, such as sobjects.ErrUnableToLockRow,
	// sobjects.ErrServerUnavailable or sobjects.ErrRequestLimitExceeded
	// (default sobjects.ErrUnknownException); for the token endpoint, the
	// OAuth error such as "invalid_grant".
	Code sobjects.ErrorCode
	// Message is the error message (default: a typical one for the code).
	Message string
	// Endpoint limits the fault to requests of one endpoint ("" for any
	// API request; the token endpoint fails only when named).
	Endpoint Endpoint
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Body, when set, is the response body as it is, in place of an
	// error body, with StatusCode (default 200) and ContentType (default
	// text/csv): a malformed or truncated answer, such as a bad CSV
	// result page.
	Body        string
	ContentType string
}

type pendingFault struct {
	Fault
	left int
}

// FailNext makes the next n requests that f matches fail with f's
// response, without reaching the store. Faults queue in the order they
// were added; a request matching several takes the first.
func (o *Org) FailNext(n int, f Fault) {
	if n <= 0 {
		return
	}
	if f.Code == "" {
		f.Code = sobjects.ErrUnknownException
	}
	if f.Body != "" && f.StatusCode == 0 {
		f.StatusCode = http.StatusOK
	}
	if f.Body != "" && f.ContentType == "" {
		f.ContentType = "text/csv"
	}
	if f.StatusCode == 0 {
		f.StatusCode = http.StatusInternalServerError
		if f.Endpoint == EndpointToken {
			f.StatusCode = http.StatusBadRequest
		}
	}
	if f.Message == "" {
		f.Message = defaultMessages[string(f.Code)]
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.faults = append(o.faults, &pendingFault{Fault: f, left: n})
}

// takeFault returns the fault a request to ep gets, if any. o.mu is
// held.
func (o *Org) takeFault(ep Endpoint) *Fault {
	for i, f := range o.faults {
		if f.Endpoint == ep || (f.Endpoint == "" && ep != EndpointToken && ep != EndpointRevoke) {
			f.left--
			if f.left == 0 {
				o.faults = append(o.faults[:i], o.faults[i+1:]...)
			}
			return &f.Fault
		}
	}
	return nil
}

// SetLatency delays every response of the org by d (0 for none), as a
// slow network would. A request whose context ends first fails.
func (o *Org) SetLatency(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.latency = d
}
