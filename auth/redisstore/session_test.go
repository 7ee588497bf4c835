package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/auth/redisstore"
	"github.com/typedforce/typedforce/internal/fleet"
)

// member is one session of a fleet in this process, as a separate process
// would have it: its own source (with its own copy of the first refresh
// token), its own Redis client and store.
type member struct {
	s *auth.Session
	d auth.Doer
}

func join(t *testing.T, o *org, addr, cred string, opts ...auth.Option) member {
	t.Helper()
	rdb := client(addr)
	t.Cleanup(func() { rdb.Close() })
	st := newStore(t, rdb, redisstore.Config{Credential: cred, Lease: time.Second})
	src := auth.RefreshTokenConfig{LoginURL: o.srv.URL, ClientID: clientID, ClientSecret: clientSecret,
		RefreshToken: secretMark + "-rt-0"}.TokenSource(context.Background())
	opts = append([]auth.Option{auth.WithLogger(testLogger()), auth.WithTokenStore(st)}, opts...)
	s := auth.NewSession(src, opts...)
	return member{s: s, d: s.Wrap(http.DefaultClient)}
}

// get sends one authorized GET and checks it succeeded.
func (m member) get(t *testing.T, o *org) {
	t.Helper()
	err := fleet.Call(context.Background(), m.s, m.d, o.srv.URL+apiPath)
	noteErr(err)
	if err != nil {
		t.Fatalf("call failed: %v", err)
	}
}

func TestSessionsShareTokensAndRotatedRefreshTokens(t *testing.T) {
	o := newOrg(false)
	defer o.close()
	cred := credential(t)
	a, b := join(t, o, server.Addr, cred), join(t, o, server.Addr, cred)

	a.get(t, o)
	b.get(t, o) // adopts a's token
	want(t, "token calls for two first tokens", o.tokenCalls.Load(), 1)

	// a refreshes, which revokes the token b holds; b's 401 adopts a's
	// new token instead of refreshing.
	o.expire()
	a.get(t, o)
	b.get(t, o)
	want(t, "token calls after a's refresh and b's stale 401", o.tokenCalls.Load(), 2)

	// b leads the next refresh: it must spend the refresh token a's
	// refresh rotated in, not its own rotated-out copy.
	o.expire()
	b.get(t, o)
	a.get(t, o)
	want(t, "token calls", o.tokenCalls.Load(), 3)
	want(t, "revoked token families", o.familyKills.Load(), 0)
}

func TestHookRunsBeforeTheTokenIsPublished(t *testing.T) {
	o := newOrg(false)
	defer o.close()
	cred := credential(t)
	rdb := client(server.Addr)
	defer rdb.Close()
	watcher := newStore(t, rdb, redisstore.Config{Credential: cred})
	var seen []string
	hook := func(ctx context.Context, tok *oauth2.Token) error {
		stored, _, err := watcher.Load(ctx)
		switch {
		case err != nil:
			t.Errorf("Load in the hook: %v", err)
		case stored != nil && stored.AccessToken == tok.AccessToken:
			t.Errorf("the token was published before the hook ran")
		}
		seen = append(seen, tok.RefreshToken)
		return nil
	}
	a, b := join(t, o, server.Addr, cred, auth.WithOnRefresh(hook)), join(t, o, server.Addr, cred)
	a.get(t, o)
	o.expire()
	a.get(t, o)
	b.get(t, o)
	if len(seen) != 2 || seen[1] != secretMark+"-rt-2" {
		t.Errorf("the hook saw %d tokens, want 2 ending with the second rotated refresh token", len(seen))
	}
	if tok, _, _ := watcher.Load(context.Background()); tok == nil || tok.RefreshToken != secretMark+"-rt-2" {
		t.Errorf("the store does not hold the rotated refresh token")
	}
}

func TestCallerWaitingForAnotherProcessHonoursItsContext(t *testing.T) {
	o := newOrg(false)
	defer o.close()
	cred := credential(t)
	rdb := client(server.Addr)
	defer rdb.Close()
	other := newStore(t, rdb, redisstore.Config{Credential: cred, Lease: time.Minute})
	l, err := other.Acquire(context.Background()) // another process is refreshing
	if err != nil || l == nil {
		t.Fatalf("Acquire: %v", err)
	}
	m := join(t, o, server.Addr, cred)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := m.s.Token(ctx); done <- err }()
	// Once the session listens for the other process's token, it waits.
	topic := strings.TrimSuffix(strings.TrimPrefix(other.String(), "redisstore.Store{"), "}") + ":published"
	for rdb.PubSubNumSub(context.Background(), topic).Val()[topic] == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	err = <-done
	noteErr(err)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// The refresh goes on: once the other process gives up, this one
	// refreshes.
	if err := other.Release(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	if _, err := m.s.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	want(t, "token calls", o.tokenCalls.Load(), 1)
}

func TestRedisDownFallsBackToALocalRefreshAndRecovers(t *testing.T) {
	srv := startServer(t)
	o := newOrg(true)
	defer o.close()
	cred := credential(t)
	a, b := join(t, o, srv.Addr, cred), join(t, o, srv.Addr, cred)
	a.get(t, o)
	b.get(t, o)
	want(t, "token calls", o.tokenCalls.Load(), 1)

	srv.Stop()
	mark := capturedLen()
	o.expire()
	a.get(t, o)
	b.get(t, o)
	want(t, "token calls with Redis down (one per process)", o.tokenCalls.Load(), 3)
	if !strings.Contains(capturedSince(mark), "token store failed, refreshing without it") {
		t.Errorf("the fallback was not logged")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	o.expire()
	a.get(t, o)
	b.get(t, o)
	want(t, "token calls once Redis is back", o.tokenCalls.Load(), 4)
}
