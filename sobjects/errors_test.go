package sobjects_test

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

func TestErrorBodies(t *testing.T) {
	for name, tc := range map[string]struct {
		status  int
		body    string
		code    string
		message string
		fields  []string
		errs    int
		is      error
		snippet string
	}{
		"invalid field": {400, `[{"message":"No such column 'foo' on sobject of type Account","errorCode":"INVALID_FIELD"}]`,
			"INVALID_FIELD", "No such column 'foo' on sobject of type Account", nil, 1, sobjects.ErrInvalidField, ""},
		"query caret": {400, `[{"message":"\nselect count() from XYZZY\n                    ^\nERROR at Row:1:Column:21\nsObject type 'XYZZY' is not supported.","errorCode":"INVALID_TYPE"}]`,
			"INVALID_TYPE", "\nselect count() from XYZZY\n                    ^\nERROR at Row:1:Column:21\nsObject type 'XYZZY' is not supported.", nil, 1, sobjects.ErrInvalidType, ""},
		"fields": {400, `[{"message":"Unable to create/update fields: IsClosedOnCreate.","errorCode":"INVALID_FIELD_FOR_INSERT_UPDATE","fields":["IsClosedOnCreate"]}]`,
			"INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: IsClosedOnCreate.", []string{"IsClosedOnCreate"}, 1, sobjects.ErrInvalidFieldForInsertUpdate, ""},
		"two errors": {400, `[{"message":"duplicate value found: Email_2__c duplicates value on record with id: 003xx000004TmiQ","errorCode":"DUPLICATE_VALUE","fields":[]},{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]`,
			"DUPLICATE_VALUE", "duplicate value found: Email_2__c duplicates value on record with id: 003xx000004TmiQ", nil, 2, sobjects.ErrRequiredFieldMissing, ""},
		"lock": {400, `[{"message":"unable to obtain exclusive access to this record or 1 records: 001xx000003DGb2AAG","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]`,
			"UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records: 001xx000003DGb2AAG", nil, 1, sobjects.ErrUnableToLockRow, ""},
		"limit": {403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`,
			"REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", nil, 1, sobjects.ErrRequestLimitExceeded, ""},
		"fields null": {400, `[{"message":"bad","errorCode":"MALFORMED_QUERY","fields":null}]`,
			"MALFORMED_QUERY", "bad", nil, 1, sobjects.ErrMalformedQuery, ""},
		"fields string": {400, `[{"message":"bad","errorCode":"MALFORMED_QUERY","fields":"Name"}]`,
			"MALFORMED_QUERY", "bad", nil, 1, sobjects.ErrMalformedQuery, ""},
		"one object": {500, `{"errorCode":"UNKNOWN_EXCEPTION","message":"An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678 (-1234)"}`,
			"UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678 (-1234)", nil, 1, sobjects.ErrUnknownException, ""},
		"oauth style": {400, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`,
			"invalid_grant", "expired access/refresh token", nil, 1, sobjects.ErrorCode("invalid_grant"), ""},
		"unknown code": {400, `[{"message":"Record Currency must be USD","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["CurrencyIsoCode"]}]`,
			"FIELD_CUSTOM_VALIDATION_EXCEPTION", "Record Currency must be USD", []string{"CurrencyIsoCode"}, 1, sobjects.ErrFieldCustomValidation, ""},
		"html 503": {503, "<!DOCTYPE html>\n<html>\n<head><title>Down for Maintenance</title></head>\r\n<body>\x00\x1b[31m</body></html>",
			"", "not a Salesforce error body", nil, 0, sobjects.ErrServerUnavailable, "<!DOCTYPE html> <html> <head><title>Down for Maintenance</title></head> <body> [31m</body></html>"},
		"html 404":    {404, "<html><body>Not Found</body></html>", "", "not a Salesforce error body", nil, 0, sobjects.ErrNotFound, "<html><body>Not Found</body></html>"},
		"empty 500":   {500, "", "", "empty body", nil, 0, sobjects.ErrMalformedResponse, ""},
		"truncated":   {400, `[{"message":"Required fields are mis`, "", "not a Salesforce error body", nil, 0, sobjects.ErrMalformedResponse, `[{"message":"Required fields are mis`},
		"empty list":  {400, `[]`, "", "not a Salesforce error body", nil, 0, sobjects.ErrMalformedResponse, `[]`},
		"wrong shape": {400, `[1,2]`, "", "not a Salesforce error body", nil, 0, sobjects.ErrMalformedResponse, `[1,2]`},
		"huge":        {502, strings.Repeat("<p>bad gateway</p>", 10000), "", "error body too large", nil, 0, sobjects.ErrMalformedResponse, "<p>bad gateway</p><p>"},
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newClient(t)
			mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(tc.status, tc.body)
				if strings.HasPrefix(tc.body, "<") {
					r.Header.Set("Content-Type", "text/html")
				}
				return r, nil
			})
			_, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID)
			var e *sobjects.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %T %v", err, err)
			}
			if e.StatusCode != tc.status || string(e.Code) != tc.code || e.Message != tc.message || len(e.Errors) != tc.errs ||
				strings.Join(e.Fields, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("got %#v", e)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			if !strings.HasPrefix(e.Snippet, tc.snippet) || len(e.Snippet) > 256 {
				t.Errorf("snippet %q, want prefix %q", e.Snippet, tc.snippet)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r\x00") {
				t.Errorf("multi-line message %q", msg)
			}
		})
	}
}

func TestMalformedSuccessBodies(t *testing.T) {
	for name, tc := range map[string]struct {
		body, message string
	}{
		"html":       {"<html><head><title>Salesforce</title></head></html>", "malformed JSON"},
		"empty":      {"", "empty body"},
		"truncated":  {`{"attributes":{"type":"Account"},"Name":"Ac`, "truncated JSON"},
		"wrong type": {`{"Name":42}`, "cannot decode the body"},
		"array":      {`[{"Name":"x"}]`, "cannot decode the body"},
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newClient(t)
			mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, respond(200, tc.body))
			acc, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID)
			var e *sobjects.Error
			if !reflect.DeepEqual(acc, sampleorg.Account{}) || !errors.As(err, &e) || !errors.Is(err, sobjects.ErrMalformedResponse) {
				t.Fatalf("Get = %v, %v", acc, err)
			}
			if e.StatusCode != 200 || e.Message != tc.message || e.Snippet != sobjects.Snippet([]byte(tc.body)) {
				t.Fatalf("got %#v", e)
			}
		})
	}
	// A create answered 201 without an id is an error, not an empty id.
	c, mock := newClient(t)
	mock.RegisterResponder("POST", base+"/sobjects/Account", respond(201, `{"success":true,"errors":[]}`))
	if id, err := sobjects.Create(testCtx(t), c, sampleorg.AccountCreate{Name: "x"}); id != "" || !errors.Is(err, sobjects.ErrMalformedResponse) {
		t.Fatalf("Create = %q, %v", id, err)
	}
}

func TestSessionErrors(t *testing.T) {
	// Not refreshable: passes through as an *Error; no token is minted again.
	mock := httpmock.NewMockTransport()
	src := &countingSource{instance: instance}
	c, err := sobjects.New(auth.NewSession(src), sobjects.WithHTTPClient(&http.Client{Transport: mock}))
	if err != nil {
		t.Fatal(err)
	}
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID,
		respond(401, `[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]`))
	_, err = sobjects.Get[sampleorg.Account](testCtx(t), c, acctID)
	if !errors.Is(err, sobjects.ErrInvalidSession) || src.n.Load() != 1 {
		t.Fatalf("err = %v after %d token calls", err, src.n.Load())
	}

	// A static token that died: the session cannot renew it.
	c, mock = newClient(t)
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID,
		respond(401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`))
	_, err = sobjects.Get[sampleorg.Account](testCtx(t), c, acctID)
	var e *sobjects.Error
	if !errors.Is(err, sobjects.ErrInvalidSession) || !errors.Is(err, auth.ErrSessionExpired) || !errors.As(err, &e) || e.StatusCode != 401 {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), token) || strings.Contains(e.Snippet, token) {
		t.Fatal("token in the error")
	}
}

func TestSnippet(t *testing.T) {
	for in, want := range map[string]string{
		"  a\n\n\tb  ":              "a b",
		"bidi\u202eevil":            "bidievil",
		"bad\xffutf8":               "bad\ufffdutf8",
		strings.Repeat("é", 200):    strings.Repeat("é", 128),
		"\x00\x01\x02":              "",
		"<html>\r\n<b>x</b></html>": "<html> <b>x</b></html>",
	} {
		if got := sobjects.Snippet([]byte(in)); got != want {
			t.Errorf("snippet(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseErrorBody feeds the error-body parser arbitrary bodies: it must
// never panic, always keep the status, and keep the snippet short, valid
// and free of control characters.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{
		`[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`,
		`[{"message":"x","errorCode":"E","fields":["A","B"]},{"statusCode":"F"}]`,
		`{"error":"invalid_grant","error_description":"expired access/refresh token"}`,
		`["/services/data/v67.0/sobjects/Widget__c/a01"]`,
		`<html><body>Maintenance</body></html>`,
		`[{"message":`, ``, `null`, `[null]`, `[{"fields":{}}]`, "\ufeff[{\"errorCode\":\"X\"}]",
	} {
		f.Add(400, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, truncated := range []bool{false, true} {
			e := sobjects.ParseErrorBodyTruncated(status, body, truncated)
			if e == nil || e.StatusCode != status {
				t.Fatalf("status lost: %#v", e)
			}
			if len(e.Snippet) > 256 || !utf8.ValidString(e.Snippet) || strings.ContainsFunc(e.Snippet, unicode.IsControl) {
				t.Fatalf("bad snippet %q", e.Snippet)
			}
			if (e.Code == "" && e.Message == "") || (e.Err == nil) == (len(e.Errors) == 0) {
				t.Fatalf("inconsistent error %#v", e)
			}
			_ = e.Error()
			_ = errors.Is(e, sobjects.ErrNotFound)
		}
	})
}
