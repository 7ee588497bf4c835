package sftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is one Salesforce error: the body of an error response
// ([{"message","errorCode","fields"}]) or the error of one record's result
// in sObject Collections ({"statusCode","message","fields"}).
type apiError struct {
	status int
	code   string
	msg    string
	fields []string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

func (e *apiError) withFields(fields ...string) *apiError {
	e.fields = fields
	return e
}

// body is the error response body: a JSON array of one error.
func (e *apiError) body() []byte {
	type item struct {
		Message   string   `json:"message"`
		ErrorCode string   `json:"errorCode"`
		Fields    []string `json:"fields,omitempty"`
	}
	return mustJSON([]item{{e.msg, e.code, e.fields}})
}

// resultError is the error as a record result of sObject Collections
// reports it.
type resultError struct {
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
}

func (e *apiError) result() resultError {
	f := e.fields
	if f == nil {
		f = []string{}
	}
	return resultError{e.code, e.msg, f}
}

var (
	errNotFound = func() *apiError {
		return errorf(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	errSession = func() *apiError {
		return errorf(http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
	}
)

// defaultMessages are the messages of injected failures that name no
// message of their own.
var defaultMessages = map[string]string{
	"INVALID_SESSION_ID":                "Session expired or invalid",
	"REQUEST_LIMIT_EXCEEDED":            "TotalRequests Limit exceeded.",
	"UNABLE_TO_LOCK_ROW":                "unable to obtain exclusive access to this record",
	"SERVER_UNAVAILABLE":                "Server is unavailable",
	"UNKNOWN_EXCEPTION":                 "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)",
	"QUERY_TIMEOUT":                     "Your query request was running for too long.",
	"API_DISABLED_FOR_ORG":              "The REST API is not enabled for this Organization.",
	"INVALID_QUERY_LOCATOR":             "invalid query locator",
	"NOT_FOUND":                         "The requested resource does not exist",
	"DUPLICATES_DETECTED":               "Use one of these records?",
	"FIELD_CUSTOM_VALIDATION_EXCEPTION": "Validation rule failed",
	"invalid_grant":                     "expired access/refresh token",
	"rate_limit_exceeded":               "rate limit exceeded",
}

func mustJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // values built here always encode
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
