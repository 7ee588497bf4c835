// Package sfapi holds the small pieces that the packages calling
// Salesforce's APIs (sobjects, bulk) share, so that each rule has one
// implementation.
package sfapi

import (
	"context"
	"io"
	"net/http"
	"time"
)

// ValidID reports whether id has the form of a Salesforce record id: 15
// or 18 ASCII letters and digits.
func ValidID(id string) bool {
	if len(id) != 15 && len(id) != 18 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// Truncate cuts s to its first n bytes, marked with an ellipsis, for an
// error message.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Sleep waits d or until ctx ends, and returns ctx's error if it ended.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CloseBody drains a little of what is left of a response body, so the
// connection can be reused, and closes it.
func CloseBody(body io.ReadCloser) {
	if body != http.NoBody {
		_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	}
	_ = body.Close()
}
