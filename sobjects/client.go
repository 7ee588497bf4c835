package sobjects

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/sfapi"
)

// DefaultAPIVersion is the Salesforce REST API version a [Client] uses
// unless told otherwise (Summer '26).
const DefaultAPIVersion = "67.0"

// placeholderHost is the host of the generated client's server URL. The
// session's RequestEditor replaces scheme and host with the token's
// instance_url before anything is sent.
const placeholderHost = "instance.invalid"

// Client calls the Salesforce REST API of one org through an
// [auth.Session]: typed CRUD ([Get], [Create], [Update], [Upsert],
// [Delete]), queries ([Query], [QueryAll], [Count], [First]) and sObject
// Collections ([CreateMany], [UpdateMany], [UpsertMany], [DeleteMany]) are
// generic functions that take the client, since Go methods cannot have
// type parameters.
//
// A Client is safe for concurrent use by many goroutines. Its requests go
// through the session's RequestEditor (token and instance URL) and Wrap
// (one refresh and one retry on INVALID_SESSION_ID), then, outside them,
// the optional [RetryPolicy].
type Client struct {
	gen     *gen.Client
	tr      *transport
	editors []gen.RequestEditorFn // session, user agent: for requests built here
	version string
	ua      string
}

// Option configures a [Client].
type Option func(*options)

type options struct {
	httpClient auth.Doer
	version    string
	logger     *slog.Logger
	userAgent  string
	retry      *RetryPolicy
}

// WithHTTPClient sets what sends the requests: an *http.Client, or any
// [auth.Doer] that wraps one, the one place for middleware such as tracing
// or metrics (default: a new http.Client on http.DefaultTransport). It sees
// every request of the client, retries and refreshes included, with its
// Authorization header set. An http.Client's timeout, if any, bounds each
// request; contexts bound whole calls.
func WithHTTPClient(d auth.Doer) Option {
	return func(o *options) {
		if hc, ok := d.(*http.Client); ok && hc == nil {
			d = nil // a nil *http.Client means the default, not a crash
		}
		o.httpClient = d
	}
}

// WithAPIVersion sets the REST API version, "62.0" or "v62.0" (default
// [DefaultAPIVersion]).
func WithAPIVersion(v string) Option { return func(o *options) { o.version = v } }

// WithLogger sets the logger (discarded by default). The client logs each
// request at debug level (method, path and status; never query strings,
// bodies or headers) and each retry at info level.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithUserAgent puts ua in front of the client's User-Agent header.
func WithUserAgent(ua string) Option { return func(o *options) { o.userAgent = ua } }

// WithRetry turns on retries with policy p (see [RetryPolicy]). Without it
// nothing is retried beyond the session's one retry after a token refresh.
func WithRetry(p RetryPolicy) Option { return func(o *options) { o.retry = &p } }

var versionRE = regexp.MustCompile(`^[0-9]{2,3}\.[0-9]$`)

// New returns a client that authorizes its requests with session and sends
// them to the instance_url of the session's token.
func New(session *auth.Session, opts ...Option) (*Client, error) {
	if session == nil {
		return nil, fmt.Errorf("%w: nil session", ErrInvalidArgument)
	}
	o := options{version: DefaultAPIVersion}
	for _, opt := range opts {
		opt(&o)
	}
	o.version = strings.TrimPrefix(strings.TrimSpace(o.version), "v")
	if !versionRE.MatchString(o.version) {
		return nil, fmt.Errorf("%w: API version %q, want a form like 62.0", ErrInvalidArgument, o.version)
	}
	if o.httpClient == nil {
		o.httpClient = &http.Client{}
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{version: o.version, ua: "typedforce-go"}
	if o.userAgent != "" {
		c.ua = o.userAgent + " " + c.ua
	}
	c.tr = &transport{next: session.Wrap(o.httpClient), retry: o.retry, log: o.logger, sleep: sfapi.Sleep, now: time.Now}
	c.editors = []gen.RequestEditorFn{session.RequestEditor, c.setUserAgent}
	g, err := gen.NewClient("https://"+placeholderHost+"/services/data/v"+o.version,
		gen.WithHTTPClient(c.tr),
		gen.WithRequestEditorFn(c.editors[0]),
		gen.WithRequestEditorFn(c.editors[1]))
	if err != nil {
		return nil, err
	}
	c.gen = g
	return c, nil
}

// NewFromEnv returns a client for the org the SF_* environment variables
// describe (see [auth.FromEnv]), with the API version of SF_API_VERSION
// when it is set and opts do not set one.
func NewFromEnv(ctx context.Context, opts ...Option) (*Client, error) {
	src, err := auth.FromEnv(ctx)
	if err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var sopts []auth.Option
	if o.logger != nil {
		sopts = append(sopts, auth.WithLogger(o.logger))
	}
	if v := strings.TrimSpace(os.Getenv("SF_API_VERSION")); v != "" {
		opts = append([]Option{WithAPIVersion(v)}, opts...)
	}
	return New(auth.NewSession(src, sopts...), opts...)
}

// APIVersion returns the REST API version of the client, such as "67.0".
func (c *Client) APIVersion() string { return c.version }

// LastLimits returns the API usage of the latest response that carried a
// Sforce-Limit-Info header, and false before there was one. For the usage
// seen by one call, use the [OnLimits] call option.
func (c *Client) LastLimits() (Limits, bool) {
	if raw := c.tr.limitInfo.Load(); raw != nil {
		return ParseLimitInfo(*raw)
	}
	return Limits{}, false
}

// Gen returns the generated client underneath, for the operations this
// package does not wrap (describe, limits). Its requests go through the same
// session, retry policy and limit tracking as the client's own.
func (c *Client) Gen() *gen.Client { return c.gen }

func (c *Client) setUserAgent(_ context.Context, req *http.Request) error {
	req.Header.Set("User-Agent", c.ua)
	return nil
}

// CallOption configures one call. An option that does not apply to a call
// is ignored by it.
type CallOption func(*callConfig)

type callConfig struct {
	fields     string
	batchSize  int
	allOrNone  bool
	collate    *bool
	updateOnly bool
	header     http.Header
	onLimits   func(Limits)
	err        error
}

// Fields selects the fields that [Get] and [GetByExternalID] read (default:
// all). Names are API names such as "Name" or "Owner.Name"; the generated
// field-name constants fit.
func Fields(names ...string) CallOption {
	return func(c *callConfig) {
		for _, n := range names {
			if !validIdent(n) {
				c.fail("field name %q", n)
				return
			}
		}
		c.fields = strings.Join(names, ",")
	}
}

// BatchSize asks for query pages of n records, 200 to 2000 (the
// Sforce-Query-Options header). Salesforce may return fewer.
func BatchSize(n int) CallOption {
	return func(c *callConfig) {
		if n < 200 || n > 2000 {
			c.fail("batch size %d, want 200 to 2000", n)
			return
		}
		c.batchSize = n
	}
}

// AllOrNone makes each request of sObject Collections roll back all its
// records when one fails. It applies per request of at most 200 records:
// chunks already sent stay saved. For [Composite.Send] it rolls back every
// subrequest when one fails.
func AllOrNone(b bool) CallOption { return func(c *callConfig) { c.allOrNone = b } }

// UpdateOnly makes [Upsert] update a matching record only, never create
// one (a missing record is then ErrNotFound).
func UpdateOnly() CallOption { return func(c *callConfig) { c.updateOnly = true } }

// Header sets a request header for the call, such as
// Header("Sforce-Duplicate-Rule-Header", "allowSave=true"). Authorization
// cannot be set this way.
func Header(name, value string) CallOption {
	return func(c *callConfig) {
		if strings.EqualFold(name, "Authorization") {
			c.fail("header %s", name)
			return
		}
		if c.header == nil {
			c.header = make(http.Header)
		}
		c.header.Set(name, value)
	}
}

// OnLimits calls fn with the API usage of each response of the call that
// carries Sforce-Limit-Info (one per page for queries).
func OnLimits(fn func(Limits)) CallOption { return func(c *callConfig) { c.onLimits = fn } }

func (c *callConfig) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalidArgument}, args...)...)
	}
}

// noOptions is the configuration of every call without options; calls
// only read their configuration.
var noOptions = &callConfig{}

func newCall(opts []CallOption) (*callConfig, error) {
	if len(opts) == 0 {
		return noOptions, nil
	}
	cfg := &callConfig{}
	for _, opt := range opts {
		opt(cfg)
	}
	return cfg, cfg.err
}

// editors returns the per-call request editors.
func (cfg *callConfig) editors() []gen.RequestEditorFn {
	if cfg.header == nil && cfg.batchSize == 0 {
		return nil
	}
	return []gen.RequestEditorFn{func(_ context.Context, req *http.Request) error {
		for k, v := range cfg.header {
			req.Header[k] = v
		}
		if cfg.batchSize > 0 {
			req.Header.Set("Sforce-Query-Options", "batchSize="+strconv.Itoa(cfg.batchSize))
		}
		return nil
	}}
}

// send runs one request and returns the response of a 2xx status, whose
// body the caller must close; any other status becomes the error its body
// describes.
func (c *Client) send(op string, cfg *callConfig, do func([]gen.RequestEditorFn) (*http.Response, error)) (*http.Response, error) {
	return c.sendAccepting(op, cfg, do, 0)
}

// sendAccepting is send for a call whose answer of status accept (0 for
// none) carries a result to read rather than an error, such as a failed
// sObject Tree (400 with each record's errors).
func (c *Client) sendAccepting(op string, cfg *callConfig, do func([]gen.RequestEditorFn) (*http.Response, error), accept int) (*http.Response, error) {
	resp, err := do(cfg.editors())
	if err != nil {
		return nil, transportError(op, err)
	}
	if cfg.onLimits != nil {
		if l, ok := ParseLimitInfo(resp.Header.Get("Sforce-Limit-Info")); ok {
			cfg.onLimits(l)
		}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 || resp.StatusCode == accept {
		return resp, nil
	}
	defer sfapi.CloseBody(resp.Body)
	return nil, responseError(op, resp)
}

// responseError reads the error a non-2xx response carries.
func responseError(op string, resp *http.Response) error {
	body, truncated, err := readBounded(resp.Body, maxErrorBody)
	if err != nil && len(body) == 0 {
		return &Error{Op: op, StatusCode: resp.StatusCode, Message: "reading the error body", Err: err}
	}
	if resp.StatusCode == http.StatusMultipleChoices {
		var urls []string
		if !truncated && json.Unmarshal(body, &urls) == nil {
			return &MultipleMatchesError{Op: op, URLs: urls}
		}
	}
	return parseErrorBody(op, resp.StatusCode, body, truncated || err != nil)
}

// decodeJSON decodes the body of a 2xx response into v and closes it. A
// body larger than maxBodyBytes is refused. The body is read whole into a
// pooled buffer and decoded with json.Unmarshal: cheaper than a
// json.Decoder, which buffers the value too and grows its buffer as it
// reads.
func decodeJSON(ctx context.Context, op string, resp *http.Response, v any) error {
	return decodeBody(ctx, op, resp, false, func(b []byte) error { return json.Unmarshal(b, v) })
}

// decodeRecord is decodeJSON for a record of a generated read shape, read
// by unmarshalRecord; *rec must be the zero T.
func decodeRecord[T any](ctx context.Context, op string, resp *http.Response, rec *T) error {
	return decodeBody(ctx, op, resp, false, func(b []byte) error { return unmarshalRecord(b, rec) })
}

// decodeBody reads the body and hands it to unmarshal; emptyOK accepts an
// empty body, leaving the value untouched, instead of failing.
func decodeBody(ctx context.Context, op string, resp *http.Response, emptyOK bool, unmarshal func([]byte) error) error {
	defer sfapi.CloseBody(resp.Body)
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(buf)
	if n := resp.ContentLength; n > 0 && n < maxPooledBody {
		buf.Grow(int(n))
	}
	_, rerr := buf.ReadFrom(&limitReader{r: resp.Body, n: maxBodyBytes})
	body := buf.Bytes()
	err := rerr
	if err == nil {
		if emptyOK && len(bytes.TrimSpace(body)) == 0 {
			return nil
		}
		err = unmarshal(body)
	}
	if err != nil {
		return malformed(ctx, op, resp.StatusCode, body[:min(len(body), maxSnippet)], unmarshalCause(body, rerr, err))
	}
	return nil
}

// unmarshalCause names the io error that json.Unmarshal reports as a
// syntax error at the end of its input: io.EOF for an empty body,
// io.ErrUnexpectedEOF for a truncated one.
func unmarshalCause(body []byte, readErr, err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.Is(readErr, errTooLarge):
		return readErr
	case readErr != nil:
		return fmt.Errorf("%w: %w", io.ErrUnexpectedEOF, readErr)
	case len(bytes.TrimSpace(body)) == 0:
		return io.EOF
	case errors.As(err, &syntax) && syntax.Offset >= int64(len(body)):
		return io.ErrUnexpectedEOF
	}
	return err
}

// bodyBuffers holds the buffers decodeJSON reads bodies into.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer kept for reuse.
const maxPooledBody = 1 << 20

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBody {
		return
	}
	b.Reset()
	bodyBuffers.Put(b)
}

// malformed describes a 2xx body that could not be read; head is its
// start.
func malformed(ctx context.Context, op string, status int, head []byte, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("sobjects: %s: %w", op, ctx.Err())
	}
	msg := "cannot decode the body"
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF) && len(head) == 0:
		msg = "empty body"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		msg = "truncated JSON"
	case errors.As(err, &syntax):
		msg = "malformed JSON"
	case errors.Is(err, errTooLarge):
		msg = "response too large"
	}
	return &Error{Op: op, StatusCode: status, Message: msg, Snippet: snippet(head),
		Err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
}

// headReader keeps the first maxSnippet bytes read through it, for the
// error of a body that cannot be decoded.
type headReader struct {
	r    io.Reader
	head []byte
}

func newHeadReader(r io.Reader) *headReader { return &headReader{r: r} }

func (h *headReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if k := min(n, maxSnippet-len(h.head)); k > 0 {
		h.head = append(h.head, p[:k]...)
	}
	return n, err
}

// Bounds on the 2xx bodies decoded, far above what Salesforce sends: they
// only keep a broken or hostile server from taking the heap. Variables for
// the tests.
var (
	maxBodyBytes int64 = 32 << 20  // a record, a save result, collections results
	maxPageBytes int64 = 256 << 20 // a query page (at most maxPageRecords records)
)

// errTooLarge stops the decoding of a response larger than Salesforce sends.
var errTooLarge = errors.New("larger than Salesforce sends")

// limitReader reads at most n bytes of r, then fails with errTooLarge.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("%w: body over the limit", errTooLarge)
	}
	p = p[:min(int64(len(p)), l.n)]
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// readBounded reads at most limit bytes of r; truncated says there was more.
func readBounded(r io.Reader, limit int) (b []byte, truncated bool, err error) {
	b, err = io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if len(b) > limit {
		return b[:limit], true, err
	}
	return b, false, err
}

// transport is the client's HTTP stack above the session: limit tracking,
// logging and the optional retry policy.
type transport struct {
	next  auth.Doer
	retry *RetryPolicy
	log   *slog.Logger
	// limitInfo is the latest Sforce-Limit-Info header with an entry in
	// it; it is parsed when asked for, not on every response.
	limitInfo atomic.Pointer[string]
	sleep     func(context.Context, time.Duration) error
	now       func() time.Time
}

func (t *transport) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	attempts := t.retry.attempts()
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		attempts = 1
	}
	for attempt := 1; ; attempt++ {
		sent := req
		if attempt > 1 {
			var err error
			if sent, err = replay(req); err != nil {
				return nil, err
			}
		}
		resp, err := t.next.Do(sent)
		t.observe(sent, resp, err)
		if attempt >= attempts || ctx.Err() != nil || !retryCandidate(resp, err) {
			return resp, err
		}
		f := Attempt{Number: attempt, Method: req.Method, Err: err}
		if resp != nil {
			f.StatusCode = resp.StatusCode
			var body []byte
			body, resp.Body = peekBody(resp.Body)
			if e := parseErrorBody("", resp.StatusCode, body, false); e.Err == nil {
				f.Code, f.Message = e.Code, e.Message
			}
		}
		if !t.retry.retryable(f) {
			return resp, err
		}
		d, ok := t.retry.delay(attempt, resp, t.now())
		if !ok {
			return resp, err
		}
		if resp != nil {
			sfapi.CloseBody(resp.Body)
		}
		t.log.LogAttrs(ctx, slog.LevelInfo, "sobjects: retrying request",
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("status", f.StatusCode), slog.String("code", string(f.Code)),
			slog.Int("attempt", attempt), slog.Duration("delay", d))
		if err := t.sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

// observe records the limits a response reports and logs it.
func (t *transport) observe(req *http.Request, resp *http.Response, err error) {
	ctx := req.Context()
	if err != nil {
		if !t.log.Enabled(ctx, slog.LevelDebug) {
			return
		}
		// A *url.Error prints the URL, query string (SOQL) included: log its cause only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		t.log.LogAttrs(ctx, slog.LevelDebug, "sobjects: request failed",
			slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.String("error", err.Error()))
		return
	}
	if v := resp.Header["Sforce-Limit-Info"]; len(v) > 0 && strings.Contains(v[0], "=") { // canonical key: no Get
		raw := v[0]
		t.limitInfo.Store(&raw)
	}
	if t.log.Enabled(ctx, slog.LevelDebug) {
		t.log.LogAttrs(ctx, slog.LevelDebug, "sobjects: request",
			slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.Int("status", resp.StatusCode))
	}
}

// retryCandidate says whether a result may be worth retrying at all: a
// transport error that is not the session's, or an error status other than
// 401 (which the session owns).
func retryCandidate(resp *http.Response, err error) bool {
	if err != nil {
		var ae *auth.Error
		return !errors.As(err, &ae)
	}
	return resp.StatusCode >= 400 && resp.StatusCode != http.StatusUnauthorized
}

// replay returns a copy of req with a fresh body.
func replay(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// peekBody reads up to maxErrorBody bytes of body and returns them with a
// body that yields the same bytes again, followed by the rest.
func peekBody(body io.ReadCloser) ([]byte, io.ReadCloser) {
	b, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	return b, struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), body), body}
}
