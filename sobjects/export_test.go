package sobjects

import (
	"context"
	"io"
	"testing"
	"time"
)

// SetSleep replaces the wait between retries, so that tests record the
// delays instead of sleeping.
func SetSleep(c *Client, sleep func(context.Context, time.Duration) error) { c.tr.sleep = sleep }

// ParseErrorBodyTruncated exposes the error-body parser, with its
// truncated flag, to the fuzzer.
func ParseErrorBodyTruncated(status int, body []byte, truncated bool) *Error {
	return parseErrorBody("test", status, body, truncated)
}

// DecodePage exposes the streaming page decoder to benchmarks.
func DecodePage[T any](r io.Reader, buf []T) ([]T, int, error) {
	buf, pg, err := decodePage(r, buf)
	return buf, pg.totalSize, err
}

// SafeNextURL exposes the nextRecordsUrl check.
var SafeNextURL = safeNextURL

// Snippet exposes the body snippet cleaner.
var Snippet = snippet

// MarshalValue exposes the write-shape encoder, reflect entry.
var MarshalValue = marshalValue

// MarshalRecord exposes the write-shape encoder, generic entry.
func MarshalRecord[T any](rec *T) ([]byte, error) { return marshalRecord(rec) }

// SetBodyLimits lowers the bounds on decoded bodies (a record or save
// results, a query page) until the test ends.
func SetBodyLimits(t testing.TB, body, page int64) {
	oldBody, oldPage := maxBodyBytes, maxPageBytes
	maxBodyBytes, maxPageBytes = body, page
	t.Cleanup(func() { maxBodyBytes, maxPageBytes = oldBody, oldPage })
}

// UnmarshalRecord exposes the record decoder.
func UnmarshalRecord[T any](data []byte, rec *T) error { return unmarshalRecord(data, rec) }
