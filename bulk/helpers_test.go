package bulk_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/typedforce/typedforce/bulk"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testCtx returns a context that ends with the test.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// fast polls every millisecond or so: the fake org processes a job on the
// first poll.
var fast = bulk.WithPollInterval(time.Millisecond, 4*time.Millisecond)

// closeResult closes res when the test ends.
func closeResult(t testing.TB, res *bulk.Result) {
	t.Cleanup(func() {
		if err := res.Close(); err != nil {
			t.Error(err)
		}
	})
}

// ingested takes the results of an ingest, ingested(t)(bulk.Insert(…)):
// it fails t on the error and closes the Result when the test ends.
func ingested(t testing.TB) func(*bulk.Result, error) *bulk.Result {
	return func(res *bulk.Result, err error) *bulk.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		closeResult(t, res)
		return res
	}
}

// collect drains an iterator, failing t on an error.
func collect[T any](t testing.TB, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("iterator: %v", err)
		}
		out = append(out, v)
	}
	return out
}

func newOrg(t testing.TB, opts ...sftest.Option) *sftest.Org {
	return sftest.NewOrg(t, opts...)
}

// warm has c mint its first token, so that later token requests are
// refreshes.
func warm(t testing.TB, c *sobjects.Client) {
	t.Helper()
	if _, err := sobjects.Call[map[string]any](testCtx(t), c, "GET", "limits", nil); err != nil {
		t.Fatal(err)
	}
}
