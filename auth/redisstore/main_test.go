package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/typedforce/typedforce/auth/redisstore"
	"github.com/typedforce/typedforce/auth/redisstore/redistest"
)

// secretMark is part of every token, refresh token, client secret and
// encryption key of these tests. TestMain fails the run if it shows up in
// any log line or error string that the tests or their workers produced.
const secretMark = "Sekr1t"

// testKey is the AES-256 key of the tests' stores.
var testKey = []byte(secretMark + "-0123456789abcdef012345678") // 32 bytes

// server is the redis-server of the test run.
var server *redistest.Server

// capture collects log lines and error strings.
var capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

type captureWriter struct{}

func (captureWriter) Write(p []byte) (int, error) {
	capture.mu.Lock()
	defer capture.mu.Unlock()
	return capture.buf.Write(p)
}

func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(captureWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// noteErr records what an error prints.
func noteErr(err error) {
	if err != nil {
		fmt.Fprintf(captureWriter{}, "%v\n%+v\n%#v\n", err, err, err)
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(worker())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	var err error
	server, err = redistest.Start(ctx)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	code := m.Run()
	server.Stop()
	if code == 0 {
		capture.mu.Lock()
		out := capture.buf.String()
		capture.mu.Unlock()
		if i := strings.Index(out, secretMark); i >= 0 {
			fmt.Fprintf(os.Stderr, "FAIL: a secret appears in the captured errors/logs:\n%s\n", out[max(0, i-200):min(len(out), i+100)])
			code = 1
		}
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: goroutine leak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

func capturedLen() int {
	capture.mu.Lock()
	defer capture.mu.Unlock()
	return capture.buf.Len()
}

func capturedSince(n int) string {
	capture.mu.Lock()
	defer capture.mu.Unlock()
	return capture.buf.String()[n:]
}

// startServer starts a redis-server for one test.
func startServer(t *testing.T) *redistest.Server {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv, err := redistest.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

// client returns a client of addr with the short timeouts the package
// recommends.
func client(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 500 * time.Millisecond,
		ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond})
}

// credential returns a credential name of its own for each test run, so
// that runs never share stored state.
func credential(t testing.TB) string {
	return fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
}

// newStore returns a store on the test server for a credential of its own.
func newStore(t testing.TB, rdb redis.UniversalClient, cfg redisstore.Config) *redisstore.Store {
	t.Helper()
	if cfg.Key == nil {
		cfg.Key = testKey
	}
	if cfg.Credential == "" {
		cfg.Credential = credential(t)
	}
	st, err := redisstore.New(rdb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
