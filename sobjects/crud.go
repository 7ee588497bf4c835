package sobjects

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/sfapi"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// UpsertResult is the outcome of [Upsert].
type UpsertResult struct {
	// ID is the record's id. It is "" only when Salesforce answered 204
	// with no body, as API versions before 46.0 do for an update.
	ID string
	// Created is true when the upsert created the record (HTTP 201) and
	// false when it updated one (200, or 204 before 46.0).
	Created bool
}

// Get reads the record of type T with the given id: GET
// /sobjects/{T's sObject}/{id}. T is a generated read shape, such as
// sfmodel.Account; the [Fields] option limits the fields read (default: all).
// A missing record is an [*Error] matching [ErrNotFound]. Like [Query], it
// returns the record as a value; on error, the zero T.
func Get[T any](ctx context.Context, c *Client, id string, opts ...CallOption) (T, error) {
	obj, op, cfg, err := prepare[T]("get", opts)
	if err == nil {
		err = checkID(op, id)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	var params *gen.GetRecordParams
	if cfg.fields != "" {
		params = &gen.GetRecordParams{Fields: &cfg.fields}
	}
	return readOne[T](ctx, c, op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.GetRecord(ctx, obj, id, params, eds...)
	})
}

// GetByExternalID reads the record of type T whose external id field has
// the given value: GET /sobjects/{T's sObject}/{field}/{value}. Several
// matching records are a [*MultipleMatchesError].
func GetByExternalID[T any](ctx context.Context, c *Client, field, value string, opts ...CallOption) (T, error) {
	obj, op, cfg, err := prepare[T]("get", opts)
	if err == nil {
		err = checkExternalID(op, field, value)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	var params *gen.GetRecordByExternalIdParams
	if cfg.fields != "" {
		params = &gen.GetRecordByExternalIdParams{Fields: &cfg.fields}
	}
	return readOne[T](ctx, c, op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.GetRecordByExternalId(ctx, obj, field, value, params, eds...)
	})
}

func readOne[T any](ctx context.Context, c *Client, op string, cfg *callConfig, do func([]gen.RequestEditorFn) (*http.Response, error)) (T, error) {
	var rec T
	resp, err := c.send(op, cfg, do)
	if err == nil {
		err = decodeRecord(ctx, op, resp, &rec)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return rec, nil
}

// saveResponse is the body of a single-record create or upsert.
type saveResponse struct {
	ID      string     `json:"id"`
	Success bool       `json:"success"`
	Created *bool      `json:"created"`
	Errors  []APIError `json:"errors"`
}

// Create creates a record from rec, a generated create shape such as
// sfmodel.AccountCreate (T is inferred from it): POST /sobjects/{sObject}. It
// returns the new record's id.
func Create[T any](ctx context.Context, c *Client, rec T, opts ...CallOption) (string, error) {
	obj, op, cfg, err := prepare[T]("create", opts)
	if err != nil {
		return "", err
	}
	body, err := encode(op, &rec)
	if err != nil {
		return "", err
	}
	resp, err := c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.CreateRecordWithBody(ctx, obj, jsonType, body, eds...)
	})
	if err != nil {
		return "", err
	}
	return createdID(ctx, op, resp)
}

// Update changes the fields that upd sets on the record with the given id:
// PATCH /sobjects/{sObject}/{id}. upd is a generated update shape such as
// sfmodel.AccountUpdate; only the fields it sets are sent, and a nillable field
// set to null (nullable.NewNullNullable) is cleared.
func Update[T any](ctx context.Context, c *Client, id string, upd T, opts ...CallOption) error {
	obj, op, cfg, err := prepare[T]("update", opts)
	if err == nil {
		err = checkID(op, id)
	}
	if err != nil {
		return err
	}
	body, err := encode(op, &upd)
	if err != nil {
		return err
	}
	resp, err := c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.UpdateRecordWithBody(ctx, obj, id, jsonType, body, eds...)
	})
	if err != nil {
		return err
	}
	sfapi.CloseBody(resp.Body)
	return nil
}

// Upsert creates or updates the record whose external id field has the
// given value, from rec (a create shape, as the upsert may create): PATCH
// /sobjects/{sObject}/{field}/{value}. The result tells which happened.
// Several matching records are a [*MultipleMatchesError] and nothing is
// saved. With [UpdateOnly], a missing record is not created.
func Upsert[T any](ctx context.Context, c *Client, field, value string, rec T, opts ...CallOption) (UpsertResult, error) {
	obj, op, cfg, err := prepare[T]("upsert", opts)
	if err == nil {
		err = checkExternalID(op, field, value)
	}
	if err != nil {
		return UpsertResult{}, err
	}
	body, err := encode(op, &rec)
	if err != nil {
		return UpsertResult{}, err
	}
	var params *gen.UpsertRecordParams
	if cfg.updateOnly {
		t := "true"
		params = &gen.UpsertRecordParams{UpdateOnly: &t}
	}
	resp, err := c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.UpsertRecordWithBody(ctx, obj, field, value, params, jsonType, body, eds...)
	})
	if err != nil {
		return UpsertResult{}, err
	}
	if resp.StatusCode == http.StatusNoContent {
		sfapi.CloseBody(resp.Body)
		return UpsertResult{}, nil
	}
	var res saveResponse
	if err := decodeJSON(ctx, op, resp, &res); err != nil {
		return UpsertResult{}, err
	}
	if res.ID == "" || len(res.Errors) > 0 {
		return UpsertResult{}, saveError(op, resp.StatusCode, res.Errors)
	}
	return res.upserted(resp.StatusCode), nil
}

// upserted is the result of an upsert answered with status: created by
// the body's "created" (API 46.0 and later), else by 201.
func (r saveResponse) upserted(status int) UpsertResult {
	created := status == http.StatusCreated
	if r.Created != nil {
		created = *r.Created
	}
	return UpsertResult{ID: r.ID, Created: created}
}

// Delete deletes the record of type T with the given id: DELETE
// /sobjects/{T's sObject}/{id}. T names the sObject only, as in
// Delete[sfmodel.Account](ctx, c, id).
func Delete[T any](ctx context.Context, c *Client, id string, opts ...CallOption) error {
	obj, op, cfg, err := prepare[T]("delete", opts)
	if err == nil {
		err = checkID(op, id)
	}
	if err != nil {
		return err
	}
	resp, err := c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.DeleteRecord(ctx, obj, id, eds...)
	})
	if err != nil {
		return err
	}
	sfapi.CloseBody(resp.Body)
	return nil
}

const jsonType = "application/json"

// prepare resolves T's sObject and the call options.
func prepare[T any](verb string, opts []CallOption) (obj, op string, cfg *callConfig, err error) {
	obj, ok := sftype.ObjectName[T]()
	if !ok {
		return "", verb, nil, fmt.Errorf("%w: %s names no sObject (want a generated shape, whose Attributes field has an sobject tag)",
			ErrInvalidArgument, reflect.TypeFor[T]())
	}
	op = verb + " " + obj
	if cfg, err = newCall(opts); err != nil {
		return "", op, nil, fmt.Errorf("sobjects: %s: %w", op, err)
	}
	return obj, op, cfg, nil
}

// encode marshals a record for a request body; the reader has GetBody,
// so the request can be sent again after a token refresh or a retry.
func encode[T any](op string, rec *T) (*bytes.Reader, error) {
	b, err := marshalRecord(rec)
	if err != nil {
		return nil, fmt.Errorf("sobjects: %s: encoding the record: %w", op, err)
	}
	return bytes.NewReader(b), nil
}

// createdID reads the id of the record a create response reports.
func createdID(ctx context.Context, op string, resp *http.Response) (string, error) {
	var res saveResponse
	if err := decodeJSON(ctx, op, resp, &res); err != nil {
		return "", err
	}
	if res.ID == "" || len(res.Errors) > 0 {
		return "", saveError(op, resp.StatusCode, res.Errors)
	}
	return res.ID, nil
}

// saveError describes a 2xx save response that reports no id or errors.
func saveError(op string, status int, errs []APIError) error {
	e := &Error{Op: op, StatusCode: status, Errors: errs}
	if len(errs) > 0 {
		e.Code, e.Message, e.Fields = errs[0].Code, errs[0].Message, errs[0].Fields
	} else {
		e.Message, e.Err = "no id in the response", ErrMalformedResponse
	}
	return e
}

// checkID accepts Salesforce ids: 15 or 18 letters and digits. Anything
// else could change the path of the request.
func checkID(op, id string) error {
	if sfapi.ValidID(id) {
		return nil
	}
	return fmt.Errorf("%w: %s: id %q is not a Salesforce id", ErrInvalidArgument, op, sfapi.Truncate(id, 40))
}

// checkExternalID checks an external id field name and value. The value
// is escaped into the path; "." and ".." would still move it.
func checkExternalID(op, field, value string) error {
	if err := checkField(op, field); err != nil {
		return err
	}
	if value == "" || value == "." || value == ".." {
		return fmt.Errorf("%w: %s: external id value %q", ErrInvalidArgument, op, value)
	}
	return nil
}

// checkField checks the name of an external id field.
func checkField(op, field string) error { return checkFieldName(op, "external id field", field) }

// checkFieldName checks the API name of a field of the record itself (no
// relationship path); what names it in the error.
func checkFieldName(op, what, field string) error {
	if !validIdent(field) || strings.Contains(field, ".") {
		return fmt.Errorf("%w: %s: %s %q", ErrInvalidArgument, op, what, sfapi.Truncate(field, 40))
	}
	return nil
}
