package sobjects

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy is an opt-in policy for retrying requests that failed in a way
// Salesforce documents as transient. It is a plain value: the zero value
// uses the defaults given on each field, and Retryable can wrap
// [DefaultRetryable] to retry more or less. Pass it to [WithRetry].
//
// Retries happen outside the session's own handling of expiry (a 401
// INVALID_SESSION_ID is refreshed and retried once by [auth.Session.Wrap],
// whatever the policy), and every wait honours the request's context.
type RetryPolicy struct {
	// MaxAttempts is how often one request is sent at most, the first
	// time included (default 3; 1 disables retries).
	MaxAttempts int
	// BaseDelay is the first backoff, doubled on every further retry,
	// with jitter (default 500ms).
	BaseDelay time.Duration
	// MaxDelay caps one wait (default 30s). A Retry-After asking for
	// longer ends the retries: the failure is returned at once.
	MaxDelay time.Duration
	// Retryable decides whether a failure is retried; nil means
	// [DefaultRetryable].
	Retryable func(Attempt) bool
}

// Attempt describes a failed attempt of a request to a [RetryPolicy].
type Attempt struct {
	Number     int       // 1 for the first attempt
	Method     string    // HTTP method of the request
	StatusCode int       // HTTP status; 0 when no response arrived
	Code       ErrorCode // errorCode of the first error of the body, if any
	Message    string    // its message
	Err        error     // the transport error when no response arrived
}

// DefaultRetryable retries what Salesforce documents as transient:
//
//   - UNABLE_TO_LOCK_ROW, and REQUEST_LIMIT_EXCEEDED for the concurrent
//     request limits ("ConcurrentRequests", "ConcurrentPerOrgLongTxn";
//     not the daily "TotalRequests" limit), and HTTP 429, for any method:
//     the request was refused without effect;
//   - 503 SERVER_UNAVAILABLE, 500, 502 and 504, and network errors, for
//     idempotent methods only (GET, HEAD, OPTIONS, PUT, DELETE): a POST
//     that creates records, or a PATCH that may run triggers again, might
//     already have taken effect.
func DefaultRetryable(f Attempt) bool {
	if f.Err != nil {
		return idempotent(f.Method)
	}
	switch f.Code {
	case ErrUnableToLockRow:
		return true
	case ErrRequestLimitExceeded:
		return strings.Contains(strings.ToLower(f.Message), "concurrent")
	case ErrServerUnavailable, ErrUnknownException:
		return idempotent(f.Method)
	}
	switch f.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent(f.Method)
	}
	return false
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func (p *RetryPolicy) attempts() int {
	if p == nil {
		return 1
	}
	if p.MaxAttempts <= 0 {
		return 3
	}
	return p.MaxAttempts
}

func (p *RetryPolicy) retryable(f Attempt) bool {
	if p.Retryable != nil {
		return p.Retryable(f)
	}
	return DefaultRetryable(f)
}

// delay returns how long to wait before attempt+1, and false when a
// Retry-After asks for longer than MaxDelay.
func (p *RetryPolicy) delay(attempt int, resp *http.Response, now time.Time) (time.Duration, bool) {
	base, max := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if max <= 0 {
		max = 30 * time.Second
	}
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), now); ok {
			return d, d <= max
		}
	}
	d := base << min(attempt-1, 30)
	if d <= 0 || d > max {
		d = max
	}
	// Equal jitter: somewhere in [d/2, d].
	return d/2 + rand.N(d/2+1), true
}

// retryAfter reads a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(min(s, 1<<30)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
