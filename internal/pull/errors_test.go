package pull

import (
	"errors"
	"strings"
	"testing"
)

// TestUnknownObject: the hint names the org's closest objects (the
// matching itself is naming.Closest's, tested there), or says how to list
// them.
func TestUnknownObject(t *testing.T) {
	objs := []Object{{Name: "Account"}, {Name: "AccountContactRole"}, {Name: "Contact"}, {Name: "Contract"},
		{Name: "Widget__c"}, {Name: "Case"}, {Name: "Lead"}}
	tests := []struct{ name, hint string }{
		{"Contct", "did you mean Contact, Contract?"},
		{"widget", "did you mean Widget__c?"},
		{"Xyzzy", "run typedforce objects to list the org's objects"},
	}
	for _, tt := range tests {
		e := unknownObject(tt.name, objs)
		if !errors.Is(e, ErrUnknownObject) || e.Object != tt.name || e.Hint != tt.hint {
			t.Errorf("unknownObject(%q) = %+v, want hint %q", tt.name, e, tt.hint)
		}
	}
}

func TestResponseError(t *testing.T) {
	tests := []struct {
		object string
		status int
		body   string
		kind   error
		msg    string
	}{
		{"Account", 403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, ErrLimitExceeded,
			"API limit exhausted: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded. (HTTP 403); " + limitHint},
		{"Account", 403, `[{"message":"no","errorCode":"INSUFFICIENT_ACCESS"}]`, ErrPermission,
			"Account: permission denied: INSUFFICIENT_ACCESS: no (HTTP 403); " + permissionHint},
		{"", 403, `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`, ErrPermission, ""},
		{"Account", 401, `[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]`, ErrBadCredential, ""},
		{"", 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`, ErrAPIVersion, ""},
		{"Account", 410, `[{"errorCode":"GONE","message":"retired"}]`, ErrAPIVersion, ""},
		{"Account", 500, "<html>\n<p>down</p></html>", nil, "Account: unexpected body: <html> <p>down</p></html> (HTTP 500)"},
		{"Account", 502, "", nil, "Account: empty body (HTTP 502)"},
		{"Account", 400, `{"message":"lone object","errorCode":"X"}`, nil, "Account: X: lone object (HTTP 400)"},
	}
	for _, tt := range tests {
		e := responseError(tt.object, tt.status, []byte(tt.body))
		if tt.kind != nil && !errors.Is(e, tt.kind) || tt.kind == nil && e.Kind != nil {
			t.Errorf("%d %s: kind %v, want %v", tt.status, tt.body, e.Kind, tt.kind)
		}
		if tt.msg != "" && e.Error() != tt.msg {
			t.Errorf("%d %s:\n got %q\nwant %q", tt.status, tt.body, e.Error(), tt.msg)
		}
		if tt.kind == ErrLimitExceeded || tt.kind == ErrBadCredential {
			if !e.fatal() {
				t.Errorf("%v is not fatal", e)
			}
		}
	}
	es := Errors{{Object: "B", Kind: ErrPermission}, {Object: "A", Kind: ErrUnknownObject}}
	sortErrors(es)
	if !errors.Is(es, ErrPermission) || !errors.Is(es, ErrUnknownObject) || errors.Is(es, ErrBadCredential) {
		t.Errorf("errors.Is through Errors")
	}
	if want := "2 objects failed:\n  A: unknown object\n  B: permission denied"; es.Error() != want {
		t.Errorf("Errors:\n%s\nwant\n%s", es.Error(), want)
	}
}

// FuzzParseErrorBody: any body gives a one-line description, never a
// panic.
func FuzzParseErrorBody(f *testing.F) {
	f.Add([]byte(`[{"message":"Session expired\nor invalid","errorCode":"INVALID_SESSION_ID"}]`))
	f.Add([]byte(`{"error":"invalid_grant","error_description":"authentication failure"}`))
	f.Add([]byte("<html>\n</html>"))
	f.Add([]byte(`[1,"x",{"errorCode":7}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := parseErrorBody(body)
		if strings.Contains(string(code)+msg, "\n") {
			t.Fatalf("parseErrorBody(%q) = %q, %q: not one line", body, code, msg)
		}
	})
}
