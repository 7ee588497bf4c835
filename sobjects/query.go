package sobjects

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/sfapi"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// Query runs a SOQL query and yields its records decoded into T, following
// nextRecordsUrl page after page with no cap. T is a generated read shape
// (sfmodel.Account) or any struct with matching JSON tags; parent relationships
// (Owner.Name) decode into nested records and child subqueries into
// *sftype.QueryResult fields, whose further pages [Records] reads.
// Aggregate queries decode into [AggregateResult].
//
// The query runs when the loop starts, and each page is fetched when the
// loop reaches it: breaking out of the loop stops fetching. Memory is bounded
// by one page: each page is decoded as it streams in, into a buffer reused
// for the next page, and a page of more than 2,000 records (Salesforce's
// maximum) or 256 MiB is refused with an [*Error] wrapping
// [ErrMalformedResponse]. An error is yielded once, last, with a zero T:
//
//	for acc, err := range sobjects.Query[sfmodel.Account](ctx, c, soql) {
//		if err != nil {
//			return err
//		}
//		…
//	}
//
// A nextRecordsUrl that is absolute or leaves /services/data/ is not
// followed: the error is an [*Error] wrapping [ErrUnsafeURL]. The iterator
// may be ranged over more than once; each range runs the query again.
func Query[T any](ctx context.Context, c *Client, soql string, opts ...CallOption) iter.Seq2[T, error] {
	return queryIter[T](ctx, c, "query", opts, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.Query(ctx, &gen.QueryParams{Q: soql}, eds...)
	})
}

// QueryAll is [Query] through the queryAll resource, whose results include
// deleted and archived records.
func QueryAll[T any](ctx context.Context, c *Client, soql string, opts ...CallOption) iter.Seq2[T, error] {
	return queryIter[T](ctx, c, "queryAll", opts, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.QueryAll(ctx, &gen.QueryAllParams{Q: soql}, eds...)
	})
}

// Records yields the records of qr, then those of the pages that follow
// it: the way to read a child subquery to its end, such as every contact of
// an account whose Contacts came back with Done false. Read a parent's
// children inside the loop over the parents: Salesforce invalidates the
// child cursors of a page once the next parent page is fetched. A nil qr
// yields nothing.
func Records[T any](ctx context.Context, c *Client, qr *sftype.QueryResult[T], opts ...CallOption) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if qr == nil {
			return
		}
		var zero T
		cfg, err := newCall(opts)
		if err != nil {
			yield(zero, fmt.Errorf("sobjects: query: %w", err))
			return
		}
		p := &pager[T]{ctx: ctx, c: c, op: "query", cfg: cfg}
		for _, rec := range qr.Records {
			if err := ctx.Err(); err != nil {
				yield(zero, fmt.Errorf("sobjects: query: %w", err))
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
		// A result decoded without "done" counts as done unless it has a
		// nextRecordsUrl.
		p.run(page{done: qr.Done || qr.NextRecordsURL == "", next: qr.NextRecordsURL}, nil, yield)
	}
}

// Count returns the totalSize of a query, typically SELECT COUNT() FROM …
// (any query works, but only its first page is read).
func Count(ctx context.Context, c *Client, soql string, opts ...CallOption) (int, error) {
	cfg, err := newCall(opts)
	if err != nil {
		return 0, fmt.Errorf("sobjects: count: %w", err)
	}
	p := &pager[struct{}]{ctx: ctx, c: c, op: "count", cfg: cfg}
	pg, err := p.load(func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.Query(ctx, &gen.QueryParams{Q: soql}, eds...)
	})
	return pg.totalSize, err
}

// First returns the first record of a query, or [ErrNoRecords] and the
// zero T. Only the first page is fetched; add LIMIT 1 to the query to keep
// that page small.
func First[T any](ctx context.Context, c *Client, soql string, opts ...CallOption) (T, error) {
	for rec, err := range Query[T](ctx, c, soql, opts...) {
		return rec, err
	}
	var zero T
	return zero, ErrNoRecords
}

func queryIter[T any](ctx context.Context, c *Client, op string, opts []CallOption, do func([]gen.RequestEditorFn) (*http.Response, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cfg, err := newCall(opts)
		p := &pager[T]{ctx: ctx, c: c, op: op, cfg: cfg}
		var pg page
		if err == nil {
			pg, err = p.load(do)
		} else {
			err = fmt.Errorf("sobjects: %s: %w", op, err)
		}
		p.run(pg, err, yield)
	}
}

// page is what a query page says besides its records.
type page struct {
	totalSize int
	done      bool
	next      string
}

// pager reads the pages of one query into a buffer it reuses.
type pager[T any] struct {
	ctx context.Context
	c   *Client
	op  string
	cfg *callConfig
	buf []T
}

// load fetches one page with do and decodes its records into p.buf.
func (p *pager[T]) load(do func([]gen.RequestEditorFn) (*http.Response, error)) (page, error) {
	resp, err := p.c.send(p.op, p.cfg, do)
	if err != nil {
		return page{}, err
	}
	defer sfapi.CloseBody(resp.Body)
	// Zero the records the consumer has seen before reusing their memory:
	// the decoder would otherwise write through their pointers.
	clear(p.buf)
	h := newHeadReader(&limitReader{r: resp.Body, n: maxPageBytes})
	var pg page
	if p.buf, pg, err = decodePage(h, p.buf[:0]); err != nil {
		p.buf = p.buf[:0]
		return page{}, malformed(p.ctx, p.op, resp.StatusCode, h.head, err)
	}
	return pg, nil
}

// run yields the records in p.buf, which page pg described (or the error
// of fetching it), then those of the pages after it.
func (p *pager[T]) run(pg page, err error, yield func(T, error) bool) {
	var zero T
	for {
		if err != nil {
			yield(zero, err)
			return
		}
		for i := range p.buf {
			if err := p.ctx.Err(); err != nil {
				yield(zero, fmt.Errorf("sobjects: %s: %w", p.op, err))
				return
			}
			if !yield(p.buf[i], nil) {
				return
			}
		}
		if pg.done {
			return
		}
		next := pg.next
		if !safeNextURL(next) {
			msg := "refusing nextRecordsUrl " + strconv.Quote(sfapi.Truncate(next, 120))
			if next == "" {
				msg = "done is false but there is no nextRecordsUrl"
			}
			yield(zero, &Error{Op: p.op, StatusCode: http.StatusOK, Message: msg, Err: ErrUnsafeURL})
			return
		}
		pg, err = p.load(func(eds []gen.RequestEditorFn) (*http.Response, error) {
			return p.c.getPath(p.ctx, next, eds)
		})
	}
}

// getPath sends GET path (a checked nextRecordsUrl) to the instance,
// through the same editors and transport as the generated client.
func (c *Client) getPath(ctx context.Context, path string, eds []gen.RequestEditorFn) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+placeholderHost+path, nil)
	if err != nil {
		return nil, err
	}
	return c.doRequest(ctx, req, eds)
}

// safeNextURL accepts a relative path under /services/data/ made of
// letters, digits and "._-/", with no empty, "." or ".." segment: no
// scheme, host, query, escape or traversal can take the token elsewhere.
func safeNextURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "/services/data/")
	if !ok || rest == "" {
		return false
	}
	for seg := range strings.SplitSeq(rest, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if c := seg[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// decodePage reads a query page, {"totalSize":…,"done":…,"nextRecordsUrl":…,
// "records":[…]} in any key order, appending each record to buf as it
// streams in: no more than one record is held as JSON at a time.
func decodePage[T any](r io.Reader, buf []T) ([]T, page, error) {
	dec := json.NewDecoder(r)
	var pg page
	sawDone := false
	if err := expectDelim(dec, '{'); err != nil {
		return buf, pg, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return buf, pg, err
		}
		switch tok {
		case "totalSize":
			err = dec.Decode(&pg.totalSize)
		case "done":
			err, sawDone = dec.Decode(&pg.done), true
		case "nextRecordsUrl":
			var next *string
			if err = dec.Decode(&next); next != nil {
				pg.next = *next
			}
		case "records":
			// totalSize comes first on the wire: size the page buffer once
			// (a page holds at most 2,000 records) instead of growing it.
			if want := min(pg.totalSize, maxPageRecords); want > 0 && cap(buf)-len(buf) < want {
				buf = slices.Grow(buf, want)
			}
			buf, err = decodeRecords(dec, buf)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return buf, pg, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return buf, pg, err
	}
	if !sawDone {
		pg.done = pg.next == ""
	}
	return buf, pg, nil
}

// maxPageRecords is the largest page Salesforce returns (batchSize 2000).
const maxPageRecords = 2000

// decodeRecords reads a JSON array (or null) of records into buf, and
// refuses a page of more than maxPageRecords records before decoding the
// one too many.
func decodeRecords[T any](dec *json.Decoder, buf []T) ([]T, error) {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return buf, err
	}
	if tok != json.Delim('[') {
		return buf, fmt.Errorf("records: want an array, got %v", tok)
	}
	var zero T
	var raw json.RawMessage // one record's JSON at a time, its memory reused
	for n := 0; dec.More(); n++ {
		if n == maxPageRecords {
			return buf, fmt.Errorf("%w: more than %d records in a page", errTooLarge, maxPageRecords)
		}
		raw = raw[:0]
		if err := dec.Decode(&raw); err != nil {
			return buf, err
		}
		buf = append(buf, zero)
		if err := unmarshalRecord(raw, &buf[len(buf)-1]); err != nil {
			return buf[:len(buf)-1], err
		}
	}
	return buf, expectDelim(dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("want %v, got %v", want, tok)
	}
	return nil
}

// AggregateResult is a row of an aggregate query (GROUP BY, COUNT(Id),
// SUM(Amount) …), whose attributes type is "AggregateResult". Keys are the
// aliases of the query, or expr0, expr1 … for unaliased aggregates, and the
// grouped field names:
//
//	for row, err := range sobjects.Query[sobjects.AggregateResult](ctx, c,
//		"SELECT Industry, COUNT(Id) n FROM Account GROUP BY Industry") {
//		industry, _ := row.String("Industry")
//		n, _ := row.Int("n")
//	}
type AggregateResult map[string]json.RawMessage

// value returns the JSON of key, matched exactly, else ignoring case
// (Salesforce aliases are case-insensitive).
func (a AggregateResult) value(key string) (json.RawMessage, bool) {
	if v, ok := a[key]; ok {
		return v, true
	}
	for k, v := range a {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// Float returns a numeric column; false when it is absent, null or not a number.
func (a AggregateResult) Float(key string) (float64, bool) {
	var n json.Number
	if a.Decode(key, &n) != nil || n == "" {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// Int returns a numeric column that holds a whole number, which Salesforce
// may write as 300 or 300.0; false when it is absent, null, not a number or
// not whole.
func (a AggregateResult) Int(key string) (int64, bool) {
	var n json.Number
	if a.Decode(key, &n) != nil || n == "" {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
		return 0, false
	}
	return int64(f), true
}

// String returns a text column; false when it is absent, null or not a string.
func (a AggregateResult) String(key string) (string, bool) {
	var s *string
	if a.Decode(key, &s) != nil || s == nil {
		return "", false
	}
	return *s, true
}

// Decode decodes the column key into v, such as a *sftype.Date for
// MAX(CloseDate).
func (a AggregateResult) Decode(key string, v any) error {
	raw, ok := a.value(key)
	if !ok {
		return fmt.Errorf("sobjects: aggregate result has no column %q", key)
	}
	return json.Unmarshal(raw, v)
}
