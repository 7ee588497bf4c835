package redisstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/auth/redisstore"
)

func sampleToken(n int) *oauth2.Token {
	tok := &oauth2.Token{AccessToken: fmt.Sprintf("00D!%s-at-%d", secretMark, n), TokenType: "Bearer",
		RefreshToken: fmt.Sprintf("%s-rt-%d", secretMark, n)}
	return tok.WithExtra(map[string]any{"instance_url": "https://na1.example.test", "issued_at": "1700000000000"})
}

func TestPublishedTokenIsStoredEncryptedWithTTLs(t *testing.T) {
	ctx := context.Background()
	rdb := client(server.Addr)
	defer rdb.Close()
	cred := credential(t) + "/client-id/user@example.com"
	st := newStore(t, rdb, redisstore.Config{Credential: cred})

	tok, gen, err := st.Load(ctx)
	if tok != nil || gen != 0 || err != nil {
		t.Fatalf("empty store: %v %d %v", tok, gen, err)
	}
	l, err := st.Acquire(ctx)
	if err != nil || l == nil || l.Fence != 0 {
		t.Fatalf("Acquire = %+v, %v", l, err)
	}
	if other, err := st.Acquire(ctx); other != nil || err != nil {
		t.Fatalf("a second Acquire got the lease: %+v, %v", other, err)
	}
	gen, err = st.Publish(ctx, l, sampleToken(1))
	if err != nil || gen == 0 {
		t.Fatalf("Publish = %d, %v", gen, err)
	}
	got, g, err := st.Load(ctx)
	if err != nil || g != gen {
		t.Fatalf("Load = gen %d, %v; want gen %d", g, err, gen)
	}
	want := sampleToken(1)
	if got.AccessToken != want.AccessToken || got.RefreshToken != want.RefreshToken || got.TokenType != "Bearer" ||
		auth.InstanceURL(got) != "https://na1.example.test" || !auth.IssuedAt(got).Equal(auth.IssuedAt(want)) {
		t.Errorf("the loaded token differs from the published one")
	}
	if l2, err := st.Acquire(ctx); l2 == nil || err != nil {
		t.Errorf("Publish did not end the lease: %+v, %v", l2, err)
	} else {
		_ = st.Release(ctx, l2)
	}

	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var ours int
	for _, k := range keys {
		if strings.Contains(k, "client-id") || strings.Contains(k, "example.com") || strings.Contains(k, secretMark) {
			t.Errorf("key name %q shows the credential", k)
		}
		if ttl, err := rdb.PTTL(ctx, k).Result(); err != nil || ttl <= 0 {
			t.Errorf("key %q has no TTL (%v, %v)", k, ttl, err)
		}
		if strings.Contains(st.String(), k[:strings.LastIndex(k, ":")]) {
			ours++
			raw, _ := rdb.Dump(ctx, k).Result()
			if strings.Contains(raw, "at-1") || strings.Contains(raw, "rt-1") || strings.Contains(raw, secretMark) {
				t.Errorf("key %q holds the token in clear", k)
			}
		}
	}
	if ours == 0 {
		t.Errorf("no key of the store among %d keys", len(keys))
	}
}

func TestSlowFormerLeaseHolderCannotOverwriteNewerToken(t *testing.T) {
	ctx := context.Background()
	rdb := client(server.Addr)
	defer rdb.Close()
	st := newStore(t, rdb, redisstore.Config{Lease: 100 * time.Millisecond})

	slow, err := st.Acquire(ctx)
	if err != nil || slow == nil {
		t.Fatalf("Acquire: %v", err)
	}
	if err := st.Wait(ctx, 0); err != nil { // returns once the lease expired
		t.Fatal(err)
	}
	next, err := st.Acquire(ctx)
	if err != nil || next == nil {
		t.Fatalf("the expired lease was not granted again: %v", err)
	}
	gen, err := st.Publish(ctx, next, sampleToken(2))
	if err != nil || gen == 0 {
		t.Fatalf("Publish: %d, %v", gen, err)
	}
	if g, err := st.Publish(ctx, slow, sampleToken(1)); g != 0 || err != nil {
		t.Errorf("the former holder published: gen %d, %v", g, err)
	}
	tok, g, err := st.Load(ctx)
	if err != nil || g != gen || tok.AccessToken != sampleToken(2).AccessToken {
		t.Errorf("the stored token was overwritten")
	}
}

func TestWaitWakesOnPublishAndHonoursContext(t *testing.T) {
	ctx := context.Background()
	rdb := client(server.Addr)
	defer rdb.Close()
	st := newStore(t, rdb, redisstore.Config{Lease: time.Minute})
	l, err := st.Acquire(ctx)
	if err != nil || l == nil {
		t.Fatalf("Acquire: %v", err)
	}

	// A caller that gives up leaves with its context's error.
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- st.Wait(cctx, 0) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Wait after cancel = %v, want context.Canceled", err)
	}

	// The lease outlives the test: only the publication can end Wait.
	waiters := make(chan error, 10)
	for range cap(waiters) {
		go func() { waiters <- st.Wait(ctx, 0) }()
	}
	if _, err := st.Publish(ctx, l, sampleToken(1)); err != nil {
		t.Fatal(err)
	}
	for range cap(waiters) {
		if err := <-waiters; err != nil {
			t.Errorf("Wait = %v", err)
		}
	}
}

func TestAnotherKeyCannotReadTheToken(t *testing.T) {
	ctx := context.Background()
	rdb := client(server.Addr)
	defer rdb.Close()
	cred := credential(t)
	st := newStore(t, rdb, redisstore.Config{Credential: cred})
	l, _ := st.Acquire(ctx)
	if _, err := st.Publish(ctx, l, sampleToken(1)); err != nil {
		t.Fatal(err)
	}
	other := newStore(t, rdb, redisstore.Config{Credential: cred, Key: bytes.Repeat([]byte{7}, 32)})
	tok, _, err := other.Load(ctx)
	noteErr(err)
	var e *auth.Error
	if tok != nil || !errors.As(err, &e) || e.Op != "store" {
		t.Errorf("Load with another key = %v, %v; want an *auth.Error with Op store", tok != nil, err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	rdb := client(server.Addr)
	defer rdb.Close()
	for _, cfg := range []redisstore.Config{
		{Key: testKey}, // no credential
		{Key: []byte(secretMark), Credential: "c"}, // a key of 6 bytes
	} {
		_, err := redisstore.New(rdb, cfg)
		noteErr(err)
		var e *auth.Error
		if !errors.As(err, &e) || e.Op != "config" {
			t.Errorf("New(%v) = %v, want a config error", cfg, err)
		}
	}
}

func TestConfigAndStoreNeverPrintTheKey(t *testing.T) {
	rdb := client(server.Addr)
	defer rdb.Close()
	cfg := redisstore.Config{Key: testKey, Credential: "client-id user"}
	st := newStore(t, rdb, cfg)
	var out bytes.Buffer
	fmt.Fprintf(&out, "%v %+v %#v %s %v %+v %#v\n", cfg, cfg, cfg, cfg, st, st, st)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "cfg", cfg, "store", st, "nested", map[string]any{"cfg": cfg})
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "cfg", cfg, "store", st)
	b, _ := json.Marshal(map[string]any{"store": st})
	out.Write(b)
	if bytes.Contains(out.Bytes(), []byte(secretMark)) || !strings.Contains(out.String(), "[redacted]") {
		t.Errorf("output shows the key or no redaction:\n%s", out.String())
	}
}
