// Command fleetbench measures the shared token store of package
// auth/redisstore: a fleet of worker processes (this command re-executed)
// sharing one set of credentials on a loopback org whose new tokens revoke
// the older ones and whose refresh tokens rotate (fakeorg.Revoking), with a
// redis-server started for the run, and the same fleet without the store.
//
// It prints one `figure: name = value` line per figure and `#` lines with
// the details: fleet_token_calls_per_expiry and fleet_failed_calls_revoking
// for -procs x -callers concurrent callers with the store (the first tokens,
// then -expiries expiries), the same as fleet_nostore_* without the store,
// fleet_takeover_seconds from the SIGKILL of the lease holder mid-refresh
// until every other process has its calls answered, and
// fleet_steady_ratio_store_vs_nostore, the requests/s of a session with the
// store over one without, interleaved in one process.
//
//	go run ./cmd/fleetbench [-procs 8] [-callers 250] [-expiries 5] [-lease 2s]
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/auth/redisstore"
	"github.com/typedforce/typedforce/auth/redisstore/redistest"
	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/internal/fleet"
)

// workerEnv switches the command into a worker process.
const workerEnv = "FLEETBENCH_WORKER"

// key encrypts the stored tokens of the run.
var key = []byte("fleetbench-key-0123456789abcdef!")

func main() {
	if os.Getenv(workerEnv) != "" {
		os.Exit(worker())
	}
	procs := flag.Int("procs", 8, "worker processes")
	callers := flag.Int("callers", 250, "concurrent callers per process")
	expiries := flag.Int("expiries", 5, "expiries per fleet")
	lease := flag.Duration("lease", 2*time.Second, "lease of the store")
	rounds := flag.Int("rounds", 30, "rounds of the steady-state comparison")
	block := flag.Int("block", 200, "requests per session per steady-state round")
	flag.Parse()
	if err := run(*procs, *callers, *expiries, *lease, *rounds, *block); err != nil {
		fmt.Fprintln(os.Stderr, "fleetbench:", err)
		os.Exit(1)
	}
}

func figure(name, format string, v any, note string, args ...any) {
	fmt.Printf("figure: %s = "+format+" (%s)\n", name, v, fmt.Sprintf(note, args...))
}

func run(procs, callers, expiries int, lease time.Duration, rounds, block int) error {
	ctx := context.Background()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	srv, err := redistest.Start(sctx)
	cancel()
	if err != nil {
		return err
	}
	defer srv.Stop()
	org := fakeorg.New()
	defer org.Close()
	fmt.Printf("# fleetbench: %d processes x %d callers, revoking org, lease %v, redis-server on %s\n", procs, callers, lease, srv.Addr)

	for _, store := range []bool{true, false} {
		name := map[bool]string{true: "fleet", false: "fleet_nostore"}[store]
		rt := org.Reset(fakeorg.Revoking)
		f, err := startFleet(procs, callers, org.URL, srv.Addr, rt, name+"-"+strconv.FormatInt(time.Now().UnixNano(), 10), lease, store)
		if err != nil {
			return err
		}
		// Round 0 is the first token of every process (the store is
		// empty), rounds 1 to expiries each follow an expiry.
		var calls, fails []int64
		for r := range expiries + 1 {
			if r > 0 {
				org.Expire()
			}
			before := org.Counts()
			_, failed, _ := f.Round(nil, 0)
			calls, fails = append(calls, org.Counts().Sub(before).TokenCalls), append(fails, int64(failed))
		}
		fmt.Printf("# %s: token calls per round %v, failed calls %v (round 0: first tokens), revoked families %d\n", name, calls, fails, org.Counts().FamilyKills)
		figure(name+"_token_calls_per_expiry", "%d", slices.Max(calls), "the most of %d rounds (first tokens, then %d expiries) of %d x %d callers; fewest %d", expiries+1, expiries, procs, callers, slices.Min(calls))
		figure(name+"_failed_calls_revoking", "%d", slices.Max(fails), "the most of %d rounds, of %d calls each", expiries+1, procs*callers)

		if store {
			org.Expire()
			holder, release := org.HoldNextToken()
			var killed time.Time
			_, _, _ = f.Round(func() {
				f.Kill(<-holder)
				killed = time.Now()
			}, 0)
			took := time.Since(killed)
			close(release)
			figure("fleet_takeover_seconds", "%.2f", took.Seconds(), "from the SIGKILL of the lease holder mid-refresh until the %d other processes had all calls answered; lease %v", procs-1, lease)
		}
		f.Stop()
	}
	return steady(ctx, org, srv.Addr, lease, rounds, block)
}

// steady compares a session with the store against one without on the
// same org, taking turns request by request; each round's ratio is of the
// median latencies.
func steady(ctx context.Context, org *fakeorg.Org, addr string, lease time.Duration, rounds, block int) error {
	rt := org.Reset(fakeorg.Tolerant)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	st, err := redisstore.New(rdb, redisstore.Config{Key: key, Credential: "steady", Lease: lease})
	if err != nil {
		return err
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	with := newSession(org.URL, rt, hc, st)
	without := newSession(org.URL, rt, hc, nil)
	sessions := []*auth.Session{without, with}
	doers := []auth.Doer{without.Wrap(hc), with.Wrap(hc)}
	var ratios []float64
	for r := range rounds + 1 {
		ds := [2][]time.Duration{}
		for k := range block {
			for j := range sessions {
				i := (j + k) % 2
				t0 := time.Now()
				if err := call(ctx, sessions[i], doers[i], org.URL, k); err != nil {
					return err
				}
				ds[i] = append(ds[i], time.Since(t0))
			}
		}
		if r > 0 { // round 0 warms up
			ratios = append(ratios, float64(median(ds[0]))/float64(median(ds[1])))
		}
	}
	slices.Sort(ratios)
	figure("fleet_steady_ratio_store_vs_nostore", "%.3f", ratios[len(ratios)/2],
		"requests/s with the store over without, GET, median of %d rounds of %d interleaved requests; range %.3f-%.3f",
		rounds, block, ratios[0], ratios[len(ratios)-1])
	return nil
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func newSession(orgURL, rt string, hc *http.Client, st auth.TokenStore) *auth.Session {
	src := auth.RefreshTokenConfig{LoginURL: orgURL, ClientID: fakeorg.ClientID, ClientSecret: fakeorg.ClientSecret,
		RefreshToken: rt}.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, hc))
	var opts []auth.Option
	if st != nil {
		opts = append(opts, auth.WithTokenStore(st))
	}
	return auth.NewSession(src, opts...)
}

// call GETs one Account through the session and d, its Wrap.
func call(ctx context.Context, s *auth.Session, d auth.Doer, orgURL string, i int) error {
	return fleet.Call(ctx, s, d, orgURL+"/services/data/v62.0/sobjects/Account/"+fakeorg.RecordID(i))
}

// worker runs the callers of one process for each "call" line on stdin
// and answers "done <ok> <failed>".
func worker() int {
	id := os.Getenv(workerEnv)
	callers, _ := strconv.Atoi(os.Getenv("FLEETBENCH_CALLERS"))
	lease, _ := time.ParseDuration(os.Getenv("FLEETBENCH_LEASE"))
	orgURL := os.Getenv("FLEETBENCH_ORG")
	hc := &http.Client{Transport: fleet.Tagged{ID: id, Next: &http.Transport{MaxIdleConnsPerHost: callers}}}
	var st auth.TokenStore
	if os.Getenv("FLEETBENCH_STORE") == "1" {
		rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("FLEETBENCH_REDIS"), DialTimeout: time.Second, ReadTimeout: time.Second})
		defer rdb.Close()
		s, err := redisstore.New(rdb, redisstore.Config{Key: key, Credential: os.Getenv("FLEETBENCH_CREDENTIAL"), Lease: lease})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		st = s
	}
	s := newSession(orgURL, os.Getenv("FLEETBENCH_RT"), hc, st)
	d := s.Wrap(hc)
	fleet.Serve(callers, func(i int) error { return call(context.Background(), s, d, orgURL, i) }, nil)
	return 0
}

func startFleet(n, callers int, orgURL, redisAddr, rt, cred string, lease time.Duration, store bool) (*fleet.Fleet, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return fleet.Start(n, func(id string) *exec.Cmd {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), workerEnv+"="+id, "FLEETBENCH_CALLERS="+strconv.Itoa(callers),
			"FLEETBENCH_ORG="+orgURL, "FLEETBENCH_REDIS="+redisAddr, "FLEETBENCH_RT="+rt, "FLEETBENCH_CREDENTIAL="+cred,
			"FLEETBENCH_LEASE="+lease.String(), "FLEETBENCH_STORE="+map[bool]string{true: "1", false: "0"}[store])
		cmd.Stderr = os.Stderr
		return cmd
	})
}
