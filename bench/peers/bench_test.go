package peers_test

import (
	"context"
	"testing"

	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/peers"
)

// BenchmarkGet and BenchmarkPatch run one contestant each, for profiles:
//
//	go test -run XXX -bench 'Get/typedforce' -cpuprofile cpu.out ./peers
//
// The figures come from cmd/peerbench, which interleaves the contestants.
func BenchmarkGet(b *testing.B)   { benchOp(b, "get") }
func BenchmarkPatch(b *testing.B) { benchOp(b, "patch") }

func benchOp(b *testing.B, op string) {
	ctx := context.Background()
	org := fakeorg.New()
	defer org.Close()
	for _, build := range []peers.Builder{peers.NetHTTP, peers.Typedforce, peers.KCapehart, peers.Simpleforce, peers.Interceptor} {
		c, err := build(ctx, org, org.Reset(fakeorg.Tolerant))
		if err != nil {
			b.Fatal(err)
		}
		f := c.Get
		if op == "patch" {
			f = c.Patch
		}
		b.Run(c.Name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := f(ctx, fakeorg.RecordID(i%1000)); err != nil {
					b.Fatal(err)
				}
			}
		})
		c.Close()
	}
}
