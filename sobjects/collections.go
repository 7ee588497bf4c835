package sobjects

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/sfapi"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// maxCollection is how many records one sObject Collections request takes.
const maxCollection = 200

// SaveResult is the outcome for one record of sObject Collections, at the
// same index as the record in the input.
type SaveResult struct {
	// ID is the record's id; "" when a create failed.
	ID string `json:"id"`
	// Success is false when the record was not saved; Errors says why.
	Success bool `json:"success"`
	// Created is true for a record that [CreateMany] created, or that
	// [UpsertMany] created rather than updated.
	Created bool `json:"created"`
	// Errors lists the record's errors; their Code is the statusCode of
	// the result, such as "DUPLICATE_VALUE" or
	// "ALL_OR_NONE_OPERATION_ROLLED_BACK". A result that could not be read
	// has one error without a Code, and its outcome is unknown.
	Errors []APIError `json:"errors"`

	err error // why the result could not be read
}

// Err returns nil for a saved record, else an [*Error] (StatusCode 0)
// with the record's errors, which [errors.Is] matches against an
// [ErrorCode], or against [ErrMalformedResponse] for a result that could
// not be read.
func (r SaveResult) Err() error {
	if r.Success && len(r.Errors) == 0 {
		return nil
	}
	e := &Error{Op: "save " + r.ID, Errors: r.Errors, Err: r.err}
	if r.ID == "" {
		e.Op = "save"
	}
	if len(r.Errors) > 0 {
		e.Code, e.Message, e.Fields = r.Errors[0].Code, r.Errors[0].Message, r.Errors[0].Fields
	} else {
		e.Message = "not saved"
	}
	return e
}

// Patch is one record of [UpdateMany]: the id of the record and the fields
// to change, in an update shape such as sfmodel.AccountUpdate.
type Patch[T any] struct {
	ID     string
	Record T
}

// CreateMany creates records with sObject Collections (POST
// /composite/sobjects), 200 per request, and returns one result per
// record, in input order. A record that fails does not fail the others
// unless [AllOrNone] is given, which applies to each request of 200.
//
// The error is non-nil only when a request as a whole failed; the results
// then cover the records of the requests that had succeeded before it.
// Read each record's outcome from its SaveResult.
func CreateMany[T any](ctx context.Context, c *Client, recs []T, opts ...CallOption) ([]SaveResult, error) {
	obj, op, cfg, err := prepare[T]("create many", opts)
	if err != nil {
		return nil, err
	}
	results, err := saveMany(ctx, c, op, cfg, len(recs),
		func(i int, b []byte) ([]byte, error) { return appendTyped(b, recs[i], obj, "") },
		func(body *bytes.Reader, eds []gen.RequestEditorFn) (*http.Response, error) {
			return c.gen.CreateRecordsWithBody(ctx, jsonType, body, eds...)
		})
	for i := range results {
		results[i].Created = results[i].Success
	}
	return results, err
}

// UpdateMany updates records with sObject Collections (PATCH
// /composite/sobjects), 200 per request; see [CreateMany] for results,
// errors and [AllOrNone].
func UpdateMany[T any](ctx context.Context, c *Client, patches []Patch[T], opts ...CallOption) ([]SaveResult, error) {
	obj, op, cfg, err := prepare[T]("update many", opts)
	if err != nil {
		return nil, err
	}
	for _, p := range patches {
		if err := checkID(op, p.ID); err != nil {
			return nil, err
		}
	}
	return saveMany(ctx, c, op, cfg, len(patches),
		func(i int, b []byte) ([]byte, error) { return appendTyped(b, patches[i].Record, obj, patches[i].ID) },
		func(body *bytes.Reader, eds []gen.RequestEditorFn) (*http.Response, error) {
			return c.gen.UpdateRecordsWithBody(ctx, jsonType, body, eds...)
		})
}

// UpsertMany creates or updates records by the external id field with
// sObject Collections (PATCH /composite/sobjects/{sObject}/{field}), 200 per
// request. Each record must set its external id; SaveResult.Created tells a
// created record from an updated one. See [CreateMany] for results, errors
// and [AllOrNone].
func UpsertMany[T any](ctx context.Context, c *Client, field string, recs []T, opts ...CallOption) ([]SaveResult, error) {
	obj, op, cfg, err := prepare[T]("upsert many", opts)
	if err == nil {
		err = checkField(op, field)
	}
	if err != nil {
		return nil, err
	}
	return saveMany(ctx, c, op, cfg, len(recs),
		func(i int, b []byte) ([]byte, error) { return appendTyped(b, recs[i], obj, "") },
		func(body *bytes.Reader, eds []gen.RequestEditorFn) (*http.Response, error) {
			return c.gen.UpsertRecordsWithBody(ctx, obj, field, jsonType, body, eds...)
		})
}

// DeleteMany deletes records by id with sObject Collections (DELETE
// /composite/sobjects?ids=…), 200 per request; see [CreateMany] for
// results, errors and [AllOrNone].
func DeleteMany(ctx context.Context, c *Client, ids []string, opts ...CallOption) ([]SaveResult, error) {
	const op = "delete many"
	cfg, err := newCall(opts)
	if err != nil {
		return nil, fmt.Errorf("sobjects: %s: %w", op, err)
	}
	for _, id := range ids {
		if err := checkID(op, id); err != nil {
			return nil, err
		}
	}
	allOrNone := strconv.FormatBool(cfg.allOrNone)
	results := make([]SaveResult, 0, len(ids))
	for lo := 0; lo < len(ids); lo += maxCollection {
		chunk := ids[lo:min(lo+maxCollection, len(ids))]
		params := &gen.DeleteRecordsParams{Ids: strings.Join(chunk, ","), AllOrNone: &allOrNone}
		res, err := sendChunk(ctx, c, op, cfg, len(chunk), func(eds []gen.RequestEditorFn) (*http.Response, error) {
			return c.gen.DeleteRecords(ctx, params, eds...)
		})
		if err != nil {
			return results, err
		}
		results = append(results, res...)
	}
	return results, nil
}

// saveMany sends n records in requests of maxCollection, the body of
// each {"allOrNone":…,"records":[…]} with the records appendRec writes.
func saveMany(ctx context.Context, c *Client, op string, cfg *callConfig, n int,
	appendRec func(i int, b []byte) ([]byte, error),
	send func(*bytes.Reader, []gen.RequestEditorFn) (*http.Response, error),
) ([]SaveResult, error) {
	results := make([]SaveResult, 0, n)
	var b []byte
	for lo := 0; lo < n; lo += maxCollection {
		hi := min(lo+maxCollection, n)
		b = append(b[:0], `{"allOrNone":`...)
		b = strconv.AppendBool(b, cfg.allOrNone)
		b = append(b, `,"records":[`...)
		for i := lo; i < hi; i++ {
			if i > lo {
				b = append(b, ',')
			}
			var err error
			if b, err = appendRec(i, b); err != nil {
				return results, fmt.Errorf("sobjects: %s: encoding record %d: %w", op, i, err)
			}
		}
		b = append(b, "]}"...)
		body := bytes.Clone(b) // the request may be replayed after b is reused
		res, err := sendChunk(ctx, c, op, cfg, hi-lo, func(eds []gen.RequestEditorFn) (*http.Response, error) {
			return send(bytes.NewReader(body), eds)
		})
		if err != nil {
			return results, err
		}
		results = append(results, res...)
	}
	return results, nil
}

// sendChunk sends one request of sObject Collections and reads its n results.
func sendChunk(ctx context.Context, c *Client, op string, cfg *callConfig, n int, do func([]gen.RequestEditorFn) (*http.Response, error)) ([]SaveResult, error) {
	resp, err := c.send(op, cfg, do)
	if err != nil {
		return nil, err
	}
	defer sfapi.CloseBody(resp.Body)
	h := newHeadReader(&limitReader{r: resp.Body, n: maxBodyBytes})
	res, err := decodeResults(h, n)
	if err != nil {
		return nil, malformed(ctx, op, resp.StatusCode, h.head, err)
	}
	if len(res) != n {
		return nil, &Error{Op: op, StatusCode: resp.StatusCode, Err: ErrMalformedResponse,
			Message: fmt.Sprintf("%d results for %d records", len(res), n)}
	}
	return res, nil
}

// decodeResults reads the JSON array of results of n records. An entry that
// is not a result fails its own record only; more than n entries are
// refused before they are read.
func decodeResults(r io.Reader, n int) ([]SaveResult, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '['); err != nil {
		return nil, err
	}
	res := make([]SaveResult, 0, n)
	for dec.More() {
		if len(res) == n {
			return nil, fmt.Errorf("%w: more than %d results for %d records", errTooLarge, n, n)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		var sr SaveResult
		err := json.Unmarshal(raw, &sr)
		if err == nil && string(raw) == "null" {
			err = errors.New("null")
		}
		if err != nil {
			sr = SaveResult{Errors: []APIError{{Message: "unreadable result; the outcome of this record is unknown"}},
				err: fmt.Errorf("%w: result %d: %w", ErrMalformedResponse, len(res), err)}
		}
		res = append(res, sr)
	}
	return res, expectDelim(dec, ']')
}

// appendTyped appends rec as JSON with its attributes type set to obj (as
// sObject Collections require), and with "id" first when id is not empty.
// The type is set on a copy: the caller's record is not changed.
func appendTyped[T any](b []byte, rec T, obj, id string) ([]byte, error) {
	v := reflect.ValueOf(&rec).Elem()
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return b, fmt.Errorf("nil record")
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return b, fmt.Errorf("%s is not a struct", v.Type())
	}
	cp := reflect.New(v.Type()).Elem()
	cp.Set(v)
	attrs := sftype.Attributes{Type: obj}
	switch f := cp.FieldByName("Attributes"); {
	case f.IsValid() && f.Type() == reflect.TypeFor[*sftype.Attributes]():
		f.Set(reflect.ValueOf(&attrs))
	case f.IsValid() && f.Type() == reflect.TypeFor[sftype.Attributes]():
		f.Set(reflect.ValueOf(attrs))
	default:
		return b, fmt.Errorf("%s has no Attributes field of type sftype.Attributes", v.Type())
	}
	js, err := marshalValue(cp.Addr().Interface())
	if err != nil {
		return b, err
	}
	if id == "" {
		return append(b, js...), nil
	}
	b = append(b, `{"id":"`...)
	b = append(b, id...) // checked: letters and digits
	b = append(b, '"')
	if rest := js[1:]; len(rest) > 0 && rest[0] != '}' {
		b = append(b, ',')
	}
	return append(b, js[1:]...), nil
}
