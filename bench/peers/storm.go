package peers

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/typedforce/typedforce/bench/fakeorg"
)

// StormResult is what one session-expiry storm cost.
type StormResult struct {
	TokenCalls   int64 // token requests the org received during the storm
	Failed       int   // callers whose call returned an error
	Unauthorized int64 // 401s the org served during the storm
	FamilyKills  int64 // replayed rotated refresh tokens (Revoking model)
}

// Storm runs one session-expiry storm: a new token family in model m, a
// contestant built on it that makes one successful call (its first token
// is minted there, before counting starts), then the org expires every
// token and callers goroutines make one call each, all released at once,
// while every answer waits up to latency.
func Storm(ctx context.Context, org *fakeorg.Org, build Builder, m fakeorg.Model, callers int, latency time.Duration) (StormResult, error) {
	rt := org.Reset(m)
	org.SetLatency(0)
	c, err := build(ctx, org, rt)
	if err != nil {
		return StormResult{}, err
	}
	defer c.Close()
	if err := c.Get(ctx, fakeorg.RecordID(1)); err != nil {
		return StormResult{}, fmt.Errorf("%s: warm-up call: %w", c.Name, err)
	}
	org.SetLatency(latency)
	defer org.SetLatency(0)
	org.Expire()
	before := org.Counts()

	var failed atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := c.Get(ctx, fakeorg.RecordID(i)); err != nil {
				failed.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	d := org.Counts().Sub(before)
	return StormResult{TokenCalls: d.TokenCalls, Failed: int(failed.Load()), Unauthorized: d.Unauthorized, FamilyKills: d.FamilyKills}, nil
}

// SustainedResult is what an expiry under sustained load cost.
type SustainedResult struct {
	TokenCalls int64 // token requests during the run
	Failed     int   // calls that returned an error
	Calls      int   // calls made
	// LastRefresh is when, from the expiry, the last token request came
	// (0 for none): how long it took the contestant to settle.
	LastRefresh time.Duration
}

// Sustained expires the session of a contestant under load: workers
// goroutines call Get back to back for d after the expiry, while every
// answer waits up to latency.
func Sustained(ctx context.Context, org *fakeorg.Org, build Builder, m fakeorg.Model, workers int, d, latency time.Duration) (SustainedResult, error) {
	rt := org.Reset(m)
	org.SetLatency(0)
	c, err := build(ctx, org, rt)
	if err != nil {
		return SustainedResult{}, err
	}
	defer c.Close()
	if err := c.Get(ctx, fakeorg.RecordID(1)); err != nil {
		return SustainedResult{}, fmt.Errorf("%s: warm-up call: %w", c.Name, err)
	}
	org.SetLatency(latency)
	defer org.SetLatency(0)

	var failed, calls atomic.Int64
	var last atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := c.Get(ctx, fakeorg.RecordID(i*100000+n%100000)); err != nil {
					failed.Add(1)
				}
				calls.Add(1)
			}
		}()
	}
	// Let the load settle, then expire the session under it.
	time.Sleep(latency + 50*time.Millisecond)
	failed.Store(0)
	calls.Store(0)
	org.Expire()
	expired := time.Now()
	before := org.Counts()
	// Note the time of the last token request while the run lasts.
	done := time.After(d)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	seen := before.TokenCalls
loop:
	for {
		select {
		case <-done:
			break loop
		case <-tick.C:
			if n := org.Counts().TokenCalls; n != seen {
				seen = n
				last.Store(int64(time.Since(expired)))
			}
		}
	}
	close(stop)
	wg.Wait()
	after := org.Counts().Sub(before)
	return SustainedResult{
		TokenCalls:  after.TokenCalls,
		Failed:      int(failed.Load()),
		Calls:       int(calls.Load()),
		LastRefresh: time.Duration(last.Load()),
	}, nil
}
