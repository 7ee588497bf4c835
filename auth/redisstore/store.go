// Package redisstore is an [auth.TokenStore] on Redis: the sessions of many
// processes that share one set of Salesforce credentials refresh their
// token once per expiry, whatever the number of processes.
//
//	st, err := redisstore.New(rdb, redisstore.Config{
//		Key:        key, // 32 random bytes, from your secret manager
//		Credential: clientID + " " + username + " " + loginURL,
//	})
//	s := auth.NewSession(src, auth.WithTokenStore(st), auth.WithOnRefresh(persist))
//
// # Protocol
//
// The store keeps, per credential, one hash with the current token and its
// generation, one lease key, and one pub/sub channel. A session that needs
// a new token loads the stored one and uses it if it is newer than the one
// Salesforce rejected. Otherwise it takes the lease (SET NX PX), mints with
// the stored (latest rotated) refresh token, runs its OnRefresh hook, and
// publishes: a Lua script writes the token only if the stored generation is
// still the one seen when the lease was granted (the fencing token), ends
// the lease and notifies the channel. Sessions that find the lease taken
// wait for the notification, polling every 200 ms as a fallback (a lease
// that expires is seen by polling), and load again.
//
// # Security
//
// Tokens are stored encrypted with AES-GCM under the application's key,
// bound to their key name and generation. Key names hold a SHA-256 hash of
// the credential, never the credential itself; every key has a TTL. The
// key never appears in errors, logs or fmt and log/slog output.
//
// # Redis settings
//
// Any Redis 6 or later, standalone, Sentinel or Cluster (the keys of one
// credential share a hash slot). Persistence is optional. Give the client
// short timeouts (DialTimeout and ReadTimeout of a second or so) so that
// an unreachable Redis is noticed quickly: a session then refreshes on its
// own, see [auth.WithTokenStore].
package redisstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
)

// Config configures a [Store].
type Config struct {
	// Key encrypts the tokens at rest with AES-GCM: 16, 24 or 32 bytes
	// (AES-128, -192 or -256), the same in every process of the fleet.
	// Required.
	Key []byte
	// Credential names the credentials the sessions share, for example the
	// client id, username and login URL. It is hashed into the key names,
	// so it never appears in Redis. Required; never put a secret in it.
	Credential string
	// Lease is how long the refresh lease lasts without renewal (default
	// 10s). The holder renews it while it refreshes; it bounds the time the
	// fleet waits for a holder that died.
	Lease time.Duration
	// TTL is how long the stored token (with its rotated refresh token)
	// lives without a refresh (default 7 days).
	TTL time.Duration
}

// String describes the config without its key.
func (c Config) String() string {
	key := `""`
	if len(c.Key) > 0 {
		key = "[redacted]"
	}
	return fmt.Sprintf("redisstore.Config{Key: %s, Credential: %q, Lease: %s, TTL: %s}", key, c.Credential, c.Lease, c.TTL)
}

// Format prints [Config.String] for every verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue describes the config to log/slog without its key.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// poll is how often a waiting session looks at the store when no
// notification came.
const poll = 200 * time.Millisecond

// Store is an [auth.TokenStore] on Redis. It is safe for concurrent use.
type Store struct {
	rdb      redis.UniversalClient
	aead     cipher.AEAD
	ns       string // key prefix: typedforce:auth:{hash of the credential}
	tokenKey string // hash: g (generation), t (sealed token)
	leaseKey string // string: the holder's lease id
	topic    string // channel: notified on each publish and release
	leaseTTL time.Duration
	ttl      time.Duration
}

// New returns a store on rdb for the credential and key of cfg.
func New(rdb redis.UniversalClient, cfg Config) (*Store, error) {
	if rdb == nil || cfg.Credential == "" {
		return nil, &auth.Error{Op: "config", Message: "redisstore: New needs a client and a Credential"}
	}
	block, err := aes.NewCipher(cfg.Key)
	if err != nil {
		return nil, &auth.Error{Op: "config", Message: "redisstore: Key must be 16, 24 or 32 bytes"}
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, &auth.Error{Op: "config", Message: "redisstore: AES-GCM", Err: err}
	}
	sum := sha256.Sum256([]byte("typedforce/auth\x00" + cfg.Credential))
	ns := "typedforce:auth:{" + hex.EncodeToString(sum[:16]) + "}"
	s := &Store{rdb: rdb, aead: aead, ns: ns, tokenKey: ns + ":token", leaseKey: ns + ":lease", topic: ns + ":published",
		leaseTTL: cfg.Lease, ttl: cfg.TTL}
	if s.leaseTTL <= 0 {
		s.leaseTTL = 10 * time.Second
	}
	if s.ttl <= 0 {
		s.ttl = 7 * 24 * time.Hour
	}
	return s, nil
}

// String describes the store by its key prefix, without its key.
func (s *Store) String() string { return "redisstore.Store{" + s.ns + "}" }

// Format prints [Store.String] for every verb.
func (s *Store) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue describes the store to log/slog without its key.
func (s *Store) LogValue() slog.Value { return slog.StringValue(s.String()) }

// storeError is a failure of Redis or of the stored data, as an
// [*auth.Error] with Op "store".
func storeError(msg string, err error) error {
	return &auth.Error{Op: "store", Message: "redisstore: " + msg, Err: err}
}

// Load returns the stored token and its generation.
func (s *Store) Load(ctx context.Context) (*oauth2.Token, uint64, error) {
	vals, err := s.rdb.HMGet(ctx, s.tokenKey, "g", "t").Result()
	if err != nil {
		return nil, 0, storeError("loading the token", err)
	}
	gs, _ := vals[0].(string)
	sealed, _ := vals[1].(string)
	if gs == "" || sealed == "" {
		return nil, 0, nil
	}
	gen, err := strconv.ParseUint(gs, 10, 64)
	if err != nil {
		return nil, 0, storeError("the stored generation is not a number", nil)
	}
	tok, err := s.open(gen, []byte(sealed))
	if err != nil {
		return nil, 0, err
	}
	return tok, gen, nil
}

// acquire sets the lease if it is free and returns the stored generation.
var acquire = redis.NewScript(`
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
	return redis.call('HGET', KEYS[1], 'g') or '0'
end
return false`)

// Acquire takes the lease for the configured Lease duration.
func (s *Store) Acquire(ctx context.Context) (*auth.Lease, error) {
	var id [16]byte
	_, _ = rand.Read(id[:])
	l := &auth.Lease{ID: hex.EncodeToString(id[:]), TTL: s.leaseTTL}
	fence, err := acquire.Run(ctx, s.rdb, []string{s.tokenKey, s.leaseKey}, l.ID, s.leaseTTL.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, storeError("taking the lease", err)
	}
	if l.Fence, err = strconv.ParseUint(fence, 10, 64); err != nil {
		return nil, storeError("the stored generation is not a number", nil)
	}
	return l, nil
}

// publish writes the token if the generation is still the fence, ends the
// lease if it is the caller's, and notifies.
var publish = redis.NewScript(`
local ok = (redis.call('HGET', KEYS[1], 'g') or '0') == ARGV[1]
if ok then
	redis.call('HSET', KEYS[1], 'g', ARGV[2], 't', ARGV[3])
	redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
if redis.call('GET', KEYS[2]) == ARGV[5] then
	redis.call('DEL', KEYS[2])
end
if ok then
	redis.call('PUBLISH', ARGV[6], ARGV[2])
	return 1
end
return 0`)

// Publish stores tok as the next generation if the stored one is still
// l.Fence. The new generation is the time in milliseconds, or the fence
// plus one if that is larger, so that generations keep growing across a
// restart of a Redis without persistence.
func (s *Store) Publish(ctx context.Context, l *auth.Lease, tok *oauth2.Token) (uint64, error) {
	gen := max(l.Fence+1, uint64(time.Now().UnixMilli()))
	sealed, err := s.seal(gen, tok)
	if err != nil {
		return 0, err
	}
	n, err := publish.Run(ctx, s.rdb, []string{s.tokenKey, s.leaseKey},
		strconv.FormatUint(l.Fence, 10), strconv.FormatUint(gen, 10), sealed, s.ttl.Milliseconds(), l.ID, s.topic).Int()
	if err != nil {
		return 0, storeError("publishing the token", err)
	}
	if n == 0 {
		return 0, nil
	}
	return gen, nil
}

var renew = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

// Renew extends l by the configured Lease duration if it still holds the
// lease.
func (s *Store) Renew(ctx context.Context, l *auth.Lease) (bool, error) {
	n, err := renew.Run(ctx, s.rdb, []string{s.leaseKey}, l.ID, s.leaseTTL.Milliseconds()).Int()
	if err != nil {
		return false, storeError("renewing the lease", err)
	}
	return n == 1, nil
}

var release = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	redis.call('DEL', KEYS[1])
	redis.call('PUBLISH', ARGV[2], '0')
end
return 0`)

// Release ends l if it still holds the lease, and notifies.
func (s *Store) Release(ctx context.Context, l *auth.Lease) error {
	if err := release.Run(ctx, s.rdb, []string{s.leaseKey}, l.ID, s.topic).Err(); err != nil {
		return storeError("releasing the lease", err)
	}
	return nil
}

// Wait returns once the stored generation differs from gen or the lease is
// free. It listens on the channel and, between notifications, polls.
func (s *Store) Wait(ctx context.Context, gen uint64) error {
	ps := s.rdb.Subscribe(ctx, s.topic)
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil { // the subscription's confirmation
		return storeError("subscribing", err)
	}
	want := strconv.FormatUint(gen, 10)
	for {
		// Checked after subscribing, so that no notification is missed.
		var g *redis.StringCmd
		var held *redis.IntCmd
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			g = p.HGet(ctx, s.tokenKey, "g")
			held = p.Exists(ctx, s.leaseKey)
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return storeError("waiting for the token", err)
		}
		if cur, _ := g.Result(); (cur != want && !(cur == "" && gen == 0)) || held.Val() == 0 {
			return nil
		}
		if _, err := ps.ReceiveTimeout(ctx, poll); err != nil {
			var ne net.Error
			switch {
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.As(err, &ne) && ne.Timeout():
			default:
				return storeError("waiting for the token", err)
			}
		}
	}
}

// record is a token as it is sealed: the fields a Salesforce session uses.
type record struct {
	AccessToken  string         `json:"a"`
	TokenType    string         `json:"y,omitempty"`
	RefreshToken string         `json:"r,omitempty"`
	Expiry       time.Time      `json:"e,omitzero"`
	Extra        map[string]any `json:"x,omitempty"`
}

// extras are the token response fields kept beside the tokens.
var extras = []string{"instance_url", "issued_at", "id", "scope", "signature"}

// seal encrypts tok, bound to its key name and generation.
func (s *Store) seal(gen uint64, tok *oauth2.Token) (string, error) {
	r := record{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry}
	for _, k := range extras {
		if v := tok.Extra(k); v != nil {
			if r.Extra == nil {
				r.Extra = map[string]any{}
			}
			r.Extra[k] = v
		}
	}
	plain, err := json.Marshal(r)
	if err != nil {
		return "", storeError("encoding the token", nil)
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	_, _ = rand.Read(nonce)
	return string(s.aead.Seal(nonce, nonce, plain, s.aad(gen))), nil
}

// open decrypts a sealed token of generation gen.
func (s *Store) open(gen uint64, sealed []byte) (*oauth2.Token, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, storeError("the stored token is truncated", nil)
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], s.aad(gen))
	if err != nil {
		return nil, storeError("the stored token cannot be decrypted (another key?)", nil)
	}
	var r record
	if err := json.Unmarshal(plain, &r); err != nil || r.AccessToken == "" {
		return nil, storeError("the stored token cannot be decoded", nil)
	}
	tok := &oauth2.Token{AccessToken: r.AccessToken, TokenType: r.TokenType, RefreshToken: r.RefreshToken, Expiry: r.Expiry}
	if r.Extra != nil {
		tok = tok.WithExtra(r.Extra)
	}
	return tok, nil
}

func (s *Store) aad(gen uint64) []byte { return []byte(s.tokenKey + "#" + strconv.FormatUint(gen, 10)) }
