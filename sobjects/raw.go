package sobjects

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/sfapi"
)

// Raw sends a request that this package does not wrap, such as an Apex REST
// call, to path on the org's instance, through the same session, retry
// policy, limit tracking and error parsing as every other call. It returns
// the response of a 2xx status, whose body the caller must close; any other
// status is an [*Error].
//
// path is either absolute on the instance and under /services/
// ("/services/apexrest/orders/42") or relative to the versioned REST root
// ("sobjects/Account/describe", "limits"), and may carry a query string.
// An absolute URL, a path outside /services/ or a ".." segment is refused
// with [ErrInvalidArgument] before anything is sent: the token goes only to
// the instance.
//
// body may be nil. A *bytes.Reader, *bytes.Buffer, *strings.Reader or
// *io.SectionReader (such as io.NewSectionReader(file, 0, size) over a
// spooled file) is sent again from its start after a token refresh; any
// other body cannot be: if the session expires under it, the call fails
// with [auth.ErrNotReplayable] instead of being retried.
func (c *Client) Raw(ctx context.Context, method, path string, body io.Reader, opts ...CallOption) (*http.Response, error) {
	op, target, err := c.rawTarget(method, path)
	if err != nil {
		return nil, err
	}
	return c.raw(ctx, op, method, target, body, opts)
}

// rawTarget resolves path for Raw and names the call for its errors: the
// method and the path, never the query string, which may hold values.
func (c *Client) rawTarget(method, path string) (op string, target *url.URL, err error) {
	target, err = c.rawURL(path)
	if err != nil {
		return "", nil, fmt.Errorf("%w: raw %s: %w", ErrInvalidArgument, method, err)
	}
	return "raw " + method + " " + target.Path, target, nil
}

func (c *Client) raw(ctx context.Context, op, method string, target *url.URL, body io.Reader, opts []CallOption) (*http.Response, error) {
	cfg, err := newCall(opts)
	if err != nil {
		return nil, fmt.Errorf("sobjects: %s: %w", op, err)
	}
	return c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, target.String(), body)
		if err != nil {
			return nil, err
		}
		if sr, ok := body.(*io.SectionReader); ok {
			setSectionBody(req, sr)
		}
		if body != nil {
			req.Header.Set("Content-Type", jsonType) // the Header option, applied after, may change it
		}
		return c.doRequest(ctx, req, eds)
	})
}

// Call sends in as JSON (nil for no body) to path with [Client.Raw] and
// decodes a JSON answer into Out; a 204 or an empty body leaves Out zero.
// Use it for Apex REST and for the REST resources this package does not
// wrap:
//
//	type order struct{ ID, Status string }
//	o, err := sobjects.Call[order](ctx, c, "POST", "/services/apexrest/orders", map[string]any{"sku": "A-1"})
//
// The body is encoded once and replayed as it is after a token refresh.
func Call[Out any](ctx context.Context, c *Client, method, path string, in any, opts ...CallOption) (Out, error) {
	var out Out
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return out, fmt.Errorf("sobjects: raw %s: encoding the body: %w", method, err)
		}
		body = bytes.NewReader(b)
	}
	op, target, err := c.rawTarget(method, path)
	if err != nil {
		return out, err
	}
	resp, err := c.raw(ctx, op, method, target, body, opts)
	if err != nil {
		return out, err
	}
	if err := decodeBody(ctx, op, resp, true, func(b []byte) error { return json.Unmarshal(b, &out) }); err != nil {
		var zero Out
		return zero, err
	}
	return out, nil
}

// setSectionBody makes the section the replayable body of req: each send
// reads it from its start, without moving the caller's reader.
func setSectionBody(req *http.Request, sr *io.SectionReader) {
	r, off, n := sr.Outer()
	req.ContentLength = n
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(io.NewSectionReader(r, off, n)), nil }
	req.Body, _ = req.GetBody()
	if n == 0 {
		req.Body, req.GetBody = http.NoBody, nil
	}
}

// rawURL resolves a path of [Client.Raw] on the placeholder host that the
// session replaces with the instance.
func (c *Client) rawURL(path string) (*url.URL, error) {
	u, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/services/data/v" + c.version + "/" + u.Path
		u.RawPath = ""
	}
	if !strings.HasPrefix(u.Path, "/services/") {
		return nil, fmt.Errorf("path %q is not under /services/", sfapi.Truncate(u.Path, 80))
	}
	u.Scheme, u.Host, u.Fragment = "https", placeholderHost, ""
	return u, nil
}

// dataURL is the URL of rel, a checked path under the versioned REST root,
// on the placeholder host that the session replaces with the instance.
func (c *Client) dataURL(rel string) string {
	return "https://" + placeholderHost + "/services/data/v" + c.version + "/" + rel
}

// parsePath checks a path of [Client.Raw] or [AddCall] and parses it: no
// absolute URL, no character that does not belong in a URL path, no "." or
// ".." segment once unescaped.
func parsePath(path string) (*url.URL, error) {
	if path == "" {
		return nil, fmt.Errorf("empty path")
	}
	if strings.ContainsAny(path, "\\\x00\r\n\t ") {
		return nil, fmt.Errorf("path %q holds a character that does not belong in a URL path", sfapi.Truncate(path, 80))
	}
	u, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", sfapi.Truncate(path, 80), err)
	}
	if u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || strings.HasPrefix(path, "//") {
		return nil, fmt.Errorf("%q is not a path on the instance; absolute URLs are refused", sfapi.Truncate(path, 80))
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == "." || seg == ".." {
			return nil, fmt.Errorf("path %q has a %q segment", sfapi.Truncate(u.Path, 80), seg)
		}
	}
	return u, nil
}

// doRequest sends req through the client's editors and transport, like
// the generated client does.
func (c *Client) doRequest(ctx context.Context, req *http.Request, eds []gen.RequestEditorFn) (*http.Response, error) {
	for _, edit := range c.editors {
		if err := edit(ctx, req); err != nil {
			return nil, err
		}
	}
	for _, edit := range eds {
		if err := edit(ctx, req); err != nil {
			return nil, err
		}
	}
	return c.tr.Do(req)
}
