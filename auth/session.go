package auth

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// ContextTokenSource is an [oauth2.TokenSource] that can also mint a token
// under a context. Every token source of this package implements it. A
// [Session] calls TokenContext when its source has it, so that each refresh
// is bounded by the session's refresh timeout; a plain [oauth2.TokenSource]
// is called through Token, which the session cannot interrupt.
type ContextTokenSource interface {
	oauth2.TokenSource
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// Option configures a [Session].
type Option func(*Session)

// WithLogger sets the logger of the session (discarded by default). It
// logs each new token (generation, instance URL, issue time, never the
// token), each failed refresh and, at debug level, each retry. Tokens and
// secrets are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(s *Session) {
		if l != nil {
			s.log = l
		}
	}
}

// WithOnRefresh sets a hook that receives each new token, including the
// first and any rotated refresh token, before any caller waiting for it is
// released: persist the refresh token there. The hook runs on the refresh
// goroutine, never concurrently with itself, with the refresh context
// (bounded by the refresh timeout). It must not modify tok.
//
// A non-nil error from the hook fails the refresh: the token is not used,
// every waiting caller receives an [*Error] with Op "hook" wrapping the
// hook's error, and the next call refreshes again. Return an error only
// when running with a token that could not be persisted is worse than
// failing requests.
func WithOnRefresh(hook func(ctx context.Context, tok *oauth2.Token) error) Option {
	return func(s *Session) { s.onRefresh = hook }
}

// WithMaxSessionAge makes the session refresh a token proactively once it
// is older than d, measured from the token's issued_at (or from its arrival
// when it has none or arrived already older than d). Without it (d <= 0, the
// default) a token is used until Salesforce rejects it. Set it a little
// below the org's session timeout to avoid the failed first attempt.
func WithMaxSessionAge(d time.Duration) Option {
	return func(s *Session) { s.maxAge = d }
}

// WithRefreshTimeout bounds one refresh, retries included (default 30s);
// new credentials given during a refresh get a timeout of their own. The
// refresh runs on a context of its own, detached from the callers'
// cancellation, so this timeout is what ends a refresh that hangs.
func WithRefreshTimeout(d time.Duration) Option {
	return func(s *Session) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// WithRefreshRetry sets how often one refresh calls the token source at
// most (default 4) when it fails transiently (a network error, a 5xx or
// 429, rate_limit_exceeded, or invalid_grant "token request is already
// being processed"), and the first backoff delay (default 250ms), which
// doubles on each attempt with jitter. Other failures are never retried.
func WithRefreshRetry(attempts int, backoff time.Duration) Option {
	return func(s *Session) {
		if attempts > 0 {
			s.attempts = attempts
		}
		if backoff > 0 {
			s.backoff = backoff
		}
	}
}

// Session holds the current Salesforce access token of one set of
// credentials and renews it when Salesforce rejects it.
//
// It calls its token source once for the first token and once per
// invalidation, never concurrently, however many goroutines use it: all
// callers that need a token while a refresh runs wait for that one refresh.
// A caller stops waiting as soon as its own context ends; the refresh goes
// on for the others.
//
// A Session is safe for concurrent use by multiple goroutines. Use
// [NewSession] to make one; the zero value is not usable.
type Session struct {
	cur atomic.Pointer[current] // the usable token; nil while none is

	mu       sync.Mutex
	src      oauth2.TokenSource
	epoch    uint64  // bumped by SetTokenSource
	gen      uint64  // bumped by each new token
	flight   *flight // the refresh in progress; non-nil only while cur is nil
	failed   error   // terminal failure: fail fast until SetTokenSource
	rejected string  // Authorization value of the last token Salesforce rejected
	store    TokenStore
	sgen     uint64 // store generation of the last token (0: none or unknown)
	srt      string // refresh token of the last token, with a store
	ownRT    bool   // with a store: new credentials, mint with the source's own refresh token

	log       *slog.Logger
	onRefresh func(context.Context, *oauth2.Token) error
	maxAge    time.Duration
	timeout   time.Duration
	attempts  int
	backoff   time.Duration
	now       func() time.Time
	waitHook  func() // tests: called by a caller about to wait for a refresh
}

// current is a token as the session uses it.
type current struct {
	tok     *oauth2.Token
	gen     uint64
	sgen    uint64   // generation in the token store; 0 when unknown
	auth    string   // the Authorization header value
	base    *url.URL // scheme and host of instance_url; nil when none
	staleAt time.Time
}

// flight is one refresh; done is closed once c or err is set.
type flight struct {
	done chan struct{}
	c    *current
	err  error
}

// NewSession returns a session that mints tokens with src. src must return
// a new token on every call (every source of this package does); a source
// that returns the token that was just rejected makes the session report
// [ErrSessionExpired].
func NewSession(src oauth2.TokenSource, opts ...Option) *Session {
	s := &Session{
		src:      src,
		log:      slog.New(slog.DiscardHandler),
		timeout:  30 * time.Second,
		attempts: 4,
		backoff:  250 * time.Millisecond,
		now:      time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	if src == nil {
		s.failed = configError("NewSession: nil token source")
	}
	return s
}

// SetTokenSource gives the session new credentials, for example after
// [ErrReauthorizationRequired]. It clears a terminal failure and drops the
// current token; the next call mints a token with src. A refresh in
// progress finishes with src instead of the old source: whatever the old
// source returns once src is set, however late, is dropped, and src gets
// a refresh timeout of its own. A nil src fails every call, and the
// refresh in progress, with an [*Error] (Op "config") until the next
// SetTokenSource.
func (s *Session) SetTokenSource(src oauth2.TokenSource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.src, s.failed, s.rejected = src, nil, ""
	s.srt, s.ownRT = "", true
	s.epoch++
	s.cur.Store(nil)
	if src == nil {
		s.failed = configError("SetTokenSource: nil token source")
	}
}

// Token returns the current token, minting the first one or waiting for a
// refresh in progress. The token must not be modified.
func (s *Session) Token(ctx context.Context) (*oauth2.Token, error) {
	c, err := s.get(ctx, "")
	if err != nil {
		return nil, err
	}
	return c.tok, nil
}

// get returns a usable token. rejected is the Authorization value of a
// request that Salesforce rejected as an expired session ("" for none): if
// it is the current token, the current token is dropped and refreshed; if a
// newer token exists, that one is returned without a refresh.
func (s *Session) get(ctx context.Context, rejected string) (*current, error) {
	if c := s.cur.Load(); c != nil && rejected == "" && !s.stale(c) {
		return c, nil
	}
	c, f, err := s.lookup(ctx, rejected)
	if f == nil {
		return c, err
	}
	if s.waitHook != nil {
		s.waitHook()
	}
	select {
	case <-f.done:
		return f.c, f.err
	case <-ctx.Done():
		return nil, &Error{Op: "wait", Err: ctx.Err()}
	}
}

// lookup is the slow path of get: it returns a usable token, or the refresh
// to wait for (starting one if needed), or the terminal failure.
func (s *Session) lookup(ctx context.Context, rejected string) (*current, *flight, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	reason := "first token"
	c := s.cur.Load()
	switch {
	case c == nil:
		if s.gen > 0 {
			reason = "retry after a failed refresh"
		}
	case rejected != "" && c.auth == rejected:
		s.log.LogAttrs(ctx, slog.LevelDebug, "auth: session rejected, refreshing", slog.Uint64("generation", c.gen))
		s.rejected, reason, c = rejected, "session rejected", nil
	case rejected != "":
		s.log.LogAttrs(ctx, slog.LevelDebug, "auth: request carried an older token, reusing the current one", slog.Uint64("generation", c.gen))
	}
	if c != nil && s.stale(c) {
		reason, c = "max session age", nil
	}
	if c != nil {
		return c, nil, nil
	}
	s.cur.Store(nil)
	if s.failed != nil {
		return nil, nil, s.failed
	}
	if s.flight == nil {
		s.flight = &flight{done: make(chan struct{})}
		go s.refresh(context.WithoutCancel(ctx), s.flight, reason)
	}
	return nil, s.flight, nil
}

func (s *Session) stale(c *current) bool {
	return !c.staleAt.IsZero() && !s.now().Before(c.staleAt)
}

// refresh runs one flight on its own goroutine, detached from the callers'
// cancellation. Each set of credentials gets its own refresh timeout: when
// SetTokenSource changes them meanwhile, whatever the old ones gave (a
// token, a terminal error, a timeout), however late, is dropped and the
// new ones are minted with.
func (s *Session) refresh(ctx context.Context, f *flight, reason string) {
	for {
		s.mu.Lock()
		r := renewal{src: s.src, epoch: s.epoch, rejected: s.rejected, base: s.sgen, rt: s.srt, own: s.ownRT}
		failed := s.failed
		s.mu.Unlock()

		var c *current
		err := failed // SetTokenSource(nil)
		if err == nil {
			c, err = s.attempt(ctx, r)
		}

		s.mu.Lock()
		if s.epoch != r.epoch {
			s.mu.Unlock()
			reason = "new credentials"
			continue
		}
		s.flight = nil
		if err == nil {
			s.gen++
			c.gen = s.gen
			s.sgen, s.ownRT = c.sgen, false
			if s.store != nil && c.tok.RefreshToken != "" {
				s.srt = c.tok.RefreshToken
			}
			s.cur.Store(c)
		} else if tokenError(err).terminal() {
			s.failed = err
		}
		f.c, f.err = c, err
		close(f.done)
		s.mu.Unlock()

		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "auth: token refresh failed",
				slog.String("reason", reason), slog.String("error", err.Error()),
				slog.Bool("terminal", tokenError(err).terminal()))
			return
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "auth: new token",
			slog.Uint64("generation", c.gen), slog.String("reason", reason),
			slog.String("instance_url", InstanceURL(c.tok)), slog.Time("issued_at", IssuedAt(c.tok)))
		return
	}
}

// attempt gets a token for r (see obtain) within the refresh timeout, so
// that each set of credentials has a timeout of its own.
func (s *Session) attempt(ctx context.Context, r renewal) (*current, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.obtain(ctx, r)
}

// mint calls src, retrying transient failures with backoff, and checks the
// token it returns.
func (s *Session) mint(ctx context.Context, src oauth2.TokenSource, rejected string) (*current, error) {
	for attempt := 1; ; attempt++ {
		var tok *oauth2.Token
		var err error
		if cs, ok := src.(ContextTokenSource); ok {
			tok, err = cs.TokenContext(ctx)
		} else {
			tok, err = src.Token()
		}
		if err == nil {
			return s.accept(tok, rejected)
		}
		e := tokenError(err)
		if attempt >= s.attempts || !e.retryable() || ctx.Err() != nil {
			return nil, e
		}
		d := s.backoff << (attempt - 1)
		d = d/2 + rand.N(d/2+1)
		s.log.LogAttrs(ctx, slog.LevelDebug, "auth: token endpoint failed, retrying",
			slog.Int("attempt", attempt), slog.Duration("delay", d), slog.String("error", e.Error()))
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, e
		}
	}
}

// accept checks a minted token and prepares it for use.
func (s *Session) accept(tok *oauth2.Token, rejected string) (*current, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, &Error{Op: "token", Message: "token source returned no access token"}
	}
	c := &current{tok: tok, auth: "Bearer " + tok.AccessToken}
	if c.auth == rejected {
		return nil, &Error{Op: "token", Message: "token source returned the token Salesforce rejected", Err: ErrSessionExpired}
	}
	if raw := InstanceURL(tok); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return nil, &Error{Op: "token", Message: "token response has an unusable instance_url"}
		}
		if !secureURL(u) {
			return nil, &Error{Op: "token", Message: "instance_url " + origin(u), Err: ErrInsecureURL}
		}
		c.base = &url.URL{Scheme: u.Scheme, Host: u.Host}
	}
	if s.maxAge > 0 {
		received := s.now()
		from := IssuedAt(tok)
		if from.IsZero() || from.After(received) || received.Sub(from) >= s.maxAge {
			from = received
		}
		c.staleAt = from.Add(s.maxAge)
	}
	return c, nil
}

// apply authorizes r with c: it points r at the instance URL and sets the
// Authorization header, refusing plain http off loopback.
func (c *current) apply(r *http.Request) error {
	if c.base != nil {
		// accept checked the instance URL once; every request goes there.
		r.URL.Scheme, r.URL.Host, r.Host = c.base.Scheme, c.base.Host, ""
	} else if !secureURL(r.URL) {
		return &Error{Op: "request", Message: origin(r.URL), Err: ErrInsecureURL}
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.Header.Set("Authorization", c.auth)
	return nil
}

// String describes the session without any token.
func (s *Session) String() string {
	s.mu.Lock()
	failed := s.failed
	s.mu.Unlock()
	c := s.cur.Load()
	switch {
	case failed != nil:
		return "auth.Session{failed: " + failed.Error() + "}"
	case c == nil:
		return "auth.Session{no token}"
	}
	inst := "none"
	if c.base != nil {
		inst = c.base.String()
	}
	return fmt.Sprintf("auth.Session{generation: %d, instance: %s}", c.gen, inst)
}

// Format prints [Session.String] for every verb, so that no fmt verb
// prints a token.
func (s *Session) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue describes the session to log/slog without any token.
func (s *Session) LogValue() slog.Value { return slog.StringValue(s.String()) }
