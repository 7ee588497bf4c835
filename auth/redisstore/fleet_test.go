package redisstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/auth/redisstore"
	"github.com/typedforce/typedforce/internal/fleet"
)

// The test binary runs itself as the worker processes of a fleet: with
// workerEnv set, TestMain calls worker instead of the tests.
const workerEnv = "REDISSTORE_TEST_WORKER"

// worker is one process of a fleet: a session on the org (with the Redis
// store unless FLEET_STORE=0) and, for each "call" line on stdin,
// FLEET_CALLERS concurrent API calls, answered with "done <ok> <failed>".
func worker() int {
	id := os.Getenv(workerEnv)
	callers, _ := strconv.Atoi(os.Getenv("FLEET_CALLERS"))
	hc := &http.Client{Transport: fleet.Tagged{ID: id}}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	src := auth.RefreshTokenConfig{LoginURL: os.Getenv("FLEET_ORG"), ClientID: clientID, ClientSecret: clientSecret,
		RefreshToken: secretMark + "-rt-0"}.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, hc))
	opts := []auth.Option{auth.WithLogger(logger)}
	if os.Getenv("FLEET_STORE") != "0" {
		rdb := client(os.Getenv("FLEET_REDIS"))
		defer rdb.Close()
		st, err := redisstore.New(rdb, redisstore.Config{Key: testKey, Credential: os.Getenv("FLEET_CREDENTIAL"), Lease: time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		opts = append(opts, auth.WithTokenStore(st))
	}
	s := auth.NewSession(src, opts...)
	d := s.Wrap(hc)
	url := os.Getenv("FLEET_ORG") + apiPath
	fleet.Serve(callers, func(int) error { return fleet.Call(context.Background(), s, d, url) }, os.Stderr)
	return 0
}

// testFleet is a fleet of workers that fails its test on any trouble.
type testFleet struct {
	t *testing.T
	*fleet.Fleet
}

// startFleet starts n workers of callers each on o, sharing the test
// server's Redis unless store is false.
func startFleet(t *testing.T, o *org, n, callers int, store bool) *testFleet {
	t.Helper()
	cred := credential(t)
	f, err := fleet.Start(n, func(id string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		// GORACE: a race-enabled worker would sleep a second on exit.
		cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", workerEnv+"="+id, "FLEET_CALLERS="+strconv.Itoa(callers),
			"FLEET_ORG="+o.srv.URL, "FLEET_REDIS="+server.Addr, "FLEET_CREDENTIAL="+cred,
			"FLEET_STORE="+map[bool]string{true: "1", false: "0"}[store])
		cmd.Stderr = captureWriter{}
		return cmd
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Stop)
	return &testFleet{t, f}
}

// round makes every live worker run its callers once, and returns the
// calls that succeeded and failed. It fails the test if a worker does not
// answer within a minute (a deadlock).
func (f *testFleet) round(during func()) (ok, failed int) {
	f.t.Helper()
	ok, failed, err := f.Round(during, time.Minute)
	if err != nil {
		f.t.Fatal(err)
	}
	return ok, failed
}

// kill ends worker id with SIGKILL.
func (f *testFleet) kill(id string) {
	if !f.Kill(id) {
		f.t.Fatalf("no worker %q", id)
	}
}

// want checks a round's figures.
func want(t *testing.T, what string, got, wantN int64) {
	t.Helper()
	if got != wantN {
		t.Errorf("%s = %d, want %d", what, got, wantN)
	}
}

const (
	procs   = 8
	callers = 250
)

func TestFleetRefreshesOncePerExpiry(t *testing.T) {
	o := newOrg(false)
	defer o.close()
	f := startFleet(t, o, procs, callers, true)

	ok, failed := f.round(nil)
	want(t, "token calls for the first token of 8 processes", o.tokenCalls.Load(), 1)
	want(t, "failed calls", int64(failed), 0)
	want(t, "successful calls", int64(ok), procs*callers)

	for i := range 3 { // three expiries in a row, three token calls
		o.expire()
		ok, failed := f.round(nil)
		want(t, fmt.Sprintf("token calls after expiry %d", i+1), o.tokenCalls.Load(), int64(2+i))
		want(t, "failed calls", int64(failed), 0)
		want(t, "successful calls", int64(ok), procs*callers)
	}
	want(t, "revoked token families", o.familyKills.Load(), 0)
}

func TestFleetWithoutStoreRevokesItself(t *testing.T) {
	// The same fleet without the store: every process refreshes with its
	// own copy of the refresh token, and the second replays a rotated-out
	// one, which revokes the family. This is what the store prevents.
	o := newOrg(false)
	defer o.close()
	f := startFleet(t, o, procs, 20, false)
	_, failed := f.round(nil)
	if o.tokenCalls.Load() < 2 || o.familyKills.Load() == 0 || failed == 0 {
		t.Errorf("without a store: %d token calls, %d family revocations, %d failed calls; want several, at least 1, at least 1",
			o.tokenCalls.Load(), o.familyKills.Load(), failed)
	}
}

func TestFleetRecoversFromAKilledLeaseHolder(t *testing.T) {
	o := newOrg(false)
	defer o.close()
	f := startFleet(t, o, procs, callers, true)
	if _, failed := f.round(nil); failed != 0 {
		t.Fatalf("%d failed calls before the kill", failed)
	}
	o.expire()
	holder, _ := o.holdNext()
	var killed string
	ok, failed := f.round(func() {
		killed = <-holder // the leader's token request is in flight
		f.kill(killed)
	})
	// One token request from the killed holder (never answered) and one
	// from its successor once the lease expired.
	want(t, "token calls", o.tokenCalls.Load(), 3)
	want(t, "tokens minted", o.minted.Load(), 2)
	want(t, "failed calls of the surviving processes", int64(failed), 0)
	want(t, "successful calls", int64(ok), (procs-1)*callers)
	want(t, "revoked token families", o.familyKills.Load(), 0)
}

func TestFleetSurvivesARedisRestart(t *testing.T) {
	// While Redis is down the processes cannot see each other and each
	// refreshes on its own, so this org is tolerant (new tokens do not
	// revoke the old ones): a process alone would not fail here either.
	srv := server
	o := newOrg(true)
	defer o.close()
	f := startFleet(t, o, procs, 50, true)
	defer func() { // the other tests need the server back
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Start(ctx)
	}()

	_, failed := f.round(nil)
	want(t, "token calls", o.tokenCalls.Load(), 1)
	want(t, "failed calls", int64(failed), 0)

	srv.Stop()
	_, failed = f.round(nil) // valid tokens: Redis is not needed
	want(t, "token calls with Redis down and no expiry", o.tokenCalls.Load(), 1)
	want(t, "failed calls", int64(failed), 0)

	o.expire()
	ok, failed := f.round(nil) // each process refreshes on its own
	if n := o.tokenCalls.Load() - 1; n < 1 || n > procs {
		t.Errorf("token calls during the outage = %d, want 1 to %d (at most one per process)", n, procs)
	}
	want(t, "failed calls during the outage", int64(failed), 0)
	want(t, "successful calls", int64(ok), procs*50)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	before := o.tokenCalls.Load()
	o.expire()
	_, failed = f.round(nil)
	want(t, "token calls after Redis came back (empty)", o.tokenCalls.Load()-before, 1)
	want(t, "failed calls", int64(failed), 0)
}
