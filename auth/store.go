package auth

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/oauth2"
)

// TokenStore shares the token of one set of credentials between the
// sessions of many processes (replicas, workers, cron jobs), so that the
// whole fleet calls the token endpoint once per expiry and never spends a
// rotated refresh token twice. Package auth/redisstore implements it on
// Redis.
//
// The store holds at most one token and its generation, a number that
// grows with every token published. A session that needs a new token loads
// the stored one first and uses it if it is newer than the token that was
// rejected; otherwise it takes the refresh lease, mints, runs its
// [WithOnRefresh] hook and publishes; sessions that find the lease taken
// wait for the published token. A session talks to the store only when it
// needs a new token, never on the path of a request that succeeds.
//
// Every method must honour ctx and be safe for concurrent use. Errors mean
// the store cannot be reached or read: the session then logs them and falls
// back to a refresh of its own (see [WithTokenStore]).
type TokenStore interface {
	// Load returns the stored token and its generation, or a nil token and
	// generation 0 when the store holds none.
	Load(ctx context.Context) (tok *oauth2.Token, gen uint64, err error)
	// Acquire takes the refresh lease. It returns a nil lease and a nil
	// error while another holder has it.
	Acquire(ctx context.Context) (*Lease, error)
	// Publish stores tok as a new generation and ends l, but only while
	// the stored generation is still l.Fence. It returns the new
	// generation, or 0 when a newer token was stored meanwhile (nothing is
	// written then).
	Publish(ctx context.Context, l *Lease, tok *oauth2.Token) (gen uint64, err error)
	// Renew extends l by its full duration while l still holds the
	// lease, and reports whether it does.
	Renew(ctx context.Context, l *Lease) (held bool, err error)
	// Release ends l without publishing, if l still holds the lease.
	Release(ctx context.Context, l *Lease) error
	// Wait returns once the stored generation differs from gen or no lease
	// is held (its holder published, gave up or died), or with ctx's error.
	Wait(ctx context.Context, gen uint64) error
}

// Lease is the right to refresh the stored token, granted by
// [TokenStore.Acquire]. It ends by itself TTL after its grant or its last
// renewal: the session renews it while it mints, so only a holder that
// dies (or loses the store for the whole lease) lets another process take
// over.
type Lease struct {
	// ID names the holder to the store; it is no secret.
	ID string
	// Fence is the generation stored when the lease was granted: the
	// fencing token that [TokenStore.Publish] checks.
	Fence uint64
	// TTL is how long the lease lasts from its grant or renewal.
	TTL time.Duration
}

// WithTokenStore makes the session share its token with the sessions of
// other processes through st, so that the fleet refreshes once per
// expiry; see [TokenStore] for the protocol. All sessions of a store must
// use the same credentials. Use one Session per process: within a process
// callers already share one refresh.
//
// The session that refreshes spends the refresh token stored with the
// current token (the latest rotated one) when its source is a
// [RefreshTokenConfig] source. Its [WithOnRefresh] hook runs before the
// token is published; a session that adopts a stored token does not run
// its hook.
//
// When the store fails (Redis unreachable or restarting), the session logs
// a warning and refreshes on its own, one refresh per process as without a
// store, so it never loses the ability to call Salesforce; the next
// refresh tries the store again. While the store is down, processes do not
// see each other: with refresh token rotation, or where each new token
// revokes the older ones, their refreshes can revoke each other's tokens.
func WithTokenStore(st TokenStore) Option {
	return func(s *Session) { s.store = st }
}

// refreshTokenKey is the context key under which a session hands the
// stored refresh token to the source that mints.
type refreshTokenKey struct{}

// storedRefreshToken returns the refresh token a session asks its source to
// spend, or "".
func storedRefreshToken(ctx context.Context) string {
	rt, _ := ctx.Value(refreshTokenKey{}).(string)
	return rt
}

// renewal is what one refresh starts from.
type renewal struct {
	src      oauth2.TokenSource
	epoch    uint64 // the credentials' epoch: a token of replaced ones is dropped, unseen by the hook
	rejected string // Authorization value of the rejected token, or ""
	base     uint64 // store generation of the token being replaced
	rt       string // with a store: refresh token of the last token, or ""
	own      bool   // new credentials: spend the source's own refresh token
}

// obtain gets a new token for a refresh: through the store when the
// session has one, else (or when the store fails) by minting and running
// the hook.
func (s *Session) obtain(ctx context.Context, r renewal) (*current, error) {
	if s.store == nil {
		return s.mintAndHook(ctx, ctx, r)
	}
	c, err := s.shared(ctx, r)
	if err == nil || !isStoreError(err) {
		return c, err
	}
	if ctx.Err() != nil {
		return nil, &Error{Op: "token", Message: "refresh timed out in the token store", Err: ctx.Err()}
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "auth: token store failed, refreshing without it",
		slog.String("error", err.Error()))
	c, err = s.mintAndHook(ctx, spending(ctx, r), r)
	if c != nil {
		c.sgen = r.base // not stored: a stored token newer than base still wins
	}
	return c, err
}

// spending hands r.rt to the source through ctx, unless the session has
// new credentials.
func spending(ctx context.Context, r renewal) context.Context {
	if r.own || r.rt == "" {
		return ctx
	}
	return context.WithValue(ctx, refreshTokenKey{}, r.rt)
}

// mintAndHook mints under mctx and runs the hook under ctx. When the
// credentials were replaced meanwhile, the hook does not see the token and
// both are nil: refresh drops the result and mints with the new ones.
func (s *Session) mintAndHook(ctx, mctx context.Context, r renewal) (*current, error) {
	c, err := s.mint(mctx, r.src, r.rejected)
	if err != nil || s.onRefresh == nil {
		return c, err
	}
	s.mu.Lock()
	replaced := s.epoch != r.epoch
	s.mu.Unlock()
	if replaced {
		return nil, nil
	}
	if herr := s.onRefresh(ctx, c.tok); herr != nil {
		return nil, &Error{Op: "hook", Err: herr}
	}
	return c, nil
}

// storeError marks a failure of the store, after which the session
// refreshes on its own.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }
func (e storeError) Unwrap() error { return e.err }

func isStoreError(err error) bool {
	_, ok := err.(storeError)
	return ok
}

// shared runs the fleet protocol: adopt a stored token newer than base,
// or take the lease, mint, run the hook and publish, or wait for the
// holder of the lease and look again.
func (s *Session) shared(ctx context.Context, r renewal) (*current, error) {
	for {
		tok, gen, err := s.store.Load(ctx)
		if err != nil {
			return nil, storeError{err}
		}
		if c := s.adopt(tok, gen, r); c != nil {
			s.log.LogAttrs(ctx, slog.LevelDebug, "auth: adopted the stored token", slog.Uint64("store_generation", gen))
			return c, nil
		}
		l, err := s.store.Acquire(ctx)
		if err != nil {
			return nil, storeError{err}
		}
		if l == nil {
			if err := s.store.Wait(ctx, gen); err != nil {
				if ctx.Err() != nil {
					return nil, &Error{Op: "token", Message: "refresh timed out waiting for another process", Err: ctx.Err()}
				}
				return nil, storeError{err}
			}
			continue
		}
		if l.Fence != gen {
			// A token was published between Load and Acquire: look again.
			_ = s.store.Release(ctx, l)
			continue
		}
		if tok != nil && tok.RefreshToken != "" {
			r.rt = tok.RefreshToken // the fleet's latest
		}
		return s.lead(ctx, r, l)
	}
}

// adopt returns the stored token if the session may use it instead of
// refreshing: it is newer than the one being replaced, not the rejected
// token, and not past the maximum session age.
func (s *Session) adopt(tok *oauth2.Token, gen uint64, r renewal) *current {
	if tok == nil || gen <= r.base {
		return nil
	}
	if s.maxAge > 0 {
		if at := IssuedAt(tok); !at.IsZero() && s.now().Sub(at) >= s.maxAge {
			return nil
		}
	}
	c, err := s.accept(tok, r.rejected)
	if err != nil {
		return nil
	}
	c.sgen = gen
	return c
}

// lead refreshes as the holder of l: it mints, spending r.rt, while it
// keeps l renewed, runs the hook and publishes.
func (s *Session) lead(ctx context.Context, r renewal, l *Lease) (*current, error) {
	mctx, cancel := context.WithCancel(ctx)
	kept := make(chan struct{})
	go s.keep(mctx, cancel, l, kept)
	c, err := s.mintAndHook(ctx, spending(mctx, r), r)
	cancel()
	<-kept
	if err != nil || c == nil { // c is nil when the credentials were replaced
		_ = s.store.Release(ctx, l) // if ctx ended, the lease expires by itself
		return nil, err
	}
	c.sgen = l.Fence
	gen, err := s.store.Publish(ctx, l, c.tok)
	switch {
	case err != nil:
		s.log.LogAttrs(ctx, slog.LevelWarn, "auth: publishing the new token failed; using it in this process only",
			slog.String("error", err.Error()))
	case gen == 0:
		s.log.LogAttrs(ctx, slog.LevelWarn, "auth: a newer token was stored while this process refreshed; using its own in this process only")
	default:
		c.sgen = gen
	}
	return c, nil
}

// keep renews l every third of its TTL until ctx ends. When the lease is
// lost (renewals failed for a whole TTL, or another holder has it), it
// cancels the mint: another process may be refreshing.
func (s *Session) keep(ctx context.Context, cancel context.CancelFunc, l *Lease, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(max(l.TTL/3, time.Millisecond))
	defer t.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		held, err := s.store.Renew(ctx, l)
		switch {
		case err == nil && held:
			renewed = time.Now()
			continue
		case err == nil || time.Since(renewed) >= l.TTL:
			if ctx.Err() == nil {
				s.log.LogAttrs(ctx, slog.LevelWarn, "auth: lost the refresh lease; stopping this refresh")
				cancel()
			}
			return
		}
	}
}
