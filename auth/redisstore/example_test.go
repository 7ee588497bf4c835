package redisstore_test

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/auth/redisstore"
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
