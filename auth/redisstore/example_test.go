package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/auth/redisstore"
	"github.com/typedforce/typedforce/auth/redisstore/redistest"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// Every replica of an integration builds its session the same way: the
// same credentials, the same store key. The fleet then refreshes once per
// expiry, and a rotated refresh token is shared before any replica uses it.
// (Not run: it needs a Redis server and a Salesforce org.)
func ExampleNew() {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{
		Addr:        os.Getenv("REDIS_ADDR"),
		DialTimeout: time.Second, // notice an unreachable Redis quickly
		ReadTimeout: time.Second,
	})
	defer rdb.Close()
	cfg := auth.RefreshTokenConfig{
		LoginURL:     os.Getenv("SF_LOGIN_URL"),
		ClientID:     os.Getenv("SF_CLIENT_ID"),
		ClientSecret: os.Getenv("SF_CLIENT_SECRET"),
		RefreshToken: os.Getenv("SF_REFRESH_TOKEN"),
	}
	st, err := redisstore.New(rdb, redisstore.Config{
		Key:        []byte(os.Getenv("TOKEN_STORE_KEY")), // 32 bytes from the secret manager
		Credential: cfg.ClientID + " " + cfg.LoginURL,    // no secret: it is hashed into key names
	})
	if err != nil {
		panic(err)
	}
	s := auth.NewSession(cfg.TokenSource(ctx),
		auth.WithTokenStore(st),
		auth.WithOnRefresh(func(ctx context.Context, tok *oauth2.Token) error {
			return nil // persist tok.RefreshToken; runs before the token is published
		}))
	client := s.Wrap(http.DefaultClient)
	_ = client
}

// Two replicas (here two clients in one program) share one store against the
// fake org of package sftest, which rotates refresh tokens: the first token
// and the refresh after an expiry each cost the fleet one token request, and
// the rotated refresh token reaches the other replica before it could spend
// a stale one.
func ExampleNew_fleet() {
	ctx := context.Background()
	srv, err := redistest.Start(ctx) // a redis-server of its own on a free loopback port
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Stop()
	org, err := sftest.New(sftest.WithRefreshTokenRotation())
	if err != nil {
		fmt.Println(err)
		return
	}
	key := bytes.Repeat([]byte{7}, 32) // in production: from the secret manager
	replica := func() (*sobjects.Client, func() error) {
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
		st, err := redisstore.New(rdb, redisstore.Config{Key: key, Credential: "3MVG9fakeConsumerKey integration@fake"})
		if err != nil {
			panic(err)
		}
		c, err := sobjects.New(auth.NewSession(org.TokenSource(), auth.WithTokenStore(st)),
			sobjects.WithHTTPClient(org.HTTPClient()))
		if err != nil {
			panic(err)
		}
		return c, rdb.Close
	}
	a, closeA := replica()
	defer closeA()
	b, closeB := replica()
	defer closeB()

	count := func() {
		for _, c := range []*sobjects.Client{a, b} {
			if _, err := sobjects.Count(ctx, c, "SELECT COUNT() FROM Account"); err != nil {
				fmt.Println(err)
			}
		}
	}
	count()
	fmt.Println("token requests after the first calls:", org.Stats().TokenRequests)
	org.ExpireSession()
	count()
	fmt.Println("token requests after an expiry:", org.Stats().TokenRequests)
	// Output:
	// token requests after the first calls: 1
	// token requests after an expiry: 2
}
