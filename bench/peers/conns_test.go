package peers_test

import (
	"context"
	"testing"

	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/peers"
)

// TestConnectionReuse: every contestant reuses its connection from one
// request to the next, so that no throughput figure pays for dialing.
func TestConnectionReuse(t *testing.T) {
	ctx := context.Background()
	org := fakeorg.New()
	defer org.Close()
	for _, build := range builders {
		c, err := build(ctx, org, org.Reset(fakeorg.Tolerant))
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range []struct {
			name string
			f    func(context.Context, string) error
		}{{"get", c.Get}, {"patch", c.Patch}, {"query", func(ctx context.Context, _ string) error {
			_, err := c.Query(ctx, peers.SOQL(10))
			return err
		}}} {
			if op.f == nil || (op.name == "query" && c.Query == nil) {
				continue
			}
			_ = op.f(ctx, fakeorg.RecordID(1)) // first call may dial, mint a token
			before := org.Counts()
			for i := range 20 {
				if err := op.f(ctx, fakeorg.RecordID(i)); err != nil {
					t.Fatalf("%s %s: %v", c.Name, op.name, err)
				}
			}
			if d := org.Counts().Sub(before); d.Conns != 0 || d.TokenCalls != 0 {
				t.Errorf("%s %s: %d new connections and %d token requests for 20 calls, want none", c.Name, op.name, d.Conns, d.TokenCalls)
			}
		}
		c.Close()
	}
}
