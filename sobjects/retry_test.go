package sobjects_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

// failThen answers the first n requests with the failure, then with ok,
// and checks that every attempt carries the same body.
func failThen(t *testing.T, n int, failure, ok httpmock.Responder, count *atomic.Int32) httpmock.Responder {
	var first atomic.Value
	return func(req *http.Request) (*http.Response, error) {
		body := readBody(t, req)
		if !first.CompareAndSwap(nil, body) && first.Load() != body {
			t.Errorf("retried with body %q, first was %q", body, first.Load())
		}
		if int(count.Add(1)) <= n {
			return failure(req)
		}
		return ok(req)
	}
}

const (
	lockBody        = `[{"message":"unable to obtain exclusive access to this record or 1 records: 001xx000003DGb2AAG","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]`
	unavailableBody = `[{"message":"Server unavailable","errorCode":"SERVER_UNAVAILABLE"}]`
	concurrentBody  = `[{"message":"ConcurrentRequests (Concurrent API Requests) Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`
	totalBody       = `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`
)

func retryClient(t *testing.T, p sobjects.RetryPolicy) (*sobjects.Client, *httpmock.MockTransport, *noSleep) {
	c, mock := newClient(t, sobjects.WithRetry(p))
	ns := &noSleep{}
	sobjects.SetSleep(c, ns.sleep)
	return c, mock, ns
}

func TestRetryLockedRowOnPatch(t *testing.T) {
	c, mock, ns := retryClient(t, sobjects.RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond})
	var count atomic.Int32
	mock.RegisterResponder("PATCH", base+"/sobjects/Account/"+acctID, failThen(t, 2, respond(400, lockBody), respond(204, ""), &count))
	name := "x"
	if err := sobjects.Update(testCtx(t), c, acctID, sampleorg.AccountUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if count.Load() != 3 || len(ns.delays) != 2 {
		t.Fatalf("%d attempts, delays %v", count.Load(), ns.delays)
	}
	// Equal jitter: the n-th wait is within [base·2ⁿ⁻¹/2, base·2ⁿ⁻¹].
	for i, d := range ns.delays {
		hi := 100 * time.Millisecond << i
		if d < hi/2 || d > hi {
			t.Errorf("delay %d = %v, want within [%v, %v]", i, d, hi/2, hi)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	c, mock, ns := retryClient(t, sobjects.RetryPolicy{MaxDelay: 10 * time.Second})
	var count atomic.Int32
	unavailable := func(*http.Request) (*http.Response, error) {
		r := sfResponse(503, unavailableBody)
		r.Header.Set("Retry-After", "2")
		return r, nil
	}
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, failThen(t, 1, unavailable, respond(200, accountJSON(acctID, "Acme")), &count))
	if _, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID); err != nil {
		t.Fatal(err)
	}
	if count.Load() != 2 || len(ns.delays) != 1 || ns.delays[0] != 2*time.Second {
		t.Fatalf("%d attempts, delays %v", count.Load(), ns.delays)
	}

	// A Retry-After beyond MaxDelay ends the retries at once.
	count.Store(0)
	long := func(*http.Request) (*http.Response, error) {
		r := sfResponse(503, unavailableBody)
		r.Header.Set("Retry-After", "3600")
		return r, nil
	}
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, failThen(t, 5, long, respond(200, accountJSON(acctID, "Acme")), &count))
	if _, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID); !errors.Is(err, sobjects.ErrServerUnavailable) || count.Load() != 1 {
		t.Fatalf("err %v after %d attempts", err, count.Load())
	}
}

func TestRetryDecisions(t *testing.T) {
	for name, tc := range map[string]struct {
		method   string
		status   int
		body     string
		attempts int32 // with MaxAttempts 3 and every attempt failing
	}{
		"lock on POST":            {"POST", 400, lockBody, 3},
		"503 on GET":              {"GET", 503, unavailableBody, 3},
		"503 on POST create":      {"POST", 503, unavailableBody, 1},
		"500 on GET":              {"GET", 500, `[{"errorCode":"UNKNOWN_EXCEPTION","message":"An unexpected error occurred."}]`, 3},
		"500 on POST":             {"POST", 500, `[{"errorCode":"UNKNOWN_EXCEPTION","message":"An unexpected error occurred."}]`, 1},
		"502 html on DELETE":      {"DELETE", 502, `<html>Bad Gateway</html>`, 3},
		"503 on PATCH":            {"PATCH", 503, unavailableBody, 1},
		"concurrent limit POST":   {"POST", 403, concurrentBody, 3},
		"daily limit GET":         {"GET", 403, totalBody, 1},
		"not found GET":           {"GET", 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`, 1},
		"validation rule on POST": {"POST", 400, `[{"errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","message":"no"}]`, 1},
		"429 on POST":             {"POST", 429, ``, 3},
	} {
		t.Run(name, func(t *testing.T) {
			c, mock, _ := retryClient(t, sobjects.RetryPolicy{})
			var count atomic.Int32
			fail := failThen(t, 100, respond(tc.status, tc.body), respond(200, "{}"), &count)
			ctx := testCtx(t)
			var err error
			switch tc.method {
			case "GET":
				mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, fail)
				_, err = sobjects.Get[sampleorg.Account](ctx, c, acctID)
			case "POST":
				mock.RegisterResponder("POST", base+"/sobjects/Account", fail)
				_, err = sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "x"})
			case "PATCH":
				mock.RegisterResponder("PATCH", base+"/sobjects/Account/"+acctID, fail)
				err = sobjects.Update(ctx, c, acctID, sampleorg.AccountUpdate{})
			case "DELETE":
				mock.RegisterResponder("DELETE", base+"/sobjects/Account/"+acctID, fail)
				err = sobjects.Delete[sampleorg.Account](ctx, c, acctID)
			}
			var e *sobjects.Error
			if !errors.As(err, &e) || e.StatusCode != tc.status {
				t.Fatalf("err = %v", err)
			}
			if count.Load() != tc.attempts {
				t.Fatalf("%d attempts, want %d", count.Load(), tc.attempts)
			}
		})
	}
}

func TestRetryNetworkErrors(t *testing.T) {
	c, mock, _ := retryClient(t, sobjects.RetryPolicy{MaxAttempts: 2})
	var gets, posts atomic.Int32
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, failThen(t, 1, httpmock.ConnectionFailure, respond(200, accountJSON(acctID, "Acme")), &gets))
	mock.RegisterResponder("POST", base+"/sobjects/Account", failThen(t, 1, httpmock.ConnectionFailure, respond(201, `{"id":"`+acctID+`","success":true,"errors":[]}`), &posts))
	if _, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID); err != nil || gets.Load() != 2 {
		t.Fatalf("GET: %v after %d attempts", err, gets.Load())
	}
	if _, err := sobjects.Create(testCtx(t), c, sampleorg.AccountCreate{Name: "x"}); err == nil || posts.Load() != 1 {
		t.Fatalf("POST create retried after a network error: %v, %d attempts", err, posts.Load())
	}
}

func TestRetryCustomPolicyAndOff(t *testing.T) {
	// Retryable can widen the default.
	p := sobjects.RetryPolicy{Retryable: func(f sobjects.Attempt) bool {
		return sobjects.DefaultRetryable(f) || f.Code == sobjects.ErrQueryTimeout
	}}
	c, mock, _ := retryClient(t, p)
	var count atomic.Int32
	mock.RegisterResponder("GET", base+"/query", failThen(t, 1, respond(400, `[{"errorCode":"QUERY_TIMEOUT","message":"Your query request was running for too long."}]`),
		respond(200, `{"totalSize":0,"done":true,"records":[]}`), &count))
	if n, err := sobjects.Count(testCtx(t), c, "SELECT COUNT() FROM Account"); err != nil || n != 0 || count.Load() != 2 {
		t.Fatalf("Count = %d, %v after %d attempts", n, err, count.Load())
	}

	// Without WithRetry nothing is retried.
	c, mock = newClient(t)
	count.Store(0)
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, failThen(t, 1, respond(400, lockBody), respond(200, "{}"), &count))
	if _, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID); !errors.Is(err, sobjects.ErrUnableToLockRow) || count.Load() != 1 {
		t.Fatalf("err %v after %d attempts", err, count.Load())
	}
}

func TestRetryWaitHonoursContext(t *testing.T) {
	c, mock := newClient(t, sobjects.WithRetry(sobjects.RetryPolicy{BaseDelay: time.Hour, MaxDelay: 2 * time.Hour}))
	ctx, cancel := context.WithCancel(testCtx(t))
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, func(*http.Request) (*http.Response, error) {
		r := sfResponse(400, lockBody)
		// Cancel while the failure is being read, before the hour-long wait
		// for the retry, which must then end at once.
		r.Body = cancelOnRead{r.Body, cancel}
		return r, nil
	})
	if _, err := sobjects.Get[sampleorg.Account](ctx, c, acctID); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

type cancelOnRead struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnRead) Read(p []byte) (int, error) {
	c.cancel()
	return c.ReadCloser.Read(p)
}
