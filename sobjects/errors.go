package sobjects

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/typedforce/typedforce/auth"
)

// ErrorCode is a Salesforce errorCode (in sObject Collections results,
// statusCode) such as "NOT_FOUND": the type of [auth.ErrorCode], so that the
// errors of both packages carry codes of one type. Every ErrorCode is a
// sentinel error: errors.Is(err, code) reports whether err is an [*Error]
// (or an [*auth.Error]) carrying that code. The constants below name the
// common codes; any other code works the same way, for example
// errors.Is(err, sobjects.ErrorCode("FIELD_INTEGRITY_EXCEPTION")).
type ErrorCode = auth.ErrorCode

// Sentinels for the common Salesforce error codes; test for them with
// [errors.Is].
const (
	ErrNotFound                    ErrorCode = "NOT_FOUND"                         // 404; also any 404 without a code
	ErrEntityIsDeleted             ErrorCode = "ENTITY_IS_DELETED"                 // the record is in the recycle bin
	ErrInvalidField                ErrorCode = "INVALID_FIELD"                     // no such field, or not accessible
	ErrInvalidFieldForInsertUpdate ErrorCode = "INVALID_FIELD_FOR_INSERT_UPDATE"   // field not createable or updateable
	ErrInvalidType                 ErrorCode = "INVALID_TYPE"                      // no such sObject
	ErrMalformedQuery              ErrorCode = "MALFORMED_QUERY"                   // SOQL syntax
	ErrInvalidQueryLocator         ErrorCode = "INVALID_QUERY_LOCATOR"             // expired query cursor: run the query again
	ErrDuplicateValue              ErrorCode = "DUPLICATE_VALUE"                   // unique field
	ErrDuplicatesDetected          ErrorCode = "DUPLICATES_DETECTED"               // duplicate rule
	ErrRequiredFieldMissing        ErrorCode = "REQUIRED_FIELD_MISSING"            // required field not set
	ErrFieldCustomValidation       ErrorCode = "FIELD_CUSTOM_VALIDATION_EXCEPTION" // validation rule
	ErrInvalidCrossReferenceKey    ErrorCode = "INVALID_CROSS_REFERENCE_KEY"       // a reference to a missing record
	ErrJSONParser                  ErrorCode = "JSON_PARSER_ERROR"                 // Salesforce could not read the body
	ErrUnableToLockRow             ErrorCode = "UNABLE_TO_LOCK_ROW"                // retryable (see RetryPolicy)
	ErrRequestLimitExceeded        ErrorCode = "REQUEST_LIMIT_EXCEEDED"            // daily or concurrent API limit
	ErrInvalidSession              ErrorCode = "INVALID_SESSION_ID"                // session could not be renewed
	ErrInvalidAuthHeader           ErrorCode = "INVALID_AUTH_HEADER"               // 401, not refreshable
	ErrAPIDisabled                 ErrorCode = "API_DISABLED_FOR_ORG"              // REST API not enabled
	ErrQueryTimeout                ErrorCode = "QUERY_TIMEOUT"                     // query ran too long
	ErrServerUnavailable           ErrorCode = "SERVER_UNAVAILABLE"                // 503; also any 503 without a code
	ErrUnknownException            ErrorCode = "UNKNOWN_EXCEPTION"                 // 500
	ErrAllOrNoneRolledBack         ErrorCode = "ALL_OR_NONE_OPERATION_ROLLED_BACK" // sibling of a failed allOrNone record
)

// statusCodes gives the code a response without one matches, by HTTP status.
var statusCodes = map[int]ErrorCode{
	http.StatusNotFound:           ErrNotFound,
	http.StatusServiceUnavailable: ErrServerUnavailable,
}

// Errors of this package that are not Salesforce error codes.
var (
	// ErrInvalidArgument means a call was refused before anything was sent:
	// an id that is not a Salesforce id, a field name that is not an
	// identifier, a type without an sObject name, an option out of range.
	ErrInvalidArgument = errors.New("sobjects: invalid argument")

	// ErrUnsafeURL means the server handed back a nextRecordsUrl that is
	// absolute or leaves /services/data/. It was not followed, so the
	// access token went nowhere else.
	ErrUnsafeURL = errors.New("sobjects: refusing to follow a URL outside /services/data/")

	// ErrMalformedResponse means a response could not be read: an HTML
	// page, an empty or truncated body, JSON of an unexpected shape.
	ErrMalformedResponse = errors.New("sobjects: malformed response")

	// ErrNoRecords is returned by [First] when the query matched nothing.
	ErrNoRecords = errors.New("sobjects: query returned no records")

	// ErrMultipleMatches is matched by [*MultipleMatchesError].
	ErrMultipleMatches = errors.New("sobjects: external id matches several records")
)

// APIError is one error of a Salesforce error body
// ([{"message":…,"errorCode":…,"fields":[…]}]) or of a record's result in
// sObject Collections, which spells the code statusCode.
type APIError struct {
	Code    ErrorCode // errorCode or statusCode, such as "REQUIRED_FIELD_MISSING"
	Message string    // human-readable message
	Fields  []string  // API names of the fields concerned; often empty
}

// UnmarshalJSON reads errorCode or statusCode, message and fields,
// tolerating fields that are absent, null or not a list of strings.
func (e *APIError) UnmarshalJSON(data []byte) error {
	var w struct {
		ErrorCode  string          `json:"errorCode"`
		StatusCode string          `json:"statusCode"`
		Message    string          `json:"message"`
		Fields     json.RawMessage `json:"fields"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = APIError{Code: ErrorCode(w.ErrorCode), Message: w.Message}
	if e.Code == "" {
		e.Code = ErrorCode(w.StatusCode)
	}
	if len(w.Fields) > 0 && w.Fields[0] == '[' {
		var fields []string
		if json.Unmarshal(w.Fields, &fields) == nil && len(fields) > 0 {
			e.Fields = fields
		}
	}
	return nil
}

// Error is the error of a failed Salesforce call: an error response, a
// response that could not be read, or a record that failed in sObject
// Collections ([SaveResult.Err]). Read it with [errors.As]; match its code
// with [errors.Is] and an [ErrorCode] such as [ErrNotFound].
//
// Error never holds request headers or tokens. Snippet holds at most 256
// bytes of the response body.
type Error struct {
	// Op says what was being done: "get Account", "query", "create many Contact".
	Op string
	// StatusCode is the HTTP status of the response; 0 for the error of
	// one record in sObject Collections, whose response was 200.
	StatusCode int
	// Code, Message and Fields are those of the first error of the body
	// (Code "" when the body carried none).
	Code    ErrorCode
	Message string
	Fields  []string
	// Errors lists every error of the body, the first included.
	Errors []APIError
	// Snippet is the start of a body that was not a Salesforce error or
	// could not be read (an HTML page, truncated JSON), cleaned of control
	// characters.
	Snippet string
	// Err is the cause, if any: a JSON syntax error, an [*auth.Error],
	// [ErrUnsafeURL], [ErrMalformedResponse].
	Err error
}

// Error returns a one-line description such as
// "sobjects: get Account: 404 NOT_FOUND: The requested resource does not exist".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sobjects: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteByte(' ')
	}
	switch {
	case e.Code != "":
		b.WriteString(string(e.Code))
	case e.StatusCode != 0:
		b.WriteString(http.StatusText(e.StatusCode))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message))
	}
	if len(e.Fields) > 0 {
		b.WriteString(" (fields: " + strings.Join(e.Fields, ", ") + ")")
	}
	if n := len(e.Errors); n > 1 {
		fmt.Fprintf(&b, " (and %d more)", n-1)
	}
	if e.Err != nil && e.Code == "" {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Snippet != "" {
		b.WriteString(": body ")
		b.WriteString(strconv.Quote(e.Snippet))
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an [ErrorCode] of one of e's errors, or the
// code that e's status stands for when the body carried no code (404 is
// [ErrNotFound], 503 [ErrServerUnavailable]).
func (e *Error) Is(target error) bool {
	code, ok := target.(ErrorCode)
	if !ok {
		return false
	}
	if e.Code == code {
		return true
	}
	for _, ae := range e.Errors {
		if ae.Code == code {
			return true
		}
	}
	return e.Code == "" && statusCodes[e.StatusCode] == code
}

// MultipleMatchesError reports an external id that matched several records
// (HTTP 300): an upsert that did nothing, or a read that could not choose.
type MultipleMatchesError struct {
	Op   string
	URLs []string // the records' URLs, such as /services/data/v62.0/sobjects/Widget__c/a01…
}

// Error says how many records matched, without the external id value.
func (e *MultipleMatchesError) Error() string {
	return fmt.Sprintf("sobjects: %s: external id matches %d records", e.Op, len(e.URLs))
}

// Is matches [ErrMultipleMatches].
func (e *MultipleMatchesError) Is(target error) bool { return target == ErrMultipleMatches }

// Bounds on what is read of an error body and kept of any body.
const (
	maxErrorBody = 64 << 10
	maxSnippet   = 256
)

// ParseErrorBody turns the body of a non-2xx response into an [*Error]:
// Salesforce's error array (or an OAuth error object) gives Code, Message,
// Fields and Errors; anything else (an HTML page, an empty body) gives an
// Error wrapping [ErrMalformedResponse] with a short Snippet. Use it for the
// responses of calls made through [Client.Gen]; op names the call in the
// error.
func ParseErrorBody(op string, status int, body []byte) *Error {
	truncated := len(body) > maxErrorBody
	if truncated {
		body = body[:maxErrorBody]
	}
	return parseErrorBody(op, status, body, truncated)
}

// parseErrorBody turns a non-2xx response body into an *Error. body holds
// at most maxErrorBody bytes; truncated says there was more.
func parseErrorBody(op string, status int, body []byte, truncated bool) *Error {
	e := &Error{Op: op, StatusCode: status}
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\ufeff")))
	if !truncated && len(b) > 0 {
		var list []APIError
		switch b[0] {
		case '[':
			if json.Unmarshal(b, &list) != nil {
				list = nil
			}
		case '{':
			var one APIError
			var oauth struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if json.Unmarshal(b, &one) == nil && (one.Code != "" || one.Message != "") {
				list = []APIError{one}
			} else if json.Unmarshal(b, &oauth) == nil && oauth.Error != "" {
				list = []APIError{{Code: ErrorCode(oauth.Error), Message: oauth.Description}}
			}
		}
		list = dropEmpty(list)
		if len(list) > 0 {
			e.Errors = list
			e.Code, e.Message, e.Fields = list[0].Code, list[0].Message, list[0].Fields
			return e
		}
	}
	e.Err = ErrMalformedResponse
	switch {
	case len(b) == 0:
		e.Message = "empty body"
	case truncated:
		e.Message = "error body too large"
	default:
		e.Message = "not a Salesforce error body"
	}
	e.Snippet = snippet(b)
	return e
}

func dropEmpty(list []APIError) []APIError {
	out := list[:0]
	for _, ae := range list {
		if ae.Code != "" || ae.Message != "" {
			out = append(out, ae)
		}
	}
	return out
}

// snippet returns the start of b as clean text: at most maxSnippet bytes,
// valid UTF-8 (other bytes become U+FFFD), runs of white space and control
// characters folded into one space, format characters (bidi overrides and
// the like) dropped.
func snippet(b []byte) string {
	var out strings.Builder
	space := false
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if space && out.Len() > 0 {
			if out.Len()+1 >= maxSnippet {
				break
			}
			out.WriteByte(' ')
		}
		space = false
		if out.Len()+utf8.RuneLen(r) > maxSnippet {
			break
		}
		out.WriteRune(r)
	}
	return out.String()
}

// oneLine folds the line breaks of a message (query errors carry the SOQL
// and a caret on separate lines) into spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// transportError wraps an error of the HTTP layer. An *auth.Error for a
// session that Salesforce rejected and that could not be renewed (rejected
// again after a refresh, or a static token) becomes an *Error with status
// 401 and code INVALID_SESSION_ID, so that errors.Is(err, ErrInvalidSession)
// holds; errors.Is(err, auth.ErrSessionExpired) holds too, through Err.
func transportError(op string, err error) error {
	var ae *auth.Error
	if errors.As(err, &ae) && (ae.StatusCode != 0 && ae.Code != "" || errors.Is(err, auth.ErrSessionExpired)) {
		e := &Error{Op: op, StatusCode: ae.StatusCode, Code: ae.Code, Message: ae.Message, Err: err}
		if e.StatusCode == 0 {
			e.StatusCode, e.Code = http.StatusUnauthorized, ErrInvalidSession
		}
		e.Errors = []APIError{{Code: e.Code, Message: e.Message}}
		return e
	}
	return fmt.Errorf("sobjects: %s: %w", op, err)
}
